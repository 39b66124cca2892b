// Verification of registration (WebAuthn L3 §7.1) and authentication
// assertion (§7.2) ceremonies.
//
// The Verifier decides and writes nothing: it returns a verdict (VerifyError)
// and, on success, the data the caller must store — a new credential record
// (R27) or a credential update (A24).  Finding the credential for an
// assertion (A6) and checking a new credential ID's uniqueness (R26) belong to
// the credential store; the caller does them and passes the results in.
//
// Thread safety: a Verifier is immutable and may be shared by any number of
// threads; each thread passes its own JsonScratch.
#ifndef KEYSTORM_VERIFIER_H_
#define KEYSTORM_VERIFIER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keystorm/attestation.h"
#include "keystorm/authenticator_data.h"
#include "keystorm/bytes.h"
#include "keystorm/cose_key.h"
#include "keystorm/export.h"
#include "keystorm/json_scratch.h"
#include "keystorm/verify_error.h"
#include "keystorm/webauthn_json.h"

namespace keystorm {

// The relying party's identity: fixed for a deployment.
struct KEYSTORM_EXPORT RelyingPartyConfig {
  std::string rp_id;                     // rpIdHash must be SHA-256 of this
  std::vector<std::string> origins;      // exact matches for C.origin (R9/A12)
  bool cross_origin_allowed = false;     // may run in a cross-origin iframe (R10/A13)
  std::vector<std::string> top_origins;  // acceptable C.topOrigin (R11/A14)
};

enum class SignCountPolicy : uint8_t {
  kReject,  // A22 failure is sign_count_regression
  kWarn,    // accepted and flagged; the stored counter is never lowered
};

// What one ceremony demands.  The policy engine derives these per user, so
// policy and verification cannot disagree.
struct KEYSTORM_EXPORT Requirements {
  bool user_verification_required = false;  // R16/A17
  // R15 only: false for conditional create.  A16 has no exception, so
  // assertions require UP whatever this says.
  bool user_presence_required = true;
  // R20: offered pubKeyCredParams; empty means every implemented algorithm.
  std::vector<int64_t> allowed_algorithms;
  // RS1 (RSASSA-PKCS1-v1_5 with SHA-1): legacy TPMs sign with it and the FIDO
  // conformance tool requires it; an operator may forbid it.
  bool allow_rs1 = true;
  SignCountPolicy sign_count_policy = SignCountPolicy::kReject;
  // A19: tolerate BE 0 -> 1 (an iCloud passkey registered before sync).
  bool allow_backup_eligibility_upgrade = false;
  // R23-R24: roots the attestation must chain to.  Null or empty: trust is
  // not required and the verdict reports the trust level instead.
  std::shared_ptr<const TrustAnchors> trust_anchors;
  // Anchors per format and per AAGUID from the operator's directory
  // (trust_store.h); used when trust_anchors is unset.
  std::shared_ptr<const class TrustStore> trust_store;
  // Refuse (attestation_untrusted) a Basic/AttCA/AnonCA attestation that does
  // not chain to an applicable anchor, even when none is configured for it.
  bool require_trusted_attestation = false;
  bool allow_self_attestation = true;
  bool allow_none_attestation = true;
  // R22: the choices of the android-key and android-safetynet procedures.
  AttestationPolicy attestation_policy;
  // R18-R19 / A19 and the operator's model list: which authenticators this
  // user may use.  A refusal is policy_denied.  Registration checks the
  // attested AAGUID and BE; an assertion checks the stored ones.
  std::vector<std::array<uint8_t, 16>> allowed_aaguids;  // empty: any model
  std::vector<std::array<uint8_t, 16>> denied_aaguids;   // checked first
  bool allow_backup_eligible = true;  // false: synced passkeys are refused
  // FIDO metadata (metadata.h), normally ReloadableMetadata::Current().
  // When set, a model whose latest status report revokes it is refused with
  // attestation_revoked: at registration by the attested AAGUID (a zero
  // AAGUID: by the attestation certificate's key identifier, for fido-u2f),
  // and at every assertion by the AAGUID stored with the credential (zero:
  // not checked).  Its attestationRootCertificates for the model are
  // acceptable trust anchors as well (R23-R24).  Null: no metadata checks.
  std::shared_ptr<const class MetadataBlob> metadata;
};

// True if `req` admits an authenticator of model `aaguid` whose credential
// has backup eligibility `backup_eligible` (the operator's model and
// synced-passkey policy).
KEYSTORM_EXPORT bool AuthenticatorAdmitted(const Requirements& req, const std::array<uint8_t, 16>& aaguid,
                           bool backup_eligible);

struct KEYSTORM_EXPORT RegistrationExpectations {
  std::string challenge;  // base64url, as issued (compared after stripping '=')
  Requirements requirements;
  std::optional<int64_t> verification_time;  // unix seconds; default now
};

// R27: the credential record to store.
struct KEYSTORM_EXPORT NewCredential {
  Bytes id;
  Bytes public_key_cose;  // the COSE_Key exactly as the authenticator sent it
  int64_t algorithm = 0;
  uint32_t sign_count = 0;
  bool uv_initialized = false;
  bool backup_eligible = false;
  bool backup_state = false;
  std::array<uint8_t, 16> aaguid{};
  std::vector<std::string> transports;
  std::string attestation_format;
  AttestationType attestation_type = AttestationType::kNone;
  bool attestation_trusted = false;  // chained to a configured anchor
  std::vector<Bytes> attestation_trust_path;
};

// A stored credential as the store hands it to assertion verification.
// Views and the key must outlive the VerifyAssertion call.
struct KEYSTORM_EXPORT StoredCredential {
  ByteView id;
  ByteView user_handle;              // the owning account's user handle
  const PublicKey* public_key = nullptr;  // parsed once, cached by the caller
  uint32_t sign_count = 0;
  bool backup_eligible = false;
  bool uv_initialized = false;
  std::array<uint8_t, 16> aaguid{};  // as attested at registration (zero: unknown)
};

struct KEYSTORM_EXPORT AssertionExpectations {
  std::string challenge;
  Requirements requirements;
  // A5: when non-empty, the credential must be one of these IDs.
  std::vector<Bytes> allow_credentials;
  // A6: set when the user was identified before the ceremony (the account's
  // user handle); unset for usernameless (discoverable) login.
  std::optional<Bytes> user_handle;
};

// A24: what to write back after a successful assertion.
struct KEYSTORM_EXPORT CredentialUpdate {
  uint32_t sign_count = 0;  // never lower than the stored value
  bool backup_state = false;
  bool uv_initialized = false;
  bool sign_count_regressed = false;  // only with SignCountPolicy::kWarn
  bool user_verified = false;
};

// What the stateless part of an assertion (A7-A18, A20) found; the pipeline
// computes it in parallel before the batch's one credential lookup.  Views
// point into the AuthenticationResponse, which must outlive it.
struct KEYSTORM_EXPORT AssertionPrecheck {
  VerifyError stateless_error = VerifyError::kOk;  // first failure of A7-A18
  AuthenticatorData auth_data;
  std::array<uint8_t, 32> client_data_hash{};
  // A21's signature with s^-1 already computed in a batch, when the caller
  // (the pipeline) prepared it; nullptr verifies it whole.  Not owned.
  const PreparedP256Signature* prepared_signature = nullptr;
};

class KEYSTORM_EXPORT Verifier {
 public:
  explicit Verifier(RelyingPartyConfig config);
  ~Verifier();

