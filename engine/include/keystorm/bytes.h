// Byte buffers and views.  A ByteView never owns: it lives as long as the
// buffer it points into (usually the request's decoded buffer), as a
// leveldb::Slice does.
#ifndef KEYSTORM_BYTES_H_
#define KEYSTORM_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "keystorm/export.h"

namespace keystorm {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

inline ByteView AsBytes(std::string_view s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}
inline std::string_view AsChars(ByteView b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}
inline bool Equal(ByteView a, ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

// Compares in time that depends only on the lengths, for secrets and
// challenges.
KEYSTORM_EXPORT bool ConstantTimeEqual(ByteView a, ByteView b);

}  // namespace keystorm

#endif  // KEYSTORM_BYTES_H_
