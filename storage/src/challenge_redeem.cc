#include "keystorm/storage/challenge_redeem.h"

#include "keystorm/base64url.h"

namespace keystorm::storage {

Status RedeemChallenge(const ChallengeSealer& sealer, CredentialStore* store, ByteView challenge,
                       CeremonyKind ceremony, ByteView user_handle, int64_t now_ms,
                       ChallengeCheck* check) {
  OpenedChallenge opened;
  *check = sealer.Open(challenge, ceremony, user_handle, now_ms, &opened);
  if (*check != ChallengeCheck::kOk) return Status::Ok();
  ChallengeUse use{opened.random, opened.expires_at_ms};
  std::vector<ChallengeOutcome> outcomes;
  if (Status s =
          store->ConsumeChallenges(std::span<const ChallengeUse>(&use, 1), now_ms, &outcomes);
      !s.ok()) {
    *check = ChallengeCheck::kAlreadyUsed;  // whatever the caller does with it: refused
    return s;
  }
  switch (outcomes[0]) {
    case ChallengeOutcome::kConsumed:
      *check = ChallengeCheck::kOk;
      break;
    case ChallengeOutcome::kAlreadyUsed:
      *check = ChallengeCheck::kAlreadyUsed;
      break;
    case ChallengeOutcome::kExpired:
      *check = ChallengeCheck::kExpired;
      break;
  }
  return Status::Ok();
}

Status RedeemChallengeText(const ChallengeSealer& sealer, CredentialStore* store,
                           std::string_view challenge_base64url, CeremonyKind ceremony,
                           ByteView user_handle, int64_t now_ms, ChallengeCheck* check) {
  Bytes raw;
  if (challenge_base64url.size() > 2 * kSealedChallengeBytes ||
      !Base64UrlDecode(challenge_base64url, &raw)) {
    *check = ChallengeCheck::kMalformed;
    return Status::Ok();
  }
  return RedeemChallenge(sealer, store, raw, ceremony, user_handle, now_ms, check);
}

}  // namespace keystorm::storage
