// A synthetic authenticator for load generation: real keys (BoringSSL),
// real signatures, the W3C JSON that a browser would send.  Used by the
// benchmark harness and the replay-corpus generator; tests have a richer
// one with per-field mutation (tests/support).
//
// Thread safety: const methods may run concurrently.
#ifndef KEYSTORM_CORPUS_SYNTHETIC_AUTHENTICATOR_H_
#define KEYSTORM_CORPUS_SYNTHETIC_AUTHENTICATOR_H_

#include <cstdint>
#include <memory>
#include <string>

#include "keystorm/bytes.h"
#include "keystorm/credential_store.h"

namespace keystorm::corpus {

struct CeremonyContext {
  std::string rp_id = "login.example.com";
  std::string origin = "https://login.example.com";
};

class SyntheticAuthenticator {
 public:
  // A new credential of COSE algorithm `alg` (-7 ES256, -8 EdDSA, -257
  // RS256, -35 ES384, -36 ES512, -37 PS256).  `seed` makes the credential ID
  // and user handle deterministic; key material comes from BoringSSL's RNG
  // unless `deterministic_key` (ES256 and EdDSA only) derives it from seed.
  static std::unique_ptr<SyntheticAuthenticator> Create(int64_t alg, uint64_t seed,
                                                        bool deterministic_key = false);
  ~SyntheticAuthenticator();

  int64_t algorithm() const { return alg_; }
  const Bytes& credential_id() const { return credential_id_; }
  const Bytes& user_handle() const { return user_handle_; }
  const Bytes& cose_key() const { return cose_key_; }

  // The record a store holds after registration (R27).
  CredentialRecord Record(uint32_t sign_count = 0, bool backup_eligible = false) const;

  // AuthenticationResponseJSON for `challenge` (base64url) with `sign_count`
  // and flags UP|UV (plus BE|BS if backup_eligible).
  std::string AssertionJson(const CeremonyContext& ctx, std::string_view challenge,
                            uint32_t sign_count, bool backup_eligible = false) const;

  // RegistrationResponseJSON with `none` attestation.
  std::string RegistrationJson(const CeremonyContext& ctx, std::string_view challenge,
                               bool backup_eligible = false) const;

  struct Impl;

 private:
  SyntheticAuthenticator() = default;
  int64_t alg_ = 0;
  Bytes credential_id_;
  Bytes user_handle_;
  Bytes cose_key_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace keystorm::corpus

#endif  // KEYSTORM_CORPUS_SYNTHETIC_AUTHENTICATOR_H_
