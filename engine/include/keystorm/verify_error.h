// The verdict on untrusted input: one code per failed check.
//
// KEYSTORM_VERIFY_ERRORS is the only list.  Each row is
//   X(enum value, stable name, spec step, one-line meaning)
// The stable names are the outcome codes of the conformance corpus schema
// (shared/corpus/SCHEMA.md) and of the HTTP API; never rename one.  Spec steps
// refer to W3C WebAuthn Level 3 (see spec.h); docs/spec_mapping.md maps each
// code to the function that decides it and to its tests.
//
// A VerifyError is a plain enum: no strings, no allocation.  System failures
// (I/O, overload, corruption) are never VerifyErrors; they are Status (status.h).
#ifndef KEYSTORM_VERIFY_ERROR_H_
#define KEYSTORM_VERIFY_ERROR_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "keystorm/export.h"

namespace keystorm {

#define KEYSTORM_VERIFY_ERRORS(X)                                                           \
  X(kOk, "ok", "-", "every check passed")                                                   \
  X(kMalformedRequest, "malformed_request", "R3/A3",                                        \
    "JSON envelope: missing members, bad base64url, id != rawId, wrong type")               \
  X(kMalformedClientData, "malformed_client_data", "R5-R6/A8-A9",                           \
    "clientDataJSON not UTF-8, not JSON, duplicate or missing members, too deep")           \
  X(kTypeMismatch, "type_mismatch", "R7/A10", "C.type is not webauthn.create/webauthn.get") \
  X(kChallengeMismatch, "challenge_mismatch", "R8/A11", "C.challenge differs")              \
  X(kOriginMismatch, "origin_mismatch", "R9/A12", "C.origin is not an expected origin")     \
  X(kCrossOriginNotAllowed, "cross_origin_not_allowed", "R10/A13",                          \
    "C.crossOrigin is true and no cross-origin iframe is expected")                         \
  X(kTopOriginMismatch, "top_origin_mismatch", "R11/A14",                                   \
    "C.topOrigin present and not an expected top origin")                                   \
  X(kMalformedAuthenticatorData, "malformed_authenticator_data", "R13/A7",                  \
    "authenticatorData too short/long, flags inconsistent, bad attested data")              \
  X(kMalformedCbor, "malformed_cbor", "R13",                                                \
    "attestationObject, COSE key or extension CBOR invalid or not canonical")               \
  X(kRpIdMismatch, "rp_id_mismatch", "R14/A15", "rpIdHash != SHA-256(RP ID)")               \
  X(kUserNotPresent, "user_not_present", "R15/A16", "UP flag clear")                        \
  X(kUserNotVerified, "user_not_verified", "R16/A17", "UV required and UV flag clear")      \
  X(kBackupStateInvalid, "backup_state_invalid", "R17/A18", "BS set while BE clear")        \
  X(kBackupEligibilityChanged, "backup_eligibility_changed", "A19",                         \
    "BE differs from the stored credential record")                                         \
  X(kAlgorithmNotAllowed, "algorithm_not_allowed", "R20",                                   \
    "credential algorithm not among the offered pubKeyCredParams")                          \
  X(kUnsupportedAlgorithm, "unsupported_algorithm", "R20/A21",                              \
    "an algorithm Keystorm does not implement")                                             \
  X(kInvalidPublicKey, "invalid_public_key", "R20/A21",                                     \
    "COSE key unusable: lengths, point not on curve, weak RSA, kty/alg mismatch")           \
  X(kUnsupportedAttestationFormat, "unsupported_attestation_format", "R21",                 \
    "fmt is not a supported attestation statement format")                                  \
  X(kAttestationInvalid, "attestation_invalid", "R22",                                      \
    "the format's verification procedure failed")                                           \
  X(kAttestationUntrusted, "attestation_untrusted", "R23-R24",                              \
    "trust anchors given and the attestation does not chain to one")                        \
  X(kAttestationRevoked, "attestation_revoked", "R23-R24",                                  \
    "metadata marks the authenticator compromised or revoked")                              \
  X(kCredentialIdTooLong, "credential_id_too_long", "R25", "credential ID > 1023 bytes")    \
  X(kCredentialAlreadyRegistered, "credential_already_registered", "R26",                   \
    "credential ID already registered to some user")                                        \
  X(kCredentialNotAllowed, "credential_not_allowed", "A5", "credential not in allowCredentials") \
  X(kUnknownCredential, "unknown_credential", "A6", "no stored credential with this ID")    \
  X(kUserHandleMismatch, "user_handle_mismatch", "A6",                                      \
    "userHandle absent where required, or not the credential owner's")                      \
  X(kSignatureInvalid, "signature_invalid", "A21", "signature malformed or does not verify") \
  X(kSignCountRegression, "sign_count_regression", "A22",                                   \
    "a counter is non-zero and the new one is not greater than the stored one")             \
  X(kChallengeUnknown, "challenge_unknown", "R8/A11",                                       \
    "stateful flows: challenge never issued, expired or already used")                      \
  X(kPolicyDenied, "policy_denied", "policy",                                               \
    "the RP's policy refuses this user, group, authenticator or ceremony")

enum class VerifyError : uint8_t {
#define KEYSTORM_X_ENUM(e, name, step, doc) e,
  KEYSTORM_VERIFY_ERRORS(KEYSTORM_X_ENUM)
#undef KEYSTORM_X_ENUM
};

// Number of codes, kOk included.
inline constexpr int kVerifyErrorCount = 0
#define KEYSTORM_X_COUNT(e, name, step, doc) +1
    KEYSTORM_VERIFY_ERRORS(KEYSTORM_X_COUNT)
#undef KEYSTORM_X_COUNT
    ;

// The stable snake_case name ("signature_invalid").
KEYSTORM_EXPORT std::string_view VerifyErrorName(VerifyError error);

// The W3C WebAuthn L3 step(s) the code belongs to ("A21").
KEYSTORM_EXPORT std::string_view VerifyErrorSpecStep(VerifyError error);

// Inverse of VerifyErrorName; nullopt for an unknown name.
KEYSTORM_EXPORT std::optional<VerifyError> VerifyErrorFromName(std::string_view name);

}  // namespace keystorm

#endif  // KEYSTORM_VERIFY_ERROR_H_
