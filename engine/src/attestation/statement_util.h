// Private helpers shared by the tpm, android-key, android-safetynet and apple
// procedures: hashing authenticatorData ‖ clientDataHash and finding one
// certificate extension by OID.
#ifndef KEYSTORM_ENGINE_SRC_ATTESTATION_STATEMENT_UTIL_H_
#define KEYSTORM_ENGINE_SRC_ATTESTATION_STATEMENT_UTIL_H_

#include <openssl/digest.h>
#include <openssl/x509.h>

#include <cstdint>

#include "keystorm/bytes.h"

namespace keystorm::attestation {

// *out = H(a ‖ b) with `md`.  False only if BoringSSL fails.
bool Hash2(const EVP_MD* md, ByteView a, ByteView b, Bytes* out);

// DER content octets of the OIDs these formats look for (no tag, no length).
// 2.5.29.17, 2.5.29.19, 2.5.29.37: subjectAltName, basicConstraints, extKeyUsage.
inline constexpr uint8_t kOidSubjectAltName[] = {0x55, 0x1d, 0x11};
inline constexpr uint8_t kOidBasicConstraints[] = {0x55, 0x1d, 0x13};
inline constexpr uint8_t kOidExtKeyUsage[] = {0x55, 0x1d, 0x25};
// 2.23.133.8.3 tcg-kp-AIKCertificate; 2.23.133.2.1/2/3 TPM manufacturer, model, version.
inline constexpr uint8_t kOidTcgKpAikCertificate[] = {0x67, 0x81, 0x05, 0x08, 0x03};
inline constexpr uint8_t kOidTpmManufacturer[] = {0x67, 0x81, 0x05, 0x02, 0x01};
inline constexpr uint8_t kOidTpmModel[] = {0x67, 0x81, 0x05, 0x02, 0x02};
inline constexpr uint8_t kOidTpmVersion[] = {0x67, 0x81, 0x05, 0x02, 0x03};
// 1.3.6.1.4.1.11129.2.1.17: Android key attestation (KeyDescription).
inline constexpr uint8_t kOidAndroidKeyDescription[] = {0x2b, 0x06, 0x01, 0x04, 0x01,
                                                        0xd6, 0x79, 0x02, 0x01, 0x11};
// 1.2.840.113635.100.8.2: Apple anonymous attestation nonce.
inline constexpr uint8_t kOidAppleNonce[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x63, 0x64, 0x08, 0x02};

enum class Extension { kAbsent, kPresent, kDuplicate };

// Looks for the extension whose OID content octets are `oid`.  On kPresent,
// *value is its extnValue contents (a view into `cert`, valid while it lives)
// and *critical its criticality.  An OID listed twice is kDuplicate.
Extension FindExtension(X509* cert, ByteView oid, ByteView* value, bool* critical);

}  // namespace keystorm::attestation

#endif  // KEYSTORM_ENGINE_SRC_ATTESTATION_STATEMENT_UTIL_H_
