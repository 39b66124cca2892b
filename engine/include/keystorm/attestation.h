// Attestation statement verification (WebAuthn L3 §8) and the trust decision
// (§7.1 steps 23-24).
#ifndef KEYSTORM_ATTESTATION_H_
#define KEYSTORM_ATTESTATION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keystorm/authenticator_data.h"
#include "keystorm/bytes.h"
#include "keystorm/cbor.h"
#include "keystorm/cose_key.h"
#include "keystorm/export.h"
#include "keystorm/status.h"
#include "keystorm/verify_error.h"

namespace keystorm {

// §6.5.4 attestation types.
enum class AttestationType : uint8_t { kNone, kSelf, kBasic, kAttCA, kAnonCA };
KEYSTORM_EXPORT std::string_view AttestationTypeName(AttestationType type);

// A set of trusted root certificates.  Immutable once built; share it between
// threads through shared_ptr<const TrustAnchors>.
class KEYSTORM_EXPORT TrustAnchors {
 public:
  // Each entry is one DER certificate.
  static Result<std::shared_ptr<const TrustAnchors>> FromDer(const std::vector<Bytes>& certs);
  // PEM text holding one or more certificates.
  static Result<std::shared_ptr<const TrustAnchors>> FromPem(std::string_view pem);

  ~TrustAnchors();
  size_t size() const;

  // Verifies that `chain` (leaf first, then intermediates, as in x5c) leads
  // to one of these roots, with every certificate valid at `unix_time`.
  // A chain whose leaf is itself an anchor is trusted.
  bool Verifies(const std::vector<ByteView>& chain, int64_t unix_time) const;

  struct Impl;

 private:
  TrustAnchors();
  std::unique_ptr<Impl> impl_;
};

// What the attestation format verified.
struct KEYSTORM_EXPORT AttestationStatementResult {
  AttestationType type = AttestationType::kNone;
  // x5c as given, leaf first; views into the attestationObject, or into
  // owned_certificates when the statement carries them encoded.
  std::vector<ByteView> trust_path;
  // Certificates decoded from the statement (android-safetynet: the JWS
  // header's base64 x5c); shared, so copies of a result stay valid.
  std::shared_ptr<const std::vector<Bytes>> owned_certificates;
};

// Choices the verification procedures of §8.4 and §8.5 leave to the relying
// party.  The defaults are the strict ones.
struct KEYSTORM_EXPORT AttestationPolicy {
  // android-key: read origin and purpose from the union of teeEnforced and
  // softwareEnforced instead of teeEnforced alone (keys outside a TEE).
  bool android_key_allow_software_enforced = false;
  // android-key: refuse a key description whose lists both say nothing about
  // origin and purpose.  Off by default: the W3C test vector of the pinned
  // revision has two empty lists and must verify (docs/decisions.md).
  bool android_key_require_authorizations = false;
  // android-safetynet: ctsProfileMatch must be true.
  bool safetynet_enforce_cts_profile_match = true;
  // android-safetynet: timestampMs must be neither after the verification
  // time nor older than the window before it.
  bool safetynet_check_timestamp = true;
  int64_t safetynet_timestamp_window_ms = 60 * 1000;
};

struct KEYSTORM_EXPORT AttestationContext {
  const AuthenticatorData* auth_data = nullptr;
  ByteView client_data_hash;             // SHA-256(clientDataJSON)
  const PublicKey* credential_key = nullptr;
  int64_t verification_time = 0;         // unix seconds, for certificate validity
  AttestationPolicy policy;
};

// R21-R22: verifies `att_stmt` by the procedure of format `fmt` (none,
// packed, tpm, android-key, android-safetynet, fido-u2f, apple, compound).
// Returns kOk, kUnsupportedAttestationFormat, kAttestationInvalid or
// kUnsupportedAlgorithm.  Writes *result only on kOk.
// REQUIRES: ctx.auth_data carries attested credential data.
KEYSTORM_EXPORT VerifyError VerifyAttestationStatement(std::string_view fmt, CborRef att_stmt,
                                       const AttestationContext& ctx,
                                       AttestationStatementResult* result);

// True if Keystorm implements the statement format `fmt`.
KEYSTORM_EXPORT bool IsSupportedAttestationFormat(std::string_view fmt);

}  // namespace keystorm

#endif  // KEYSTORM_ATTESTATION_H_
