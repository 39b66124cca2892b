#include "keystorm/test/test_certificates.h"

#include <openssl/asn1.h>
#include <openssl/mem.h>
#include <openssl/obj.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>

namespace keystorm::test {
namespace {

// BoringSSL calls that fail here mean the test itself is broken.
void Check(bool ok) {
  if (!ok) std::abort();
}

void AddNameEntry(X509_NAME* name, const char* field, const std::optional<std::string>& value) {
  if (!value) return;
  Check(X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                   reinterpret_cast<const uint8_t*>(value->data()),
                                   static_cast<int>(value->size()), -1, 0));
}

void AddBasicConstraints(X509* cert, bool ca) {
  bssl::UniquePtr<BASIC_CONSTRAINTS> bc(BASIC_CONSTRAINTS_new());
  Check(bc != nullptr);
  bc->ca = ca ? 0xff : 0;
  Check(X509_add1_ext_i2d(cert, NID_basic_constraints, bc.get(), /*crit=*/1, X509V3_ADD_DEFAULT) ==
        1);
}

void AddKeyCertSignUsage(X509* cert) {
  bssl::UniquePtr<ASN1_BIT_STRING> usage(ASN1_BIT_STRING_new());
  // Bit 5 keyCertSign, bit 6 cRLSign (RFC 5280 §4.2.1.3).
  Check(usage && ASN1_BIT_STRING_set_bit(usage.get(), 5, 1) &&
        ASN1_BIT_STRING_set_bit(usage.get(), 6, 1));
  Check(X509_add1_ext_i2d(cert, NID_key_usage, usage.get(), /*crit=*/1, X509V3_ADD_DEFAULT) == 1);
}

// id-fido-gen-ce-aaguid: extnValue is the DER OCTET STRING of the AAGUID.
void AddAaguid(X509* cert, const std::array<uint8_t, 16>& aaguid, bool critical) {
  bssl::UniquePtr<ASN1_OBJECT> oid(OBJ_txt2obj("1.3.6.1.4.1.45724.1.1.4", 1));
  Bytes der = {0x04, 0x10};
  der.insert(der.end(), aaguid.begin(), aaguid.end());
  bssl::UniquePtr<ASN1_OCTET_STRING> value(ASN1_OCTET_STRING_new());
  Check(oid && value &&
        ASN1_OCTET_STRING_set(value.get(), der.data(), static_cast<int>(der.size())));
  bssl::UniquePtr<X509_EXTENSION> ext(
      X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), critical ? 1 : 0, value.get()));
  Check(ext && X509_add_ext(cert, ext.get(), -1));
}

Bytes SignAndEncode(X509* cert, const TestKey& issuer_key) {
  Check(X509_sign(cert, issuer_key.pkey(), EVP_sha256()) > 0);
  uint8_t* der = nullptr;
  int len = i2d_X509(cert, &der);
  Check(len > 0);
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

bssl::UniquePtr<X509> NewCertificate(int version, uint64_t serial, int64_t not_before,
                                     int64_t not_after, const TestKey& subject_key) {
  bssl::UniquePtr<X509> cert(X509_new());
  Check(cert && X509_set_version(cert.get(), version - 1) &&
        ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert.get()), serial) &&
        ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(not_before)) &&
        ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(not_after)) &&
        X509_set_pubkey(cert.get(), subject_key.pkey()));
  return cert;
}

bssl::UniquePtr<X509_NAME> CaName(const std::string& common_name) {
  bssl::UniquePtr<X509_NAME> name(X509_NAME_new());
  Check(name != nullptr);
  AddNameEntry(name.get(), "C", "US");
  AddNameEntry(name.get(), "O", "Keystorm Test Vendor");
  AddNameEntry(name.get(), "CN", common_name);
  return name;
}

}  // namespace

TestCertificateAuthority::TestCertificateAuthority(std::string common_name, int slot,
                                                   const TestCertificateAuthority* parent)
    : common_name_(std::move(common_name)),
      // Slots from 1000 up keep CA keys apart from the credential keys.
      key_(TestKey::Cached(static_cast<int64_t>(CoseAlgorithm::kES256), 1000 + slot)) {
  bssl::UniquePtr<X509> cert =
      NewCertificate(3, 1, kCertNotBefore - 86400, kCertNotAfter + 86400, key_);
  bssl::UniquePtr<X509_NAME> subject = CaName(common_name_);
  bssl::UniquePtr<X509_NAME> issuer = CaName(parent ? parent->common_name_ : common_name_);
  Check(X509_set_subject_name(cert.get(), subject.get()) &&
        X509_set_issuer_name(cert.get(), issuer.get()));
  AddBasicConstraints(cert.get(), /*ca=*/true);
  AddKeyCertSignUsage(cert.get());
  certificate_ = SignAndEncode(cert.get(), parent ? parent->key_ : key_);
}

Bytes TestCertificateAuthority::Issue(const CertificateOptions& options,
                                      const TestKey& subject_key) const {
  bssl::UniquePtr<X509> cert = NewCertificate(options.version, options.serial, options.not_before,
                                              options.not_after, subject_key);
  bssl::UniquePtr<X509_NAME> subject(X509_NAME_new());
  Check(subject != nullptr);
  AddNameEntry(subject.get(), "C", options.country);
  AddNameEntry(subject.get(), "O", options.organization);
  AddNameEntry(subject.get(), "OU", options.organizational_unit);
  AddNameEntry(subject.get(), "CN", options.common_name);
  bssl::UniquePtr<X509_NAME> issuer = CaName(common_name_);
  Check(X509_set_subject_name(cert.get(), subject.get()) &&
        X509_set_issuer_name(cert.get(), issuer.get()));
  // Extensions exist only in v3; a v1/v2 certificate carrying them would not
  // parse at all, which is not what a version test wants to exercise.
  if (options.version == 3) {
    if (options.basic_constraints_ca)
      AddBasicConstraints(cert.get(), *options.basic_constraints_ca);
    if (options.aaguid) AddAaguid(cert.get(), *options.aaguid, options.aaguid_critical);
  }
  return SignAndEncode(cert.get(), key_);
}

}  // namespace keystorm::test
