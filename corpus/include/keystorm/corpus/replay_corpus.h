// The replay corpus: the users of a relying party, their credentials (with
// private keys, so that a driver can sign again with fresh challenges), and
// a timeline of logins shaped like a Monday-morning storm, each with the
// verdict the relying party must reach.  On disk it is a versioned,
// length-prefixed binary file (docs/corpus_format.md); requests are stored as
// their parts and rebuilt as W3C JSON by login_builder.h, which keeps the
// file about five times smaller than the JSON would be.
//
// Every login is verified with these expectations: challenge = the login's
// recorded challenge, user verification required, usernameless (the
// userHandle in the response names the account), default policy otherwise.
#ifndef KEYSTORM_CORPUS_REPLAY_CORPUS_H_
#define KEYSTORM_CORPUS_REPLAY_CORPUS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keystorm/bytes.h"
#include "keystorm/status.h"
#include "keystorm/verify_error.h"

namespace keystorm::corpus {

inline constexpr uint16_t kReplayCorpusVersion = 1;

// What kind of authenticator holds a credential; decides algorithm, flags
// and counter behaviour.
enum class AuthenticatorKind : uint8_t {
  kPlatform = 0,     // synced passkey (iCloud, Google): ES256, BE|BS, counter always 0
  kSecurityKey = 1,  // roaming key: ES256 or EdDSA, BE clear, counter increments
  kHello = 2,        // Windows Hello: RS256, BE clear, counter increments
};
inline constexpr int kAuthenticatorKindCount = 3;
std::string_view AuthenticatorKindName(AuthenticatorKind kind);  // "platform", "security-key", "hello"
std::optional<AuthenticatorKind> AuthenticatorKindFromName(std::string_view name);

// One injected fault per login at most; each has exactly one expected code.
#define KEYSTORM_REPLAY_FAULTS(X)                                                        \
  X(kNone, "none", kOk)                                                                  \
  X(kBadSignature, "bad_signature", kSignatureInvalid)                                   \
  X(kReplayedChallenge, "replayed_challenge", kChallengeUnknown)                         \
  X(kCounterRegression, "counter_regression", kSignCountRegression)                      \
  X(kWrongOrigin, "wrong_origin", kOriginMismatch)                                       \
  X(kWrongRpId, "wrong_rp_id", kRpIdMismatch)                                            \
  X(kUnknownCredential, "unknown_credential", kUnknownCredential)                        \
  X(kUvMissing, "uv_missing", kUserNotVerified)                                          \
  X(kMalformedBody, "malformed_body", kMalformedRequest)

enum class Fault : uint8_t {
#define KEYSTORM_X_ENUM(e, name, code) e,
  KEYSTORM_REPLAY_FAULTS(KEYSTORM_X_ENUM)
#undef KEYSTORM_X_ENUM
};
inline constexpr int kFaultCount = 0
#define KEYSTORM_X_COUNT(e, name, code) +1
    KEYSTORM_REPLAY_FAULTS(KEYSTORM_X_COUNT)
#undef KEYSTORM_X_COUNT
    ;
std::string_view FaultName(Fault fault);
std::optional<Fault> FaultFromName(std::string_view name);
// The verdict the relying party must reach for a login with this fault.
VerifyError ExpectedVerdict(Fault fault);

// A registered credential and the key that signs for it.
struct CorpusCredential {
  AuthenticatorKind kind = AuthenticatorKind::kPlatform;
  int64_t algorithm = -7;  // COSE: -7 ES256, -8 EdDSA, -257 RS256
  Bytes credential_id;
  Bytes user_handle;
  Bytes cose_key;  // the COSE_Key as registered
  // ES256: the 32-byte scalar; EdDSA: the 32-byte seed; RS256: p ‖ q, each
  // 128 bytes big-endian, e = 65537 (the rest is derived).
  Bytes private_key;
  bool backup_eligible = false;
  std::array<uint8_t, 32> registration_challenge{};
};

// How a login's request differs from an honest one.  The builder applies
// these; the generator chose them from the login's fault.
enum LoginFlags : uint8_t {
  kLoginWrongOrigin = 1,          // clientDataJSON.origin is not the RP's
  kLoginWrongRpId = 2,            // rpIdHash of another RP ID
  kLoginNoUv = 4,                 // UV flag clear
  kLoginCorruptSignature = 8,     // one signature byte flipped after signing
  kLoginMalformedBody = 16,       // authenticatorData's base64url broken in the JSON
  kLoginUnregisteredCredential = 32,  // signed by a credential that was never registered
};

struct CorpusLogin {
  uint64_t arrival_us = 0;     // offset from the start of the storm
  uint32_t credential = 0;     // index into ReplayCorpus::credentials (or unregistered)
  Fault fault = Fault::kNone;
  VerifyError expected = VerifyError::kOk;
  uint8_t flags = 0;           // LoginFlags
  uint32_t sign_count = 0;     // signCount in authenticatorData
  std::array<uint8_t, 32> challenge{};  // as issued; also in clientDataJSON
  Bytes signature;             // as sent (after any corruption)
};

// The storm's shape: the arrival rate ramps from start_fraction * peak to the
// peak over ramp_s seconds, then holds; arrivals are a Poisson process.
struct StormShape {
  double peak_rate = 2000;     // logins per second
  double ramp_s = 10;
  double start_fraction = 0.05;
};

struct ReplayCorpus {
  uint64_t seed = 0;
  std::string rp_id;
  std::string origin;
  StormShape storm;
  std::vector<CorpusCredential> credentials;  // registered before the storm, one per user
  // Credentials that were never registered (unknown_credential faults sign
  // with them); a login's `credential` indexes this list when it carries
  // kLoginUnregisteredCredential.
  std::vector<CorpusCredential> unregistered;
  std::vector<CorpusLogin> logins;  // in arrival order

  const CorpusCredential& CredentialOf(const CorpusLogin& login) const {
    return (login.flags & kLoginUnregisteredCredential) ? unregistered[login.credential]
                                                        : credentials[login.credential];
  }
};

// The file's bytes; identical corpora give identical bytes.
Bytes SerializeReplayCorpus(const ReplayCorpus& corpus);
// Corruption (naming the record) for a truncated, damaged or foreign file;
// InvalidArgument for a version this build does not read.
Result<ReplayCorpus> ParseReplayCorpus(ByteView bytes);

Status WriteReplayCorpusFile(const std::string& path, const ReplayCorpus& corpus);
Result<ReplayCorpus> ReadReplayCorpusFile(const std::string& path);

}  // namespace keystorm::corpus

#endif  // KEYSTORM_CORPUS_REPLAY_CORPUS_H_
