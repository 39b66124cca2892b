#include "attestation/statement_util.h"

#include <openssl/obj.h>

namespace keystorm::attestation {

bool Hash2(const EVP_MD* md, ByteView a, ByteView b, Bytes* out) {
  out->resize(EVP_MD_size(md));
  unsigned len = 0;
  bssl::ScopedEVP_MD_CTX ctx;
  if (!EVP_DigestInit_ex(ctx.get(), md, nullptr) ||
      !EVP_DigestUpdate(ctx.get(), a.data(), a.size()) ||
      !EVP_DigestUpdate(ctx.get(), b.data(), b.size()) ||
      !EVP_DigestFinal_ex(ctx.get(), out->data(), &len) || len != out->size()) {
    out->clear();
    return false;
  }
  return true;
}

Extension FindExtension(X509* cert, ByteView oid, ByteView* value, bool* critical) {
  Extension found = Extension::kAbsent;
  const int count = X509_get_ext_count(cert);
  for (int i = 0; i < count; ++i) {
    X509_EXTENSION* ext = X509_get_ext(cert, i);
    const ASN1_OBJECT* obj = X509_EXTENSION_get_object(ext);
    ByteView ext_oid(OBJ_get0_data(obj), OBJ_length(obj));
    if (!Equal(ext_oid, oid)) continue;
    if (found == Extension::kPresent) return Extension::kDuplicate;
    found = Extension::kPresent;
    const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(ext);
    *value = ByteView(ASN1_STRING_get0_data(data), static_cast<size_t>(ASN1_STRING_length(data)));
    *critical = X509_EXTENSION_get_critical(ext) != 0;
  }
  return found;
}

}  // namespace keystorm::attestation
