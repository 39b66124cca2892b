// The crash loop's shared vocabulary: what the writer stores and how it
// acknowledges it.  One acknowledgement per line on the writer's stdout,
// each written with one write(2) (atomic on a pipe) only after the store
// returned OK:
//   U <handle hex> <name>          user created
//   R <id hex> <handle hex> <n>    credential registered with sign_count n
//   C <id hex> <n>                 counter update to n applied
//   d <id hex>                     about to delete (written before the call:
//                                  a kill in between may or may not delete)
//   D <id hex>                     credential deleted
//   X <id hex> <expires_at_ms>     challenge consumed
#ifndef KEYSTORM_TESTS_STORAGE_CRASH_PROTOCOL_H_
#define KEYSTORM_TESTS_STORAGE_CRASH_PROTOCOL_H_

#include <string>
#include <string_view>

#include "keystorm/bytes.h"

namespace keystorm::storage::crash {

inline std::string Hex(ByteView bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

inline bool Unhex(std::string_view hex, Bytes* out) {
  out->clear();
  if (hex.size() % 2 != 0) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<uint8_t>(hi << 4 | lo));
  }
  return true;
}

// The public key the writer stores for a credential: a function of its ID,
// so the checker knows what a complete record looks like.
inline Bytes KeyFor(ByteView id) {
  Bytes key = {0xa5, 0x01, 0x02};
  key.insert(key.end(), id.begin(), id.end());
  key.resize(77, 0x42);  // about the size of a COSE P-256 key
  return key;
}

}  // namespace keystorm::storage::crash

#endif  // KEYSTORM_TESTS_STORAGE_CRASH_PROTOCOL_H_
