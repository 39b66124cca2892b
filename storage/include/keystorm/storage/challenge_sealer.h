// Stateless sealed challenges: issuing options writes nothing anywhere.
//
// A challenge carries its own claims under an HMAC-SHA256 tag with a server
// key (docs/storage_format.md, "Challenges"):
//
//   off  len  field
//     0    1  version (1)
//     1    4  key id, big-endian
//     5    1  ceremony (1 registration, 2 authentication)
//     6    1  binding (0 none, 1 user handle)
//     7    8  expiry, unix milliseconds, big-endian
//    15   16  SHA-256("keystorm/challenge-user/v1" ‖ user handle)[0..16), or zeros
//    31   32  random (CSPRNG); also the single-use ledger identity
//    63   32  HMAC-SHA256(key, bytes 0..63)
//   = 95 bytes (127 base64url characters)
//
// Open checks everything but single use, which needs the store: see
// RedeemChallenge (challenge_redeem.h).
//
// Key rotation: exactly one key issues; keys retired at time R stay accepted
// for challenges that expire by R + ttl (the longest any of theirs can
// live), so rotating never breaks a ceremony in flight.  Rotated() drops
// keys past that point.
//
// Thread safety: a ChallengeSealer is immutable; share it freely.  Rotation
// builds a new one, which the owner swaps in (an atomic shared_ptr).  Key
// bytes are wiped when the sealer is destroyed.
#ifndef KEYSTORM_STORAGE_CHALLENGE_SEALER_H_
#define KEYSTORM_STORAGE_CHALLENGE_SEALER_H_

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "keystorm/bytes.h"
#include "keystorm/export.h"
#include "keystorm/status.h"

namespace keystorm::storage {

enum class CeremonyKind : uint8_t { kRegistration = 1, kAuthentication = 2 };

struct KEYSTORM_EXPORT ChallengeKey {
  uint32_t id = 0;
  std::array<uint8_t, 32> secret{};  // from a CSPRNG; never logged
  // nullopt: the issuing key.  Else: no longer issues since then (unix ms).
  std::optional<int64_t> retired_at_ms;
};

// Why a challenge was refused.  Every one of them is the verdict
// VerifyError::kChallengeUnknown to the client; the detail is for logs and
// tests.
enum class ChallengeCheck : uint8_t {
  kOk,
  kMalformed,      // wrong length or version
  kUnknownKey,     // key id not in the ring (never ours, or retired long ago)
  kBadTag,         // HMAC does not verify: forged or altered
  kExpired,        // expiry <= now, or later than a retired key can have issued
  kWrongCeremony,  // a registration challenge used for a login, or the reverse
  kWrongUser,      // bound to another user (or bound, and no user given)
  kAlreadyUsed,    // consumed before (RedeemChallenge only)
};
KEYSTORM_EXPORT const char* ChallengeCheckName(ChallengeCheck check);

inline constexpr size_t kSealedChallengeBytes = 95;
inline constexpr size_t kChallengeRandomBytes = 32;

// What Open found in a challenge that checks out.
struct KEYSTORM_EXPORT OpenedChallenge {
  uint32_t key_id = 0;
  CeremonyKind ceremony = CeremonyKind::kAuthentication;
  bool user_bound = false;
  int64_t expires_at_ms = 0;
  std::array<uint8_t, kChallengeRandomBytes> random{};  // the ledger id
};

class KEYSTORM_EXPORT ChallengeSealer {
 public:
  // InvalidArgument unless exactly one key issues, key ids are unique, and
  // 0 < ttl_ms <= 1 hour.
  static Result<ChallengeSealer> Create(std::vector<ChallengeKey> keys, int64_t ttl_ms);

  ChallengeSealer(ChallengeSealer&&) noexcept = default;
  ChallengeSealer& operator=(ChallengeSealer&&) noexcept = default;
  ~ChallengeSealer();

  // A new challenge expiring at now_ms + ttl.  `user_handle` empty: not bound
  // (usernameless login).  Internal only if the CSPRNG or HMAC fails.
  Result<Bytes> Issue(CeremonyKind ceremony, ByteView user_handle, int64_t now_ms) const;

  // Checks length, version, key, tag (constant time), expiry, ceremony and
  // binding, in that order.  `user_handle`: the user the ceremony is for
  // (empty if not known); a bound challenge needs it to match, an unbound
  // one accepts any.  *out is filled when kOk.
  ChallengeCheck Open(ByteView challenge, CeremonyKind expected, ByteView user_handle,
                      int64_t now_ms, OpenedChallenge* out) const;

  // A sealer in which `next` issues, the current key is retired at now_ms,
  // and keys whose challenges have all expired are gone.
  Result<ChallengeSealer> Rotated(const ChallengeKey& next, int64_t now_ms) const;

  int64_t ttl_ms() const { return ttl_ms_; }
  uint32_t issuing_key_id() const { return keys_[issuing_].id; }
  size_t key_count() const { return keys_.size(); }

 private:
  ChallengeSealer(std::vector<ChallengeKey> keys, size_t issuing, int64_t ttl_ms)
      : keys_(std::move(keys)), issuing_(issuing), ttl_ms_(ttl_ms) {}
  const ChallengeKey* FindKey(uint32_t id) const;

  std::vector<ChallengeKey> keys_;
  size_t issuing_ = 0;
  int64_t ttl_ms_ = 0;
};

}  // namespace keystorm::storage

#endif  // KEYSTORM_STORAGE_CHALLENGE_SEALER_H_
