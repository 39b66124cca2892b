// Fuzzes ParseRegistrationResponseJson and ParseAuthenticationResponseJson
// (the toJSON() envelopes); every input goes through both.
//
// Invariants:
//   - the verdict is kOk or kMalformedRequest, and the same on a second parse
//     with the reused JsonScratch;
//   - an accepted envelope, written back out as JSON from the parsed fields
//     (binary members re-encoded as base64url), parses again to exactly the
//     same fields.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "keystorm/base64url.h"
#include "keystorm/json_scratch.h"
#include "keystorm/webauthn_json.h"

namespace keystorm {
namespace {

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned char>(c));
      out->append(buf);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

void AppendMember(std::string* out, std::string_view name, std::string_view value) {
  if (out->back() != '{') out->push_back(',');
  AppendJsonString(out, name);
  out->push_back(':');
  AppendJsonString(out, value);
}

std::string Envelope(ByteView raw_id, std::string_view attachment, const std::string& response) {
  std::string out = "{";
  AppendMember(&out, "id", Base64UrlEncode(raw_id));
  AppendMember(&out, "rawId", Base64UrlEncode(raw_id));
  AppendMember(&out, "type", "public-key");
  if (!attachment.empty()) AppendMember(&out, "authenticatorAttachment", attachment);
  out += ",\"clientExtensionResults\":{},\"response\":" + response + "}";
  return out;
}

std::string Serialize(const RegistrationResponse& r) {
  std::string resp = "{";
  AppendMember(&resp, "clientDataJSON", Base64UrlEncode(r.client_data_json));
  AppendMember(&resp, "attestationObject", Base64UrlEncode(r.attestation_object));
  resp += ",\"transports\":[";
  for (size_t i = 0; i < r.transports.size(); ++i) {
    if (i > 0) resp.push_back(',');
    AppendJsonString(&resp, r.transports[i]);
  }
  resp += "]}";
  return Envelope(r.raw_id, r.authenticator_attachment, resp);
}

std::string Serialize(const AuthenticationResponse& r) {
  std::string resp = "{";
  AppendMember(&resp, "clientDataJSON", Base64UrlEncode(r.client_data_json));
  AppendMember(&resp, "authenticatorData", Base64UrlEncode(r.authenticator_data));
  AppendMember(&resp, "signature", Base64UrlEncode(r.signature));
  if (r.user_handle) AppendMember(&resp, "userHandle", Base64UrlEncode(*r.user_handle));
  resp += "}";
  return Envelope(r.raw_id, r.authenticator_attachment, resp);
}

bool Same(const RegistrationResponse& a, const RegistrationResponse& b) {
  return a.raw_id == b.raw_id && a.client_data_json == b.client_data_json &&
         a.attestation_object == b.attestation_object && a.transports == b.transports &&
         a.authenticator_attachment == b.authenticator_attachment;
}

bool Same(const AuthenticationResponse& a, const AuthenticationResponse& b) {
  return a.raw_id == b.raw_id && a.client_data_json == b.client_data_json &&
         a.authenticator_data == b.authenticator_data && a.signature == b.signature &&
         a.user_handle == b.user_handle && a.authenticator_attachment == b.authenticator_attachment;
}

template <typename Response, typename ParseFn>
void Check(std::string_view json, JsonScratch* scratch, ParseFn parse) {
  Response first;
  VerifyError err = parse(json, scratch, &first);
  FUZZ_CHECK(err == VerifyError::kOk || err == VerifyError::kMalformedRequest);
  Response second;
  FUZZ_CHECK(parse(json, scratch, &second) == err);
  if (err != VerifyError::kOk) return;
  FUZZ_CHECK(Same(first, second));
  std::string written = Serialize(first);
  Response reread;
  if (parse(written, scratch, &reread) != VerifyError::kOk) {
    std::fprintf(stderr, "re-serialized envelope rejected: %s\n", written.c_str());
    FUZZ_CHECK(false);
  }
  FUZZ_CHECK(Same(first, reread));
}

}  // namespace
}  // namespace keystorm

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace keystorm;
  static JsonScratch* scratch = new JsonScratch();
  std::string_view json(reinterpret_cast<const char*>(data), size);
  Check<RegistrationResponse>(json, scratch, ParseRegistrationResponseJson);
  Check<AuthenticationResponse>(json, scratch, ParseAuthenticationResponseJson);
  return 0;
}
