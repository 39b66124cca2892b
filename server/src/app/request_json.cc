#include "request_json.h"

#include <simdjson.h>

namespace keystorm::server {

std::optional<RequestObject> RequestObject::Parse(std::string_view body) {
  RequestObject out;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return out;
  // Small bodies (the HTTP layer bounds them): a parser per call is cheap
  // next to the signature check, and keeps this free of thread state.
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  simdjson::dom::element root;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS) return std::nullopt;
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) return std::nullopt;
  for (auto field : object) {
    Member member;
    member.name = std::string(field.key);
    switch (field.value.type()) {
      case simdjson::dom::element_type::STRING:
        member.kind = Member::Kind::kString;
        member.text = std::string(std::string_view(field.value));
        break;
      case simdjson::dom::element_type::BOOL:
        member.kind = Member::Kind::kBool;
        member.boolean = bool(field.value);
        break;
      case simdjson::dom::element_type::INT64:
        member.kind = Member::Kind::kInteger;
        member.integer = int64_t(field.value);
        break;
      case simdjson::dom::element_type::ARRAY: {
        member.kind = Member::Kind::kStringArray;
        for (auto element : simdjson::dom::array(field.value)) {
          std::string_view text;
          if (element.get_string().get(text) != simdjson::SUCCESS) {
            member.kind = Member::Kind::kOther;
            member.strings.clear();
            break;
          }
          member.strings.emplace_back(text);
        }
        break;
      }
      case simdjson::dom::element_type::OBJECT: {
        member.kind = Member::Kind::kStringMap;
        for (auto entry : simdjson::dom::object(field.value)) {
          std::string_view text;
          if (entry.value.get_string().get(text) == simdjson::SUCCESS) {
            member.pairs.emplace_back(std::string(entry.key), std::string(text));
            continue;
          }
          simdjson::dom::array values;
          bool ok = entry.value.get_array().get(values) == simdjson::SUCCESS;
          if (ok) {
            for (auto element : values) {
              if (element.get_string().get(text) != simdjson::SUCCESS) {
                ok = false;
                break;
              }
              member.pairs.emplace_back(std::string(entry.key), std::string(text));
            }
          }
          if (!ok) {
            member.kind = Member::Kind::kOther;
            member.pairs.clear();
            break;
          }
        }
        break;
      }
      default:
        break;
    }
    for (const Member& seen : out.members) {
      if (seen.name == member.name) return std::nullopt;  // duplicate member
    }
    out.members.push_back(std::move(member));
  }
  return out;
}

const RequestObject::Member* RequestObject::Find(std::string_view name) const {
  for (const Member& member : members) {
    if (member.name == name) return &member;
  }
  return nullptr;
}

std::optional<std::string> RequestObject::String(std::string_view name, bool* type_ok) const {
  const Member* member = Find(name);
  *type_ok = true;
  if (member == nullptr) return std::nullopt;
  if (member->kind != Member::Kind::kString) {
    *type_ok = false;
    return std::nullopt;
  }
  return member->text;
}

}  // namespace keystorm::server
