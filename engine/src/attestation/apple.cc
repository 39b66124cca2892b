// §8.8 Apple Anonymous Attestation Statement Format.
//   attStmt = { x5c: [ credCert, * caCert ] }
// credCert carries the nonce in extension 1.2.840.113635.100.8.2, whose value
// is SEQUENCE { [1] EXPLICIT OCTET STRING }.
#include <openssl/bytestring.h>

#include "attestation/certificate.h"
#include "attestation/formats.h"
#include "attestation/statement_util.h"

namespace keystorm::attestation {
namespace {

// Reads the nonce extension of credCert; false if absent, repeated or malformed.
bool ReadAppleNonce(X509* cred_cert, ByteView* nonce) {
  ByteView value;
  bool critical = false;
  if (FindExtension(cred_cert, kOidAppleNonce, &value, &critical) != Extension::kPresent) {
    return false;
  }
  CBS ext, seq, tagged, octets;
  CBS_init(&ext, value.data(), value.size());
  if (!CBS_get_asn1(&ext, &seq, CBS_ASN1_SEQUENCE) || CBS_len(&ext) != 0 ||
      !CBS_get_asn1(&seq, &tagged, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 1) ||
      CBS_len(&seq) != 0 || !CBS_get_asn1(&tagged, &octets, CBS_ASN1_OCTETSTRING) ||
      CBS_len(&tagged) != 0) {
    return false;
  }
  *nonce = ByteView(CBS_data(&octets), CBS_len(&octets));
  return true;
}

// Steps 2-4: "Concatenate authenticatorData and clientDataHash to form
// nonceToHash.  Perform SHA-256 hash of nonceToHash to produce nonce.  Verify
// that nonce equals the value of the extension with OID 1.2.840.113635.100.8.2."
bool NonceMatches(X509* cred_cert, const AttestationContext& ctx) {
  ByteView cert_nonce;
  Bytes nonce;
  return ReadAppleNonce(cred_cert, &cert_nonce) &&
         Hash2(EVP_sha256(), ctx.auth_data->raw, ctx.client_data_hash, &nonce) &&
         Equal(cert_nonce, nonce);
}

}  // namespace

VerifyError VerifyApple(CborRef att_stmt, const AttestationContext& ctx,
                        AttestationStatementResult* result) {
  // Step 1: "Verify that attStmt is valid CBOR conforming to the syntax".
  // OUT OF SPEC: members besides x5c are ignored, not refused: some Apple
  // devices add "alg" (docs/attestation.md).
  std::vector<ByteView> x5c;
  if (!ReadX5c(att_stmt.Find("x5c"), &x5c)) return VerifyError::kAttestationInvalid;
  std::vector<bssl::UniquePtr<X509>> chain;
  for (ByteView der : x5c) {
    bssl::UniquePtr<X509> cert = ParseCertificate(der);
    if (!cert) return VerifyError::kAttestationInvalid;
    chain.push_back(std::move(cert));
  }
  X509* cred_cert = chain[0].get();
  if (!NonceMatches(cred_cert, ctx)) return VerifyError::kAttestationInvalid;
  // Step 5: "Verify that the credential public key equals the Subject Public
  // Key of credCert."
  bssl::UniquePtr<EVP_PKEY> cert_key(X509_get_pubkey(cred_cert));
  if (!ctx.credential_key->SameKeyAs(cert_key.get())) return VerifyError::kAttestationInvalid;
  if (!ChainIsConsistent(chain, ctx.verification_time)) return VerifyError::kAttestationInvalid;
  // Step 6: "return ... attestation type Anonymization CA and attestation
  // trust path x5c."
  result->type = AttestationType::kAnonCA;
  result->trust_path = std::move(x5c);
  result->owned_certificates.reset();
  return VerifyError::kOk;
}

}  // namespace keystorm::attestation
