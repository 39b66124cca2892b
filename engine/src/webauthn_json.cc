#include "keystorm/webauthn_json.h"

#include "json_scratch_impl.h"
#include "keystorm/base64url.h"

namespace keystorm {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::element;
using simdjson::dom::object;

// Reads required base64url member `name` of `obj` into *out.
bool RequiredBinary(object obj, std::string_view name, Bytes* out) {
  std::string_view text;
  if (obj[name].get_string().get(text) != SUCCESS) return false;
  out->clear();
  return Base64UrlDecode(text, out);
}

// The members every PublicKeyCredential JSON shares: id, rawId, type,
// clientExtensionResults, authenticatorAttachment.  Returns the `response`
// object through *response.
bool ParseCommon(object root, Bytes* raw_id, std::string* attachment, object* response) {
  std::string_view id, type;
  if (root["id"].get_string().get(id) != SUCCESS) return false;
  if (root["type"].get_string().get(type) != SUCCESS || type != "public-key") return false;
  raw_id->clear();
  if (!Base64UrlDecode(id, raw_id)) return false;
  // rawId may be omitted by the conformance tool's shape; when present it
  // must name the same bytes as id.
  std::string_view raw_text;
  auto raw_member = root["rawId"];
  if (raw_member.error() == SUCCESS) {
    if (raw_member.get_string().get(raw_text) != SUCCESS) return false;
    Bytes decoded;
    if (!Base64UrlDecode(raw_text, &decoded) || decoded != *raw_id) return false;
  }
  for (std::string_view ext_name : {"clientExtensionResults", "getClientExtensionResults"}) {
    element ext;
    if (root[ext_name].get(ext) == SUCCESS && !ext.is_object()) return false;
  }
  element att;
  attachment->clear();
  if (root["authenticatorAttachment"].get(att) == SUCCESS && !att.is_null()) {
    std::string_view a;
    if (att.get_string().get(a) != SUCCESS) return false;
    attachment->assign(a);
  }
  return root["response"].get_object().get(*response) == SUCCESS;
}

bool ParseRoot(std::string_view json, JsonScratch* scratch, object* root) {
  if (json.size() > kMaxJsonBytes) return false;
  element doc;
  JsonScratch::Impl* impl = scratch->impl();
  if (impl->Parse(impl->envelope, AsBytes(json)).get(doc) != SUCCESS) return false;
  if (!HasUniqueMembers(doc, JsonScratch::kMaxDepth)) return false;
  return doc.get_object().get(*root) == SUCCESS;
}

}  // namespace

VerifyError ParseRegistrationResponseJson(std::string_view json, JsonScratch* scratch,
                                          RegistrationResponse* out) {
  object root, response;
  RegistrationResponse r;
  if (!ParseRoot(json, scratch, &root) ||
      !ParseCommon(root, &r.raw_id, &r.authenticator_attachment, &response) ||
      !RequiredBinary(response, "clientDataJSON", &r.client_data_json) ||
      !RequiredBinary(response, "attestationObject", &r.attestation_object)) {
    return VerifyError::kMalformedRequest;
  }
  element transports;
  if (response["transports"].get(transports) == SUCCESS) {
    simdjson::dom::array list;
    if (transports.get_array().get(list) != SUCCESS) return VerifyError::kMalformedRequest;
    for (element t : list) {
      std::string_view name;
      if (t.get_string().get(name) != SUCCESS) return VerifyError::kMalformedRequest;
      r.transports.emplace_back(name);
    }
  }
  *out = std::move(r);
  return VerifyError::kOk;
}

VerifyError ParseAuthenticationResponseJson(std::string_view json, JsonScratch* scratch,
                                            AuthenticationResponse* out) {
  object root, response;
  AuthenticationResponse r;
  if (!ParseRoot(json, scratch, &root) ||
      !ParseCommon(root, &r.raw_id, &r.authenticator_attachment, &response) ||
      !RequiredBinary(response, "clientDataJSON", &r.client_data_json) ||
      !RequiredBinary(response, "authenticatorData", &r.authenticator_data) ||
      !RequiredBinary(response, "signature", &r.signature)) {
    return VerifyError::kMalformedRequest;
  }
  // userHandle: absent, null, or base64url (the conformance tool sends "").
  element user_handle;
  if (response["userHandle"].get(user_handle) == SUCCESS && !user_handle.is_null()) {
    std::string_view text;
    Bytes decoded;
    if (user_handle.get_string().get(text) != SUCCESS || !Base64UrlDecode(text, &decoded)) {
      return VerifyError::kMalformedRequest;
    }
    if (!decoded.empty()) r.user_handle = std::move(decoded);
  }
  *out = std::move(r);
  return VerifyError::kOk;
}

}  // namespace keystorm
