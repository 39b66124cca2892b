// Turns corpus records into the W3C JSON a browser sends, and signs for a
// corpus credential.  The generator, the replay drivers and `keystorm corpus
// export` all build requests here, so the bytes they send are the same.
//
// Signing is deterministic (ECDSA nonces derived from key and digest, RSA
// PKCS#1 v1.5, Ed25519), so that one seed always gives one corpus.  The keys
// are synthetic test keys: they are stored in the corpus in the clear.
//
// Thread safety: a CredentialSigner is immutable after creation and may sign
// from any number of threads; the free functions are pure.
#ifndef KEYSTORM_CORPUS_LOGIN_BUILDER_H_
#define KEYSTORM_CORPUS_LOGIN_BUILDER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "keystorm/bytes.h"
#include "keystorm/corpus/replay_corpus.h"
#include "keystorm/status.h"

namespace keystorm::corpus {

// The other party's origin and RP ID that wrong_origin / wrong_rp_id use.
inline constexpr std::string_view kForeignOrigin = "https://login.evil.example";
inline constexpr std::string_view kForeignRpId = "login.evil.example";

// A new credential of `kind` and COSE `algorithm` (-7, -8 or -257) whose ID,
// user handle, key and registration challenge are pure functions of `seed`.
// RS256 keys take tens of milliseconds (a deterministic prime search).
Result<CorpusCredential> NewCorpusCredential(AuthenticatorKind kind, int64_t algorithm,
                                             uint64_t seed);

// Signs with a corpus credential's private key.
class CredentialSigner {
 public:
  // InvalidArgument if the private key does not fit the algorithm.
  static Result<std::unique_ptr<CredentialSigner>> Create(const CorpusCredential& credential);
  virtual ~CredentialSigner() = default;
  // The signature over `message` as WebAuthn carries it (DER for ECDSA).
  virtual Bytes Sign(ByteView message) const = 0;
};

// authenticatorData of an assertion: rpIdHash ‖ flags ‖ signCount.
Bytes AssertionAuthenticatorData(std::string_view rp_id, uint8_t flags, uint32_t sign_count);

// The flags byte an honest assertion of `credential` carries: UP|UV, plus
// BE|BS for a synced passkey.
uint8_t HonestAssertionFlags(const CorpusCredential& credential);

// clientDataJSON of a login, in the field order browsers use.
std::string AssertionClientData(std::string_view challenge_base64url, std::string_view origin);

// The authenticatorData and clientDataJSON `login` carries (faults applied),
// i.e. what its signature covers.
Bytes LoginAuthenticatorData(const ReplayCorpus& corpus, const CorpusLogin& login);
std::string LoginClientData(const ReplayCorpus& corpus, const CorpusLogin& login);

// The AuthenticationResponseJSON of `login`, exactly as recorded.
std::string LoginAssertionJson(const ReplayCorpus& corpus, const CorpusLogin& login);

// The same login signed again over a fresh `challenge_base64url` (HTTP mode:
// a server issues its own challenges).  Faults are kept: a bad signature is
// still corrupted, a wrong origin still wrong.
std::string ResignedAssertionJson(const ReplayCorpus& corpus, const CorpusLogin& login,
                                  const CredentialSigner& signer,
                                  std::string_view challenge_base64url);

// The RegistrationResponseJSON (`none` attestation) that registered
// `credential`, over its recorded registration challenge.
std::string RegistrationJson(const ReplayCorpus& corpus, const CorpusCredential& credential);

}  // namespace keystorm::corpus

#endif  // KEYSTORM_CORPUS_LOGIN_BUILDER_H_
