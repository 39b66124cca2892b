// Private: the few canonical CBOR heads the synthetic authenticator writes.
#ifndef KEYSTORM_CORPUS_SRC_CBOR_ENCODE_H_
#define KEYSTORM_CORPUS_SRC_CBOR_ENCODE_H_

#include <cstdint>
#include <string_view>

#include "keystorm/bytes.h"

namespace keystorm::corpus {

// Appends a shortest-form head of `major` type with `value`.
inline void AppendHead(Bytes* out, uint8_t major, uint64_t value) {
  uint8_t m = static_cast<uint8_t>(major << 5);
  if (value < 24) {
    out->push_back(m | static_cast<uint8_t>(value));
  } else if (value <= 0xff) {
    out->insert(out->end(), {static_cast<uint8_t>(m | 24), static_cast<uint8_t>(value)});
  } else if (value <= 0xffff) {
    out->insert(out->end(), {static_cast<uint8_t>(m | 25), static_cast<uint8_t>(value >> 8),
                             static_cast<uint8_t>(value)});
  } else {
    out->push_back(m | 26);
    for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<uint8_t>(value >> shift));
  }
}
inline void AppendInt(Bytes* out, int64_t v) {
  if (v >= 0) {
    AppendHead(out, 0, static_cast<uint64_t>(v));
  } else {
    AppendHead(out, 1, static_cast<uint64_t>(-1 - v));
  }
}
inline void AppendBytes(Bytes* out, ByteView b) {
  AppendHead(out, 2, b.size());
  out->insert(out->end(), b.begin(), b.end());
}
inline void AppendText(Bytes* out, std::string_view s) {
  AppendHead(out, 3, s.size());
  out->insert(out->end(), s.begin(), s.end());
}

}  // namespace keystorm::corpus

#endif  // KEYSTORM_CORPUS_SRC_CBOR_ENCODE_H_
