#include "attestation/certificate.h"

#include <openssl/bytestring.h>
#include <openssl/obj.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <ctime>

namespace keystorm::attestation {

bssl::UniquePtr<X509> ParseCertificate(ByteView der) {
  const uint8_t* p = der.data();
  bssl::UniquePtr<X509> cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert || p != der.data() + der.size()) return nullptr;
  return cert;
}

bool ReadX5c(CborRef x5c, std::vector<ByteView>* out) {
  if (!x5c.is_array() || x5c.size() == 0) return false;
  out->clear();
  for (uint64_t i = 0; i < x5c.size(); ++i) {
    ByteView der;
    if (!x5c.ArrayAt(i).GetBytes(&der) || der.empty()) return false;
    out->push_back(der);
  }
  return true;
}

bool ValidAt(X509* cert, int64_t unix_time) {
  time_t t = static_cast<time_t>(unix_time);
  // X509_cmp_time: negative if the certificate time is before t.
  int not_before = X509_cmp_time(X509_get0_notBefore(cert), &t);
  int not_after = X509_cmp_time(X509_get0_notAfter(cert), &t);
  return not_before != 0 && not_after != 0 && not_before < 0 && not_after > 0;
}

bool ChainIsConsistent(const std::vector<bssl::UniquePtr<X509>>& chain, int64_t unix_time) {
  for (size_t i = 0; i < chain.size(); ++i) {
    if (!ValidAt(chain[i].get(), unix_time)) return false;
    if (i + 1 < chain.size()) {
      bssl::UniquePtr<EVP_PKEY> issuer_key(X509_get_pubkey(chain[i + 1].get()));
      if (!issuer_key || X509_verify(chain[i].get(), issuer_key.get()) != 1) return false;
    }
  }
  return true;
}

AaguidExtension ReadAaguidExtension(X509* cert, std::array<uint8_t, 16>* aaguid, bool* critical) {
  bssl::UniquePtr<ASN1_OBJECT> oid(OBJ_txt2obj("1.3.6.1.4.1.45724.1.1.4", 1));
  if (!oid) return AaguidExtension::kMalformed;
  int index = X509_get_ext_by_OBJ(cert, oid.get(), -1);
  if (index < 0) return AaguidExtension::kAbsent;
  // The extension must appear once.
  if (X509_get_ext_by_OBJ(cert, oid.get(), index) >= 0) return AaguidExtension::kMalformed;
  X509_EXTENSION* ext = X509_get_ext(cert, index);
  *critical = X509_EXTENSION_get_critical(ext) != 0;
  const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(ext);
  // extnValue holds a DER OCTET STRING of the 16 AAGUID bytes.
  CBS cbs, inner;
  CBS_init(&cbs, ASN1_STRING_get0_data(value), ASN1_STRING_length(value));
  if (!CBS_get_asn1(&cbs, &inner, CBS_ASN1_OCTETSTRING) || CBS_len(&cbs) != 0 ||
      CBS_len(&inner) != 16) {
    return AaguidExtension::kMalformed;
  }
  std::memcpy(aaguid->data(), CBS_data(&inner), 16);
  return AaguidExtension::kPresent;
}

}  // namespace keystorm::attestation
