// Compiled against the system's OpenSSL 3 headers only (see CMakeLists.txt).
#include "openssl_side.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

namespace openssl_side {

std::string Version() { return OpenSSL_version(OPENSSL_VERSION); }

std::vector<uint8_t> Sha256(const std::vector<uint8_t>& data) {
  std::vector<uint8_t> out(SHA256_DIGEST_LENGTH);
  unsigned len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

bool SignP256(const std::vector<uint8_t>& message, std::vector<uint8_t>* point,
              std::vector<uint8_t>* der_signature) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) return false;
  bool ok = false;
  size_t point_len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t sig_len = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, nullptr, 0,
                                      &point_len) == 1) {
    point->resize(point_len);
    ok = EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point->data(),
                                         point->size(), &point_len) == 1 &&
         EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
         EVP_DigestSign(ctx, nullptr, &sig_len, message.data(), message.size()) == 1;
    if (ok) {
      der_signature->resize(sig_len);
      ok = EVP_DigestSign(ctx, der_signature->data(), &sig_len, message.data(), message.size()) == 1;
      der_signature->resize(sig_len);
    }
  }
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok && point->size() == 65;
}

}  // namespace openssl_side
