// attestationCertificateKeyIdentifiers: how the MDS names a U2F model,
// whose authenticators carry no AAGUID.
#include <openssl/digest.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "attestation/certificate.h"
#include "keystorm/metadata.h"

namespace keystorm {

std::string AttestationKeyIdentifier(ByteView certificate_der) {
  bssl::UniquePtr<X509> cert = attestation::ParseCertificate(certificate_der);
  if (!cert) return {};
  // The BIT STRING's value without tag, length and unused-bits octet.
  const ASN1_BIT_STRING* key = X509_get0_pubkey_bitstr(cert.get());
  if (key == nullptr) return {};
  uint8_t digest[SHA_DIGEST_LENGTH];
  SHA1(ASN1_STRING_get0_data(key), static_cast<size_t>(ASN1_STRING_length(key)), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (uint8_t b : digest) {
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  return hex;
}

}  // namespace keystorm
