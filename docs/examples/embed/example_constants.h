// The fixed values the recorded ceremony (ceremony.txt) was made with: the
// relying party, the challenge key, the clock and the account.  A real
// deployment takes its key from a secret store and uses the system clock.
#ifndef KEYSTORM_EXAMPLE_EXAMPLE_CONSTANTS_H_
#define KEYSTORM_EXAMPLE_EXAMPLE_CONSTANTS_H_

#include <cstdint>

namespace example {

inline constexpr char kRpId[] = "jira.example.com";
inline constexpr char kOrigin[] = "https://jira.example.com";
inline constexpr uint32_t kChallengeKeyId = 1;
inline constexpr uint8_t kChallengeKeyByte = 0x5a;  // the secret: 32 times this byte
inline constexpr int64_t kChallengeTtlMs = 60 * 60 * 1000;
inline constexpr int64_t kRecordedAtMs = 1'800'000'000'000;  // the recording's clock
inline constexpr char kUserName[] = "alice";
// base64url of "example-user-handle-of-alice-32b" (32 bytes).
inline constexpr char kUserHandle[] = "ZXhhbXBsZS11c2VyLWhhbmRsZS1vZi1hbGljZS0zMmI";

}  // namespace example

#endif  // KEYSTORM_EXAMPLE_EXAMPLE_CONSTANTS_H_
