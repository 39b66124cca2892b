// §8.2 Packed Attestation Statement Format.
//   attStmt = { alg: COSEAlgorithmIdentifier, sig: bytes, ? x5c: [ bytes+ ] }
#include <openssl/nid.h>
#include <openssl/x509v3.h>

#include <cstring>

#include "attestation/certificate.h"
#include "attestation/formats.h"

namespace keystorm::attestation {
namespace {

// §8.2.1: OU of a packed attestation certificate's subject.
constexpr std::string_view kAttestationOu = "Authenticator Attestation";

bool HasSubjectEntry(X509_NAME* name, int nid) { return X509_NAME_get_index_by_NID(name, nid, -1) >= 0; }

// §8.2.1 Certificate Requirements for Packed Attestation Statements.
bool MeetsPackedCertificateRequirements(X509* cert) {
  // Version MUST be set to 3 (value 2).
  if (X509_get_version(cert) != X509_VERSION_3) return false;
  // Subject: C, O, OU = "Authenticator Attestation", CN.
  X509_NAME* subject = X509_get_subject_name(cert);
  if (!HasSubjectEntry(subject, NID_countryName) || !HasSubjectEntry(subject, NID_organizationName) ||
      !HasSubjectEntry(subject, NID_commonName)) {
    return false;
  }
  int ou_index = X509_NAME_get_index_by_NID(subject, NID_organizationalUnitName, -1);
  if (ou_index < 0) return false;
  const ASN1_STRING* ou = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, ou_index));
  std::string_view ou_text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(ou)),
                           static_cast<size_t>(ASN1_STRING_length(ou)));
  if (ou_text != kAttestationOu) return false;
  // Basic Constraints CA component MUST be false.
  if (X509_get_extension_flags(cert) & EXFLAG_CA) return false;
  return true;
}

// x5c: the attestation certificate (leaf) and its chain.
VerifyError VerifyFull(int64_t alg, ByteView sig, CborRef x5c_ref, const AttestationContext& ctx,
                       AttestationStatementResult* result) {
  std::vector<ByteView> x5c;
  if (!ReadX5c(x5c_ref, &x5c)) return VerifyError::kAttestationInvalid;
  std::vector<bssl::UniquePtr<X509>> chain;
  for (ByteView der : x5c) {
    bssl::UniquePtr<X509> cert = ParseCertificate(der);
    if (!cert) return VerifyError::kAttestationInvalid;
    chain.push_back(std::move(cert));
  }
  X509* leaf = chain[0].get();
  // sig over authenticatorData ‖ clientDataHash with attestnCert's key and alg.
  bssl::UniquePtr<EVP_PKEY> leaf_key(X509_get_pubkey(leaf));
  if (!VerifyWithEvpKey(alg, leaf_key.get(), ctx.auth_data->raw, ctx.client_data_hash, sig)) {
    return VerifyError::kAttestationInvalid;
  }
  if (!MeetsPackedCertificateRequirements(leaf)) return VerifyError::kAttestationInvalid;
  // If attestnCert has id-fido-gen-ce-aaguid, it must equal authData's AAGUID
  // and must not be critical.
  std::array<uint8_t, 16> cert_aaguid;
  bool critical = false;
  switch (ReadAaguidExtension(leaf, &cert_aaguid, &critical)) {
    case AaguidExtension::kAbsent: break;
    case AaguidExtension::kMalformed: return VerifyError::kAttestationInvalid;
    case AaguidExtension::kPresent:
      if (critical || cert_aaguid != ctx.auth_data->attested->aaguid) {
        return VerifyError::kAttestationInvalid;
      }
      break;
  }
  if (!ChainIsConsistent(chain, ctx.verification_time)) return VerifyError::kAttestationInvalid;
  // Basic or AttCA cannot be told apart from the statement itself; trust
  // assessment (R23-R24) uses the chain either way.
  result->type = AttestationType::kBasic;
  result->trust_path = std::move(x5c);
  return VerifyError::kOk;
}

}  // namespace

VerifyError VerifyPacked(CborRef att_stmt, const AttestationContext& ctx,
                         AttestationStatementResult* result) {
  int64_t alg = 0;
  ByteView sig;
  if (!att_stmt.Find("alg").GetInt(&alg) || !att_stmt.Find("sig").GetBytes(&sig)) {
    return VerifyError::kAttestationInvalid;
  }
  // ECDAA was removed in Level 3.
  if (att_stmt.Find("ecdaaKeyId").valid()) return VerifyError::kAttestationInvalid;
  if (!IsImplementedAlgorithm(alg)) return VerifyError::kUnsupportedAlgorithm;

  CborRef x5c = att_stmt.Find("x5c");
  if (x5c.valid()) return VerifyFull(alg, sig, x5c, ctx, result);

  // Self attestation: alg equals the credential key's, and the credential key
  // itself signed authenticatorData ‖ clientDataHash.
  if (alg != ctx.credential_key->algorithm()) return VerifyError::kAttestationInvalid;
  if (!ctx.credential_key->Verify2(ctx.auth_data->raw, ctx.client_data_hash, sig)) {
    return VerifyError::kAttestationInvalid;
  }
  result->type = AttestationType::kSelf;
  result->trust_path.clear();
  return VerifyError::kOk;
}

}  // namespace keystorm::attestation
