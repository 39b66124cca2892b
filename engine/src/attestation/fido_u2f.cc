// §8.6 FIDO U2F Attestation Statement Format.
//   attStmt = { x5c: [ attestnCert: bytes ], sig: bytes }
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/evp.h>
#include <openssl/nid.h>

#include "attestation/certificate.h"
#include "attestation/formats.h"

namespace keystorm::attestation {
namespace {

// The credential key as the 65-byte uncompressed X9.62 point U2F signs.
bool U2fPublicKey(const PublicKey& key, uint8_t out[65]) {
  const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(const_cast<EVP_PKEY*>(key.evp()));
  if (ec == nullptr || EC_GROUP_get_curve_name(EC_KEY_get0_group(ec)) != NID_X9_62_prime256v1) {
    return false;
  }
  return EC_POINT_point2oct(EC_KEY_get0_group(ec), EC_KEY_get0_public_key(ec),
                            POINT_CONVERSION_UNCOMPRESSED, out, 65, nullptr) == 65;
}

}  // namespace

VerifyError VerifyFidoU2f(CborRef att_stmt, const AttestationContext& ctx,
                          AttestationStatementResult* result) {
  ByteView sig;
  std::vector<ByteView> x5c;
  if (!att_stmt.Find("sig").GetBytes(&sig) || !ReadX5c(att_stmt.Find("x5c"), &x5c)) {
    return VerifyError::kAttestationInvalid;
  }
  // Exactly one certificate, whose key is an EC key on P-256.
  if (x5c.size() != 1) return VerifyError::kAttestationInvalid;
  bssl::UniquePtr<X509> cert = ParseCertificate(x5c[0]);
  if (!cert) return VerifyError::kAttestationInvalid;
  bssl::UniquePtr<EVP_PKEY> cert_key(X509_get_pubkey(cert.get()));
  const EC_KEY* cert_ec = cert_key ? EVP_PKEY_get0_EC_KEY(cert_key.get()) : nullptr;
  if (cert_ec == nullptr ||
      EC_GROUP_get_curve_name(EC_KEY_get0_group(cert_ec)) != NID_X9_62_prime256v1) {
    return VerifyError::kAttestationInvalid;
  }
  // OUT OF SPEC note: the FIDO conformance tool (Resp-8) wants AAGUID = 0,
  // but §8.6 has no such step and the W3C test vector carries a non-zero
  // AAGUID; we follow the spec (docs/decisions.md).
  const AttestedCredentialData& acd = *ctx.auth_data->attested;
  // The credential key must be an ES256 P-256 key.
  uint8_t public_key_u2f[65];
  if (!U2fPublicKey(*ctx.credential_key, public_key_u2f)) return VerifyError::kAttestationInvalid;

  // verificationData = 0x00 ‖ rpIdHash ‖ clientDataHash ‖ credentialId ‖ publicKeyU2F
  Bytes verification_data;
  verification_data.reserve(1 + 32 + 32 + acd.credential_id.size() + 65);
  verification_data.push_back(0x00);
  verification_data.insert(verification_data.end(), ctx.auth_data->rp_id_hash.begin(),
                           ctx.auth_data->rp_id_hash.end());
  verification_data.insert(verification_data.end(), ctx.client_data_hash.begin(),
                           ctx.client_data_hash.end());
  verification_data.insert(verification_data.end(), acd.credential_id.begin(), acd.credential_id.end());
  verification_data.insert(verification_data.end(), public_key_u2f, public_key_u2f + 65);
  if (!VerifyWithEvpKey(static_cast<int64_t>(CoseAlgorithm::kES256), cert_key.get(),
                        verification_data, ByteView(), sig)) {
    return VerifyError::kAttestationInvalid;
  }
  if (!ValidAt(cert.get(), ctx.verification_time)) return VerifyError::kAttestationInvalid;
  result->type = AttestationType::kBasic;
  result->trust_path = std::move(x5c);
  return VerifyError::kOk;
}

}  // namespace keystorm::attestation
