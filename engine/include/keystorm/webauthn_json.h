// The W3C Level 3 JSON serialization of credentials that browsers produce
// (PublicKeyCredential.toJSON(): RegistrationResponseJSON,
// AuthenticationResponseJSON), decoded into owned byte buffers.
//
// Parsing checks the envelope only: required members present with the right
// JSON types, every binary member valid base64url, `id` equal to `rawId`,
// `type` equal to "public-key".  Any failure is kMalformedRequest.  The FIDO
// conformance tool's `getClientExtensionResults` is accepted in place of
// `clientExtensionResults`.
#ifndef KEYSTORM_WEBAUTHN_JSON_H_
#define KEYSTORM_WEBAUTHN_JSON_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keystorm/bytes.h"
#include "keystorm/export.h"
#include "keystorm/json_scratch.h"
#include "keystorm/verify_error.h"

namespace keystorm {

struct KEYSTORM_EXPORT RegistrationResponse {
  Bytes raw_id;
  Bytes client_data_json;
  Bytes attestation_object;
  std::vector<std::string> transports;
  std::string authenticator_attachment;  // empty when absent
};

struct KEYSTORM_EXPORT AuthenticationResponse {
  Bytes raw_id;
  Bytes client_data_json;
  Bytes authenticator_data;
  Bytes signature;
  std::optional<Bytes> user_handle;  // absent, or present (possibly empty)
  std::string authenticator_attachment;
};

KEYSTORM_EXPORT VerifyError ParseRegistrationResponseJson(std::string_view json, JsonScratch* scratch,
                                          RegistrationResponse* out);
KEYSTORM_EXPORT VerifyError ParseAuthenticationResponseJson(std::string_view json, JsonScratch* scratch,
                                            AuthenticationResponse* out);

}  // namespace keystorm

#endif  // KEYSTORM_WEBAUTHN_JSON_H_
