// The W3C L3 JSON serializations (RegistrationResponseJSON,
// AuthenticationResponseJSON) and the decoded response structs.
#include "keystorm/base64url.h"
#include "keystorm/test/test_authenticator.h"

namespace keystorm::test {
namespace {

std::string B64(ByteView bytes) { return Base64UrlEncode(bytes); }

JsonObject Common(const Bytes& credential_id, JsonObject response) {
  JsonObject root;
  root.SetString("id", B64(credential_id));
  root.SetString("rawId", B64(credential_id));
  root.SetObject("response", std::move(response));
  root.SetString("authenticatorAttachment", "cross-platform");
  root.SetObject("clientExtensionResults", JsonObject());
  root.SetString("type", "public-key");
  return root;
}

}  // namespace

RegistrationResponse Registration::Response() const {
  RegistrationResponse r;
  r.raw_id = credential_id;
  r.client_data_json.assign(client_data_json.begin(), client_data_json.end());
  r.attestation_object = attestation_object;
  r.transports = transports;
  r.authenticator_attachment = "cross-platform";
  return r;
}

JsonObject Registration::Envelope() const {
  JsonObject response;
  response.SetString("clientDataJSON", B64(AsBytes(client_data_json)));
  response.SetString("authenticatorData", B64(authenticator_data));
  std::string list = "[";
  for (size_t i = 0; i < transports.size(); ++i) list += (i ? "," : "") + JsonQuote(transports[i]);
  response.SetRaw("transports", list + "]");
  response.SetRaw("publicKeyAlgorithm", std::to_string(public_key_algorithm));
  response.SetString("attestationObject", B64(attestation_object));
  return Common(credential_id, std::move(response));
}

AuthenticationResponse Assertion::Response() const {
  AuthenticationResponse r;
  r.raw_id = credential_id;
  r.client_data_json.assign(client_data_json.begin(), client_data_json.end());
  r.authenticator_data = authenticator_data;
  r.signature = signature;
  r.user_handle = user_handle;
  r.authenticator_attachment = "cross-platform";
  return r;
}

JsonObject Assertion::Envelope() const {
  JsonObject response;
  response.SetString("clientDataJSON", B64(AsBytes(client_data_json)));
  response.SetString("authenticatorData", B64(authenticator_data));
  response.SetString("signature", B64(signature));
  if (user_handle) response.SetString("userHandle", B64(*user_handle));
  return Common(credential_id, std::move(response));
}

}  // namespace keystorm::test
