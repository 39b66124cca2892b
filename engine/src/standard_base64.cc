#include "standard_base64.h"

#include <openssl/base64.h>

namespace keystorm {

bool DecodeStandardBase64(std::string_view in, Bytes* out) {
  size_t max_len = 0;
  if (in.empty() || !EVP_DecodedLength(&max_len, in.size())) return false;
  out->resize(max_len);
  size_t len = 0;
  if (!EVP_DecodeBase64(out->data(), &len, max_len, reinterpret_cast<const uint8_t*>(in.data()),
                        in.size())) {
    return false;
  }
  out->resize(len);
  return len > 0;
}

}  // namespace keystorm
