// Private: the byte-level primitives of the record and key encodings
// (docs/storage_format.md).  Encoders append to a std::string; the Reader
// is a cursor that advances or fails, and a record decodes only if the
// cursor ends with nothing left.
#ifndef KEYSTORM_STORAGE_SRC_CODING_H_
#define KEYSTORM_STORAGE_SRC_CODING_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "keystorm/bytes.h"

namespace keystorm::storage::coding {

inline void PutU8(std::string* out, uint8_t v) { out->push_back(static_cast<char>(v)); }

inline void PutFixed32Le(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Big-endian, so that byte order is numeric order (RocksDB compares keys
// bytewise).
inline void PutFixed64Be(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// LEB128, as in protobuf and RocksDB.
inline void PutVarint64(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

inline void PutSigned(std::string* out, int64_t v) { PutVarint64(out, ZigZag(v)); }

inline void PutLengthPrefixed(std::string* out, std::string_view bytes) {
  PutVarint64(out, bytes.size());
  out->append(bytes);
}

inline uint64_t DecodeFixed64Be(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

// Reads from a view; every method returns false (and stays failed) when the
// input is short or malformed.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  bool U8(uint8_t* v) {
    if (!Need(1)) return false;
    *v = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return true;
  }
  bool Fixed32Le(uint32_t* v) {
    if (!Need(4)) return false;
    *v = 0;
    for (int i = 3; i >= 0; --i) *v = (*v << 8) | static_cast<uint8_t>(in_[i]);
    in_.remove_prefix(4);
    return true;
  }
  // Rejects overlong encodings (more than 10 bytes, or bits beyond 64).
  bool Varint64(uint64_t* v) {
    uint64_t result = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
      if (!Need(1)) return false;
      uint8_t byte = static_cast<uint8_t>(in_[0]);
      in_.remove_prefix(1);
      if (shift == 63 && byte > 1) return Fail();
      result |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        // A trailing zero group would be a second spelling of the number.
        if (byte == 0 && shift != 0) return Fail();
        *v = result;
        return true;
      }
    }
    return Fail();
  }
  bool Signed(int64_t* v) {
    uint64_t u = 0;
    if (!Varint64(&u)) return false;
    *v = UnZigZag(u);
    return true;
  }
  // A length-prefixed field of at most max_len bytes.
  bool LengthPrefixed(size_t max_len, std::string_view* out) {
    uint64_t len = 0;
    if (!Varint64(&len)) return false;
    if (len > max_len) return Fail();
    return Raw(static_cast<size_t>(len), out);
  }
  bool Raw(size_t n, std::string_view* out) {
    if (!Need(n)) return false;
    *out = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  std::string_view rest() const { return in_; }
  bool done() const { return ok_ && in_.empty(); }
  bool ok() const { return ok_; }

 private:
  bool Need(size_t n) {
    if (!ok_ || in_.size() < n) return Fail();
    return true;
  }
  bool Fail() {
    ok_ = false;
    return false;
  }
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace keystorm::storage::coding

#endif  // KEYSTORM_STORAGE_SRC_CODING_H_
