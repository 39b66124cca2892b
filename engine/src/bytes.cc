#include "keystorm/bytes.h"

#include <openssl/mem.h>

namespace keystorm {

bool ConstantTimeEqual(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace keystorm
