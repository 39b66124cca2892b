// Private: the steps §7.1 and §7.2 share, one function each.  Each returns
// kOk or the code of its failure.  The order they run in is written once per
// ceremony, in registration.cc and assertion.cc.
#ifndef KEYSTORM_ENGINE_SRC_CEREMONY_STEPS_H_
#define KEYSTORM_ENGINE_SRC_CEREMONY_STEPS_H_

#include <array>
#include <string_view>

#include "keystorm/authenticator_data.h"
#include "keystorm/client_data.h"
#include "keystorm/verifier.h"

namespace keystorm::steps {

inline constexpr std::string_view kTypeCreate = "webauthn.create";
inline constexpr std::string_view kTypeGet = "webauthn.get";

// R7 / A10: "Verify that the value of C.type is webauthn.create" (or .get).
VerifyError CheckType(const CollectedClientData& c, std::string_view expected_type);

// R8 / A11: "Verify that the value of C.challenge equals the base64url
// encoding of pkOptions.challenge."  Constant time; trailing '=' ignored.
VerifyError CheckChallenge(const CollectedClientData& c, std::string_view expected_challenge);

// R9 / A12: "Verify that the value of C.origin is an origin expected by the
// Relying Party."  Exact string match against the allow-list.
VerifyError CheckOrigin(const CollectedClientData& c, const RelyingPartyConfig& rp);

// R10 / A13: "If C.crossOrigin is present and set to true, verify that the
// Relying Party expects this credential to be used within an iframe that is
// not same-origin with its ancestors."
VerifyError CheckCrossOrigin(const CollectedClientData& c, const RelyingPartyConfig& rp);

// R11 / A14: "If C.topOrigin is present: verify that the Relying Party
// expects [a cross-origin iframe] and that C.topOrigin matches an origin of
// a page that the Relying Party expects to be sub-framed within."
VerifyError CheckTopOrigin(const CollectedClientData& c, const RelyingPartyConfig& rp);

// R14 / A15: "Verify that the rpIdHash in authData is the SHA-256 hash of
// the RP ID expected by the Relying Party."
VerifyError CheckRpIdHash(const AuthenticatorData& ad, const std::array<uint8_t, 32>& rp_id_hash);

// R15 / A16: "Verify that the UP bit of the flags in authData is set."
// Only R15 has an exception (conditional create, which the caller signals
// with req.user_presence_required = false); A16 has none, so for
// kTypeGet the switch is ignored.
VerifyError CheckUserPresent(const AuthenticatorData& ad, const Requirements& req,
                             std::string_view ceremony_type);

// R16 / A17: "If user verification is required, verify that the UV bit of
// the flags in authData is set."
VerifyError CheckUserVerified(const AuthenticatorData& ad, const Requirements& req);

// R17 / A18: "If the BE bit of the flags in authData is not set, verify that
// the BS bit is not set."
VerifyError CheckBackupState(const AuthenticatorData& ad);

// R20 / A21 prelude: the algorithm is among those the RP offers (empty: all
// implemented), and RS1 only where allowed.
VerifyError CheckAlgorithmAllowed(int64_t alg, const Requirements& req);

std::array<uint8_t, 32> Sha256(ByteView data);

// R12 / A20: hash = SHA-256(clientDataJSON).
inline std::array<uint8_t, 32> HashClientData(ByteView client_data_json) {
  return Sha256(client_data_json);
}

// Runs R5-R11 / A8-A14 on clientDataJSON: parse, then the checks above in
// order.
VerifyError VerifyClientData(ByteView client_data_json, std::string_view expected_type,
                             std::string_view expected_challenge, const RelyingPartyConfig& rp,
                             JsonScratch* scratch);

// Runs R14-R17 / A15-A18 on parsed authenticator data; `ceremony_type` is
// kTypeCreate or kTypeGet.
VerifyError VerifyAuthenticatorDataFlags(const AuthenticatorData& ad,
                                         const std::array<uint8_t, 32>& rp_id_hash,
                                         const Requirements& req, std::string_view ceremony_type);

}  // namespace keystorm::steps

#endif  // KEYSTORM_ENGINE_SRC_CEREMONY_STEPS_H_
