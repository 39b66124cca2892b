#include "ceremony_steps.h"

#include <openssl/sha.h>

#include <algorithm>

namespace keystorm::steps {
namespace {

std::string_view StripPadding(std::string_view s) {
  while (!s.empty() && s.back() == '=') s.remove_suffix(1);
  return s;
}

}  // namespace

VerifyError CheckType(const CollectedClientData& c, std::string_view expected_type) {
  return c.type == expected_type ? VerifyError::kOk : VerifyError::kTypeMismatch;
}

VerifyError CheckChallenge(const CollectedClientData& c, std::string_view expected_challenge) {
  std::string_view got = StripPadding(c.challenge);
  std::string_view want = StripPadding(expected_challenge);
  return ConstantTimeEqual(AsBytes(got), AsBytes(want)) && !want.empty()
             ? VerifyError::kOk
             : VerifyError::kChallengeMismatch;
}

VerifyError CheckOrigin(const CollectedClientData& c, const RelyingPartyConfig& rp) {
  for (const std::string& origin : rp.origins) {
    if (c.origin == origin) return VerifyError::kOk;
  }
  return VerifyError::kOriginMismatch;
}

VerifyError CheckCrossOrigin(const CollectedClientData& c, const RelyingPartyConfig& rp) {
  return c.cross_origin && !rp.cross_origin_allowed ? VerifyError::kCrossOriginNotAllowed
                                                    : VerifyError::kOk;
}

VerifyError CheckTopOrigin(const CollectedClientData& c, const RelyingPartyConfig& rp) {
  if (!c.top_origin) return VerifyError::kOk;
  // (a) a topOrigin means a cross-origin iframe, which must be expected.
  if (!rp.cross_origin_allowed) return VerifyError::kCrossOriginNotAllowed;
  // (b) and it must be one of the expected parent pages.
  for (const std::string& top : rp.top_origins) {
    if (*c.top_origin == top) return VerifyError::kOk;
  }
  return VerifyError::kTopOriginMismatch;
}

VerifyError CheckRpIdHash(const AuthenticatorData& ad, const std::array<uint8_t, 32>& rp_id_hash) {
  return Equal(ad.rp_id_hash, rp_id_hash) ? VerifyError::kOk : VerifyError::kRpIdMismatch;
}

VerifyError CheckUserPresent(const AuthenticatorData& ad, const Requirements& req,
                             std::string_view ceremony_type) {
  bool required = req.user_presence_required || ceremony_type == kTypeGet;
  return required && !ad.user_present() ? VerifyError::kUserNotPresent : VerifyError::kOk;
}

VerifyError CheckUserVerified(const AuthenticatorData& ad, const Requirements& req) {
  return req.user_verification_required && !ad.user_verified() ? VerifyError::kUserNotVerified
                                                               : VerifyError::kOk;
}

VerifyError CheckBackupState(const AuthenticatorData& ad) {
  return !ad.backup_eligible() && ad.backup_state() ? VerifyError::kBackupStateInvalid
                                                    : VerifyError::kOk;
}

VerifyError CheckAlgorithmAllowed(int64_t alg, const Requirements& req) {
  if (alg == static_cast<int64_t>(CoseAlgorithm::kRS1) && !req.allow_rs1) {
    return VerifyError::kAlgorithmNotAllowed;
  }
  if (req.allowed_algorithms.empty() ||
      std::find(req.allowed_algorithms.begin(), req.allowed_algorithms.end(), alg) !=
          req.allowed_algorithms.end()) {
    return VerifyError::kOk;
  }
  return VerifyError::kAlgorithmNotAllowed;
}

std::array<uint8_t, 32> Sha256(ByteView data) {
  std::array<uint8_t, 32> hash;
  SHA256(data.data(), data.size(), hash.data());
  return hash;
}

VerifyError VerifyClientData(ByteView client_data_json, std::string_view expected_type,
                             std::string_view expected_challenge, const RelyingPartyConfig& rp,
                             JsonScratch* scratch) {
  CollectedClientData c;
  VerifyError err = ParseClientData(client_data_json, scratch, &c);  // R5-R6 / A8-A9
  if (err != VerifyError::kOk) return err;
  if ((err = CheckType(c, expected_type)) != VerifyError::kOk) return err;
  if ((err = CheckChallenge(c, expected_challenge)) != VerifyError::kOk) return err;
  if ((err = CheckOrigin(c, rp)) != VerifyError::kOk) return err;
  if ((err = CheckCrossOrigin(c, rp)) != VerifyError::kOk) return err;
  return CheckTopOrigin(c, rp);
}

VerifyError VerifyAuthenticatorDataFlags(const AuthenticatorData& ad,
                                         const std::array<uint8_t, 32>& rp_id_hash,
                                         const Requirements& req, std::string_view ceremony_type) {
  VerifyError err;
  if ((err = CheckRpIdHash(ad, rp_id_hash)) != VerifyError::kOk) return err;
  if ((err = CheckUserPresent(ad, req, ceremony_type)) != VerifyError::kOk) return err;
  if ((err = CheckUserVerified(ad, req)) != VerifyError::kOk) return err;
  return CheckBackupState(ad);
}

}  // namespace keystorm::steps
