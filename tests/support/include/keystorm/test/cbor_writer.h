// A small CBOR writer for tests: builds a value tree and encodes it with
// shortest-form heads.  Map pairs are emitted in the order given, never
// sorted, so a test can produce canonical CBOR (by giving canonical order) or
// break the rules on purpose (wrong order, duplicate keys, Raw() bytes for
// non-shortest heads or indefinite lengths).
#ifndef KEYSTORM_TEST_CBOR_WRITER_H_
#define KEYSTORM_TEST_CBOR_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "keystorm/bytes.h"

namespace keystorm::test {

class CborValue {
 public:
  enum class Kind : uint8_t { kUnsigned, kNegative, kBytes, kText, kArray, kMap, kBool, kRaw };

  static CborValue Unsigned(uint64_t v);
  // A signed integer: major type 0 for v >= 0, major type 1 otherwise.
  static CborValue Int(int64_t v);
  static CborValue ByteString(ByteView v);
  static CborValue TextString(std::string_view v);
  static CborValue Array(std::vector<CborValue> items);
  static CborValue Map(std::vector<std::pair<CborValue, CborValue>> pairs);
  static CborValue Boolean(bool v);
  // Bytes copied verbatim into the encoding: the escape hatch for malformed
  // input.
  static CborValue Raw(ByteView encoded);

  Kind kind() const { return kind_; }
  Bytes Encode() const;

  // Map helpers; keys compare by their encoding.  REQUIRES: kind() == kMap.
  // Find returns nullptr if absent.  Set replaces the value of an existing
  // key in place (keeping its position) or appends the pair.
  CborValue* Find(const CborValue& key);
  void Set(CborValue key, CborValue value);
  bool Remove(const CborValue& key);
  std::vector<std::pair<CborValue, CborValue>>& pairs() { return pairs_; }
  std::vector<CborValue>& items() { return items_; }

 private:
  void EncodeTo(Bytes* out) const;

  Kind kind_ = Kind::kUnsigned;
  uint64_t number_ = 0;  // unsigned value, or n of -1-n, or bool
  Bytes bytes_;          // byte string, text or raw encoding
  std::vector<CborValue> items_;
  std::vector<std::pair<CborValue, CborValue>> pairs_;
};

// A CBOR head (major type 0-7, argument) with an explicit argument width in
// bytes: 0 (in the initial byte, value < 24), 1, 2, 4 or 8.  Lets a test
// write non-shortest forms.
Bytes CborHead(uint8_t major_type, uint64_t value, int width);

// The shortest head for (major type, value).
Bytes CborShortestHead(uint8_t major_type, uint64_t value);

}  // namespace keystorm::test

#endif  // KEYSTORM_TEST_CBOR_WRITER_H_
