// Redeeming a challenge at the end of a ceremony: open the seal, then consume
// it in the store, once.  Call it before verifying the response, and refuse
// the ceremony unless it answers kOk: the challenge is then spent whether the
// verification later succeeds or fails (matrix CHL-02), and a challenge that
// was never issued, expired, was meant for another ceremony or user, or was
// used before never reaches the verifier (CHL-01, -03, -04, -05).
//
// Nothing is written for a challenge that fails to open, so junk cannot grow
// the store (CHL-06).
#ifndef KEYSTORM_STORAGE_CHALLENGE_REDEEM_H_
#define KEYSTORM_STORAGE_CHALLENGE_REDEEM_H_

#include <string_view>

#include "keystorm/credential_store.h"
#include "keystorm/export.h"
#include "keystorm/status.h"
#include "keystorm/storage/challenge_sealer.h"
#include "keystorm/verify_error.h"

namespace keystorm::storage {

// *check is the outcome; a non-OK Status means the store failed and the
// ceremony must be refused (fail closed).  Thread-safe if the store is.
KEYSTORM_EXPORT Status RedeemChallenge(const ChallengeSealer& sealer, CredentialStore* store, ByteView challenge,
                       CeremonyKind ceremony, ByteView user_handle, int64_t now_ms,
                       ChallengeCheck* check);

// The same, for the base64url text a client echoes in clientDataJSON.
KEYSTORM_EXPORT Status RedeemChallengeText(const ChallengeSealer& sealer, CredentialStore* store,
                           std::string_view challenge_base64url, CeremonyKind ceremony,
                           ByteView user_handle, int64_t now_ms, ChallengeCheck* check);

// The client-facing verdict: kOk, or kChallengeUnknown for every refusal.
inline VerifyError ToVerifyError(ChallengeCheck check) {
  return check == ChallengeCheck::kOk ? VerifyError::kOk : VerifyError::kChallengeUnknown;
}

}  // namespace keystorm::storage

#endif  // KEYSTORM_STORAGE_CHALLENGE_REDEEM_H_
