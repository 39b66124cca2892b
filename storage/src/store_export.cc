#include "keystorm/storage/store_export.h"

#include <simdjson.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>

#include "keystorm/base64url.h"
#include "keystorm/json_writer.h"
#include "keystorm/storage/store_layout.h"

namespace keystorm::storage {
namespace {

constexpr int64_t kExportVersion = 1;

std::string Hex(ByteView bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

bool FromHex(std::string_view text, uint8_t* out, size_t n) {
  if (text.size() != 2 * n) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (size_t i = 0; i < n; ++i) {
    int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

Status WriteLine(std::ostream* out, const JsonWriter& w) {
  *out << w.str() << '\n';
  return out->good() ? Status::Ok() : Status::IOError("export: write failed");
}

// ---- import: one object, strictly ----

class Line {
 public:
  Line(simdjson::dom::object object, uint64_t number) : object_(object), number_(number) {}

  Status Error(std::string_view what) const {
    return Status::InvalidArgument("import line " + std::to_string(number_) + ": " +
                                   std::string(what));
  }
  // Every field must be one of `allowed`.
  Status OnlyFields(std::initializer_list<std::string_view> allowed) const {
    for (auto field : object_) {
      if (std::find(allowed.begin(), allowed.end(), field.key) == allowed.end()) {
        return Error("unknown field \"" + std::string(field.key) + "\"");
      }
    }
    return Status::Ok();
  }
  Status String(std::string_view key, std::string* out) const {
    std::string_view v;
    if (object_[key].get_string().get(v) != simdjson::SUCCESS) return Missing(key, "a string");
    *out = std::string(v);
    return Status::Ok();
  }
  Status Binary(std::string_view key, Bytes* out) const {
    std::string text;
    if (Status s = String(key, &text); !s.ok()) return s;
    out->clear();
    if (!Base64UrlDecode(text, out) || Base64UrlEncode(*out) != text) {
      return Error(std::string(key) + " is not unpadded base64url");
    }
    return Status::Ok();
  }
  Status Int(std::string_view key, int64_t* out) const {
    if (object_[key].get_int64().get(*out) != simdjson::SUCCESS) return Missing(key, "an integer");
    return Status::Ok();
  }
  Status Bool(std::string_view key, bool* out) const {
    if (object_[key].get_bool().get(*out) != simdjson::SUCCESS) return Missing(key, "a boolean");
    return Status::Ok();
  }
  // nullopt for JSON null.
  Status OptionalInt(std::string_view key, std::optional<int64_t>* out) const {
    simdjson::dom::element e;
    if (object_[key].get(e) != simdjson::SUCCESS) return Missing(key, "an integer or null");
    if (e.is_null()) {
      out->reset();
      return Status::Ok();
    }
    int64_t v = 0;
    if (e.get_int64().get(v) != simdjson::SUCCESS) return Missing(key, "an integer or null");
    *out = v;
    return Status::Ok();
  }
  Status StringArray(std::string_view key, std::vector<std::string>* out) const {
    simdjson::dom::array array;
    if (object_[key].get_array().get(array) != simdjson::SUCCESS) return Missing(key, "an array");
    out->clear();
    for (auto item : array) {
      std::string_view v;
      if (item.get_string().get(v) != simdjson::SUCCESS) return Missing(key, "an array of strings");
      out->emplace_back(v);
    }
    return Status::Ok();
  }

 private:
  Status Missing(std::string_view key, std::string_view kind) const {
    return Error("\"" + std::string(key) + "\" must be " + std::string(kind));
  }
  simdjson::dom::object object_;
  uint64_t number_;
};

Status ParseUser(const Line& line, UserRecord* u) {
  if (Status s = line.OnlyFields({"type", "user_handle", "name", "display_name", "created_at",
                                  "must_reregister", "bypass_until"});
      !s.ok()) {
    return s;
  }
  Status s = line.Binary("user_handle", &u->user_handle);
  if (s.ok()) s = line.String("name", &u->name);
  if (s.ok()) s = line.String("display_name", &u->display_name);
  if (s.ok()) s = line.Int("created_at", &u->created_at);
  if (s.ok()) s = line.Bool("must_reregister", &u->must_reregister);
  if (s.ok()) s = line.OptionalInt("bypass_until", &u->bypass_until);
  return s;
}

Status ParseCredential(const Line& line, CredentialRecord* r) {
  if (Status s =
          line.OnlyFields({"type", "id", "user_handle", "public_key", "algorithm", "sign_count",
                           "backup_eligible", "backup_state", "uv_initialized", "aaguid",
                           "transports", "attestation_format", "created_at", "last_used_at"});
      !s.ok()) {
    return s;
  }
  int64_t sign_count = 0;
  std::string aaguid;
  Status s = line.Binary("id", &r->id);
  if (s.ok()) s = line.Binary("user_handle", &r->user_handle);
  if (s.ok()) s = line.Binary("public_key", &r->public_key_cose);
  if (s.ok()) s = line.Int("algorithm", &r->algorithm);
  if (s.ok()) s = line.Int("sign_count", &sign_count);
  if (s.ok()) s = line.Bool("backup_eligible", &r->backup_eligible);
  if (s.ok()) s = line.Bool("backup_state", &r->backup_state);
  if (s.ok()) s = line.Bool("uv_initialized", &r->uv_initialized);
  if (s.ok()) s = line.String("aaguid", &aaguid);
  if (s.ok()) s = line.StringArray("transports", &r->transports);
  if (s.ok()) s = line.String("attestation_format", &r->attestation_format);
  if (s.ok()) s = line.Int("created_at", &r->created_at);
  if (s.ok()) s = line.Int("last_used_at", &r->last_used_at);
  if (!s.ok()) return s;
  if (sign_count < 0 || sign_count > UINT32_MAX) return line.Error("sign_count out of range");
  r->sign_count = static_cast<uint32_t>(sign_count);
  if (!FromHex(aaguid, r->aaguid.data(), r->aaguid.size())) {
    return line.Error("aaguid must be 32 lower-case hex digits");
  }
  return Status::Ok();
}

Status ParseChallenge(const Line& line, ConsumedChallenge* c) {
  if (Status s = line.OnlyFields({"type", "id", "expires_at_ms", "consumed_at_ms"}); !s.ok())
    return s;
  Status s = line.Binary("id", &c->id);
  if (s.ok()) s = line.Int("expires_at_ms", &c->expires_at_ms);
  if (s.ok()) s = line.Int("consumed_at_ms", &c->consumed_at_ms);
  return s;
}

}  // namespace

Status ExportJsonLines(RocksCredentialStore* store, std::ostream* out, DumpCounts* counts) {
  *counts = DumpCounts();
  JsonWriter header;
  // clang-format off
  header.BeginObject()
      .Key("keystorm_store_export").Int(kExportVersion)
      .Key("format_version").Int(layout::kFormatVersion)
      .EndObject();
  // clang-format on
  if (Status s = WriteLine(out, header); !s.ok()) return s;

  ExportVisitor visitor;
  visitor.user = [&](const UserRecord& u) {
    JsonWriter w;
    // clang-format off
    w.BeginObject()
        .Key("type").String("user")
        .Key("user_handle").String(Base64UrlEncode(u.user_handle))
        .Key("name").String(u.name)
        .Key("display_name").String(u.display_name)
        .Key("created_at").Int(u.created_at)
        .Key("must_reregister").Bool(u.must_reregister)
        .Key("bypass_until");
    if (u.bypass_until) {
      w.Int(*u.bypass_until);
    } else {
      w.Null();
    }
    w.EndObject();
    // clang-format on
    ++counts->users;
    return WriteLine(out, w);
  };
  visitor.credential = [&](const CredentialRecord& r) {
    JsonWriter w;
    // clang-format off
    w.BeginObject()
        .Key("type").String("credential")
        .Key("id").String(Base64UrlEncode(r.id))
        .Key("user_handle").String(Base64UrlEncode(r.user_handle))
        .Key("public_key").String(Base64UrlEncode(r.public_key_cose))
        .Key("algorithm").Int(r.algorithm)
        .Key("sign_count").Uint(r.sign_count)
        .Key("backup_eligible").Bool(r.backup_eligible)
        .Key("backup_state").Bool(r.backup_state)
        .Key("uv_initialized").Bool(r.uv_initialized)
        .Key("aaguid").String(Hex(r.aaguid))
        .Key("transports").BeginArray();
    for (const std::string& t : r.transports) w.String(t);
    w.EndArray()
        .Key("attestation_format").String(r.attestation_format)
        .Key("created_at").Int(r.created_at)
        .Key("last_used_at").Int(r.last_used_at)
        .EndObject();
    // clang-format on
    ++counts->credentials;
    return WriteLine(out, w);
  };
  visitor.challenge = [&](const ConsumedChallenge& c) {
    JsonWriter w;
    // clang-format off
    w.BeginObject()
        .Key("type").String("consumed_challenge")
        .Key("id").String(Base64UrlEncode(c.id))
        .Key("expires_at_ms").Int(c.expires_at_ms)
        .Key("consumed_at_ms").Int(c.consumed_at_ms)
        .EndObject();
    // clang-format on
    ++counts->consumed_challenges;
    return WriteLine(out, w);
  };
  if (Status s = store->Export(visitor); !s.ok()) return s;
  out->flush();
  return out->good() ? Status::Ok() : Status::IOError("export: write failed");
}

Status ImportJsonLines(std::istream* in, RocksCredentialStore* store, size_t batch_lines,
                       DumpCounts* counts) {
  *counts = DumpCounts();
  if (batch_lines == 0) batch_lines = 1;
  simdjson::dom::parser parser;
  ImportBatch batch;
  size_t pending = 0;
  auto flush = [&]() -> Status {
    if (pending == 0) return Status::Ok();
    if (Status s = store->Import(batch); !s.ok()) return s;
    counts->users += batch.users.size();
    counts->credentials += batch.credentials.size();
    counts->consumed_challenges += batch.challenges.size();
    batch = ImportBatch();
    pending = 0;
    return Status::Ok();
  };

  std::string text;
  uint64_t number = 0;
  bool header_seen = false;
  while (std::getline(*in, text)) {
    ++number;
    if (text.empty()) continue;
    simdjson::dom::object object;
    if (parser.parse(text).get_object().get(object) != simdjson::SUCCESS) {
      return Status::InvalidArgument("import line " + std::to_string(number) +
                                     ": not a JSON object");
    }
    Line line(object, number);
    if (!header_seen) {
      int64_t version = 0, format = 0;
      if (Status s = line.OnlyFields({"keystorm_store_export", "format_version"}); !s.ok())
        return s;
      if (!line.Int("keystorm_store_export", &version).ok() || version != kExportVersion ||
          !line.Int("format_version", &format).ok() || format != layout::kFormatVersion) {
        return line.Error("not a keystorm store export of a version this build reads");
      }
      header_seen = true;
      continue;
    }
    std::string type;
    if (Status s = line.String("type", &type); !s.ok()) return s;
    Status s;
    if (type == "user") {
      batch.users.emplace_back();
      s = ParseUser(line, &batch.users.back());
    } else if (type == "credential") {
      batch.credentials.emplace_back();
      s = ParseCredential(line, &batch.credentials.back());
    } else if (type == "consumed_challenge") {
      batch.challenges.emplace_back();
      s = ParseChallenge(line, &batch.challenges.back());
    } else {
      s = line.Error("unknown type \"" + type + "\"");
    }
    if (!s.ok()) return s;
    if (++pending >= batch_lines) {
      if (Status f = flush(); !f.ok()) return f;
    }
  }
  if (in->bad()) return Status::IOError("import: read failed");
  if (!header_seen) return Status::InvalidArgument("import: empty input (no header line)");
  return flush();
}

}  // namespace keystorm::storage
