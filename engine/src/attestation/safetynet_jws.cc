#include "attestation/safetynet_jws.h"

#include <string_view>

#include "json_scratch_impl.h"
#include "keystorm/base64url.h"
#include "standard_base64.h"

namespace keystorm::attestation::safetynet {
namespace {

using simdjson::SUCCESS;

// Parses one JSON object with unique member names into *out (owned by *parser).
bool ParseObject(simdjson::dom::parser* parser, const Bytes& json, simdjson::dom::object* out) {
  if (parser->allocate(json.size(), JsonScratch::kMaxDepth) != SUCCESS) return false;
  simdjson::padded_string padded(reinterpret_cast<const char*>(json.data()), json.size());
  simdjson::dom::element root;
  // parse() copies the padded input into the parser, so `padded` may go.
  if (parser->parse(padded).get(root) != SUCCESS) return false;
  return root.get_object().get(*out) == SUCCESS && HasUniqueMembers(root, JsonScratch::kMaxDepth);
}

bool ParseHeader(simdjson::dom::object header, Jws* out) {
  std::string_view alg;
  simdjson::dom::array x5c;
  if (header["alg"].get_string().get(alg) != SUCCESS ||
      header["x5c"].get_array().get(x5c) != SUCCESS) {
    return false;
  }
  out->alg = std::string(alg);
  for (simdjson::dom::element entry : x5c) {
    std::string_view text;
    Bytes der;
    if (out->x5c.size() == kMaxCertificates || entry.get_string().get(text) != SUCCESS ||
        !DecodeStandardBase64(text, &der)) {
      return false;
    }
    out->x5c.push_back(std::move(der));
  }
  return !out->x5c.empty();
}

bool ParsePayload(simdjson::dom::object payload, Jws* out) {
  std::string_view nonce;
  if (payload["nonce"].get_string().get(nonce) != SUCCESS) return false;
  out->nonce = std::string(nonce);
  simdjson::dom::element member;
  if (payload["timestampMs"].get(member) == SUCCESS) {
    int64_t ms = 0;
    if (member.get_int64().get(ms) != SUCCESS) return false;
    out->timestamp_ms = ms;
  }
  bool flag = false;
  if (payload["ctsProfileMatch"].get(member) == SUCCESS) {
    if (member.get_bool().get(flag) != SUCCESS) return false;
    out->cts_profile_match = flag;
  }
  if (payload["basicIntegrity"].get(member) == SUCCESS) {
    if (member.get_bool().get(flag) != SUCCESS) return false;
    out->basic_integrity = flag;
  }
  return true;
}

}  // namespace

bool ParseJws(ByteView response, Jws* out) {
  if (response.size() > kMaxResponseBytes) return false;
  std::string_view text = AsChars(response);
  const size_t dot1 = text.find('.');
  if (dot1 == std::string_view::npos) return false;
  const size_t dot2 = text.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || text.find('.', dot2 + 1) != std::string_view::npos) {
    return false;
  }
  std::string_view header_b64 = text.substr(0, dot1);
  std::string_view payload_b64 = text.substr(dot1 + 1, dot2 - dot1 - 1);
  std::string_view signature_b64 = text.substr(dot2 + 1);
  // RFC 7515 §2: BASE64URL omits the '=' padding.
  if (text.find('=') != std::string_view::npos) return false;
  Jws jws;
  Bytes header_json, payload_json;
  if (header_b64.empty() || payload_b64.empty() || signature_b64.empty() ||
      !Base64UrlDecode(header_b64, &header_json) || !Base64UrlDecode(payload_b64, &payload_json) ||
      !Base64UrlDecode(signature_b64, &jws.signature)) {
    return false;
  }
  jws.signing_input = response.first(dot2);
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (!ParseObject(&parser, header_json, &object) || !ParseHeader(object, &jws)) return false;
  if (!ParseObject(&parser, payload_json, &object) || !ParsePayload(object, &jws)) return false;
  *out = std::move(jws);
  return true;
}

}  // namespace keystorm::attestation::safetynet