  const RelyingPartyConfig& config() const { return config_; }

  // §7.1 steps R5-R25 (R26, uniqueness, is the store's).  On kOk fills *out.
  VerifyError VerifyRegistration(const RegistrationResponse& response,
                                 const RegistrationExpectations& expected, JsonScratch* scratch,
                                 NewCredential* out) const;

  // §7.2 steps A5-A22.  `credential` is the stored record whose id equals
  // response.raw_id, or nullptr if the store has none (unknown_credential).
  // On kOk fills *update.
  VerifyError VerifyAssertion(const AuthenticationResponse& response,
                              const AssertionExpectations& expected,
                              const StoredCredential* credential, JsonScratch* scratch,
                              CredentialUpdate* update) const;

  // VerifyAssertion in two halves with the same verdicts: PrecheckAssertion
  // needs no credential (A7-A18, A20); FinishAssertion runs A5-A6, reports
  // the precheck's failure if A5-A6 pass, then A19 and A21-A22.
  void PrecheckAssertion(const AuthenticationResponse& response,
                         const AssertionExpectations& expected, JsonScratch* scratch,
                         AssertionPrecheck* out) const;
  VerifyError FinishAssertion(const AuthenticationResponse& response,
                              const AssertionExpectations& expected,
                              const AssertionPrecheck& precheck,
                              const StoredCredential* credential,
                              CredentialUpdate* update) const;

 private:
  RelyingPartyConfig config_;
  std::array<uint8_t, 32> rp_id_hash_;
};

}  // namespace keystorm

#endif  // KEYSTORM_VERIFIER_H_
