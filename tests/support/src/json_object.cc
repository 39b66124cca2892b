#include "keystorm/test/json_object.h"

#include <cstdio>

namespace keystorm::test {

std::string JsonQuote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;  // UTF-8 passes through unchanged
        }
    }
  }
  out += '"';
  return out;
}

JsonObject::Member* JsonObject::Find(std::string_view name) {
  for (Member& m : members_) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

JsonObject& JsonObject::SetRaw(std::string_view name, std::string json_text) {
  Member* m = Find(name);
  if (m == nullptr) return AppendRaw(name, std::move(json_text));
  m->text = std::move(json_text);
  m->object.clear();
  return *this;
}

JsonObject& JsonObject::SetString(std::string_view name, std::string_view text) {
  return SetRaw(name, JsonQuote(text));
}

JsonObject& JsonObject::SetBool(std::string_view name, bool value) {
  return SetRaw(name, value ? "true" : "false");
}

JsonObject& JsonObject::SetObject(std::string_view name, JsonObject value) {
  Member* m = Find(name);
  if (m == nullptr) {
    members_.push_back(Member{std::string(name), "", {}});
    m = &members_.back();
  }
  m->text.clear();
  m->object.clear();
  m->object.push_back(std::move(value));
  return *this;
}

JsonObject& JsonObject::AppendRaw(std::string_view name, std::string json_text) {
  members_.push_back(Member{std::string(name), std::move(json_text), {}});
  return *this;
}

JsonObject& JsonObject::Remove(std::string_view name) {
  std::erase_if(members_, [name](const Member& m) { return m.name == name; });
  return *this;
}

JsonObject* JsonObject::FindObject(std::string_view name) {
  Member* m = Find(name);
  return m != nullptr && !m->object.empty() ? &m->object.front() : nullptr;
}

std::string JsonObject::ToString() const {
  std::string out = "{";
  for (size_t i = 0; i < members_.size(); ++i) {
    if (i > 0) out += ',';
    out += JsonQuote(members_[i].name);
    out += ':';
    out += members_[i].object.empty() ? members_[i].text : members_[i].object.front().ToString();
  }
  out += '}';
  return out;
}

}  // namespace keystorm::test
