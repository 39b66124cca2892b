// §8.4 Android Key Attestation Statement Format.
//   attStmt = { alg: COSEAlgorithmIdentifier, sig: bytes, x5c: [ credCert, * caCert ] }
// credCert carries the key description extension (android_key_description.h).
#include <algorithm>

#include "attestation/android_key_description.h"
#include "attestation/certificate.h"
#include "attestation/formats.h"
#include "attestation/statement_util.h"

namespace keystorm::attestation {
namespace {

// OUT OF SPEC: §8.4 says purpose "is equal to" KM_PURPOSE_SIGN; purpose is a
// SET OF INTEGER and keys may also allow VERIFY, so SIGN must be among them
// (docs/attestation.md).
bool HasPurposeSign(const android::AuthorizationList& list) {
  return std::find(list.purpose.begin(), list.purpose.end(), android::kPurposeSign) !=
         list.purpose.end();
}

// "Verify the following using the appropriate authorization list": no
// allApplications in either list; origin is KM_ORIGIN_GENERATED and purpose
// is KM_PURPOSE_SIGN in teeEnforced, or in the union of both lists if the RP
// accepts keys outside a trusted execution environment.
bool AuthorizationListsAreAcceptable(const android::KeyDescription& kd,
                                     const AttestationPolicy& policy) {
  // "The AuthorizationList.allApplications field is not present on either
  // authorization list (softwareEnforced nor teeEnforced)".
  if (kd.software_enforced.all_applications || kd.tee_enforced.all_applications) return false;
  const android::AuthorizationList& tee = kd.tee_enforced;
  const android::AuthorizationList& sw = kd.software_enforced;
  // OUT OF SPEC: when neither list states origin or purpose at all there is
  // nothing to compare, and the W3C vector of the pinned revision is exactly
  // such a key; it verifies unless the operator requires the statements.  A
  // list that does state them must state the right values, and a key whose
  // only statements are software-enforced still fails the TEE-only default.
  bool tee_states = tee.origin.has_value() || !tee.purpose.empty();
  bool sw_states = sw.origin.has_value() || !sw.purpose.empty();
  if (!tee_states && !sw_states) return !policy.android_key_require_authorizations;
  if (!policy.android_key_allow_software_enforced) {
    return tee.origin == android::kOriginGenerated && HasPurposeSign(tee);
  }
  // The union: an origin stated in either list must be GENERATED, and one must state it.
  if (!tee.origin && !sw.origin) return false;
  if ((tee.origin && *tee.origin != android::kOriginGenerated) ||
      (sw.origin && *sw.origin != android::kOriginGenerated)) {
    return false;
  }
  return HasPurposeSign(tee) || HasPurposeSign(sw);
}

// "Verify that the attestationChallenge field in the attestation certificate
// extension data is identical to clientDataHash", then the authorization lists.
bool KeyDescriptionIsAcceptable(X509* cred_cert, const AttestationContext& ctx) {
  ByteView value;
  bool critical = false;
  if (FindExtension(cred_cert, kOidAndroidKeyDescription, &value, &critical) !=
      Extension::kPresent) {
    return false;
  }
  android::KeyDescription kd;
  if (!android::ParseKeyDescription(value, &kd)) return false;
  if (!Equal(kd.attestation_challenge, ctx.client_data_hash)) return false;
  return AuthorizationListsAreAcceptable(kd, ctx.policy);
}

}  // namespace

VerifyError VerifyAndroidKey(CborRef att_stmt, const AttestationContext& ctx,
                             AttestationStatementResult* result) {
  // "Verify that attStmt is valid CBOR conforming to the syntax defined above".
  int64_t alg = 0;
  ByteView sig;
  std::vector<ByteView> x5c;
  if (!att_stmt.Find("alg").GetInt(&alg) || !att_stmt.Find("sig").GetBytes(&sig) ||
      !ReadX5c(att_stmt.Find("x5c"), &x5c)) {
    return VerifyError::kAttestationInvalid;
  }
  if (!IsImplementedAlgorithm(alg)) return VerifyError::kUnsupportedAlgorithm;
  std::vector<bssl::UniquePtr<X509>> chain;
  for (ByteView der : x5c) {
    bssl::UniquePtr<X509> cert = ParseCertificate(der);
    if (!cert) return VerifyError::kAttestationInvalid;
    chain.push_back(std::move(cert));
  }
  X509* cred_cert = chain[0].get();
  // "Verify that sig is a valid signature over the concatenation of
  // authenticatorData and clientDataHash using the public key in the first
  // certificate in x5c with the algorithm specified in alg."
  bssl::UniquePtr<EVP_PKEY> cert_key(X509_get_pubkey(cred_cert));
  if (!VerifyWithEvpKey(alg, cert_key.get(), ctx.auth_data->raw, ctx.client_data_hash, sig)) {
    return VerifyError::kAttestationInvalid;
  }
  // "Verify that the public key in the first certificate in x5c matches the
  // credentialPublicKey in the attestedCredentialData in authenticatorData."
  if (!ctx.credential_key->SameKeyAs(cert_key.get())) return VerifyError::kAttestationInvalid;
  if (!KeyDescriptionIsAcceptable(cred_cert, ctx)) return VerifyError::kAttestationInvalid;
  if (!ChainIsConsistent(chain, ctx.verification_time)) return VerifyError::kAttestationInvalid;
  // "return ... attestation type Basic and attestation trust path x5c."
  result->type = AttestationType::kBasic;
  result->trust_path = std::move(x5c);
  result->owned_certificates.reset();
  return VerifyError::kOk;
}

}  // namespace keystorm::attestation
