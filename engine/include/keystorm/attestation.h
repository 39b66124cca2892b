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
#include "keystorm/status.h"
#include "keystorm/verify_error.h"

namespace keystorm {

// §6.5.4 attestation types.
enum class AttestationType : uint8_t { kNone, kSelf, kBasic, kAttCA, kAnonCA };
std::string_view AttestationTypeName(AttestationType type);

// A set of trusted root certificates.  Immutable once built; share it between
// threads through shared_ptr<const TrustAnchors>.
class TrustAnchors {
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
struct AttestationStatementResult {
  AttestationType type = AttestationType::kNone;
  // x5c as given, leaf first; views into the attestationObject.
  std::vector<ByteView> trust_path;
};

struct AttestationContext {
  const AuthenticatorData* auth_data = nullptr;
  ByteView client_data_hash;             // SHA-256(clientDataJSON)
  const PublicKey* credential_key = nullptr;
  int64_t verification_time = 0;         // unix seconds, for certificate validity
};

// R21-R22: verifies `att_stmt` by the procedure of format `fmt`.
// Returns kOk, kUnsupportedAttestationFormat, kAttestationInvalid or
// kUnsupportedAlgorithm.  Writes *result only on kOk.
VerifyError VerifyAttestationStatement(std::string_view fmt, CborRef att_stmt,
                                       const AttestationContext& ctx,
                                       AttestationStatementResult* result);

// True if Keystorm implements the statement format `fmt`.
bool IsSupportedAttestationFormat(std::string_view fmt);

}  // namespace keystorm

#endif  // KEYSTORM_ATTESTATION_H_
