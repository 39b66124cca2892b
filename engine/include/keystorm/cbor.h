// A strict, non-allocating-by-attacker CBOR reader for WebAuthn structures.
//
// Decoding follows WebAuthn L3 §2.4 / CTAP2 canonical form:
//   - definite lengths only (no indefinite-length items),
//   - integers, lengths and tags in their shortest encoding,
//   - no duplicate map keys, no tags,
//   - optionally (CborLimits::canonical_key_order) map keys in CTAP2 order:
//     major type, then encoded length, then bytes,
//   - depth and item-count limits, lengths never beyond the input,
//   - exactly one top-level item (ParsePrefix: one item at the front).
// Tokens come from libcbor's streaming decoder, which allocates nothing; the
// document is a flat vector of items whose count is bounded by both the input
// length and CborLimits::max_items, so attacker-declared lengths never size an
// allocation.  Strings are views into the input: a CborDocument must not
// outlive the bytes it was parsed from.
#ifndef KEYSTORM_CBOR_H_
#define KEYSTORM_CBOR_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "keystorm/bytes.h"
#include "keystorm/export.h"

namespace keystorm {

struct KEYSTORM_EXPORT CborLimits {
  uint32_t max_depth = 16;
  uint32_t max_items = 4096;
  // Enforce CTAP2 canonical key order.  WebAuthn requires it of COSE keys and
  // authenticator extensions; real authenticators break it in the outer
  // attestationObject and attStmt maps, so those are parsed without it.
  bool canonical_key_order = true;
};

enum class CborType : uint8_t {
  kUnsigned, kNegative, kBytes, kText, kArray, kMap, kTag, kBool, kNull, kUndefined, kFloat
};

class CborDocument;

// A reference to one item of a CborDocument; cheap to copy.
class KEYSTORM_EXPORT CborRef {
 public:
  CborRef() = default;
  bool valid() const { return doc_ != nullptr; }
  CborType type() const;
  bool is_map() const { return valid() && type() == CborType::kMap; }
  bool is_array() const { return valid() && type() == CborType::kArray; }

  // Integer accessors; false if the type differs or the value does not fit.
  bool GetInt(int64_t* out) const;
  bool GetUint(uint64_t* out) const;
  bool GetBytes(ByteView* out) const;
  bool GetText(std::string_view* out) const;
  bool GetBool(bool* out) const;

  // The item's complete encoding (header and content).
  ByteView encoded() const;

  // Number of elements of an array, or of key/value pairs of a map.
  uint64_t size() const;
  // Array element i.  REQUIRES: is_array() && i < size().
  CborRef ArrayAt(uint64_t i) const;
  // Map pair i.  REQUIRES: is_map() && i < size().
  CborRef MapKeyAt(uint64_t i) const;
  CborRef MapValueAt(uint64_t i) const;
  // The value of the first key that equals `key`; invalid ref if none.
  CborRef Find(int64_t key) const;
  CborRef Find(std::string_view key) const;

 private:
  friend class CborDocument;
  CborRef(const CborDocument* doc, uint32_t index) : doc_(doc), index_(index) {}
  CborRef Child(uint64_t n) const;
  const CborDocument* doc_ = nullptr;
  uint32_t index_ = 0;
};

class KEYSTORM_EXPORT CborDocument {
 public:
  // Parses `in`, which must hold exactly one item.  False if it is malformed
  // or breaks a rule above.
  bool Parse(ByteView in, const CborLimits& limits);
  // Parses one item at the front of `in`; *consumed is its length.
  bool ParsePrefix(ByteView in, const CborLimits& limits, size_t* consumed);

  CborRef root() const { return items_.empty() ? CborRef() : CborRef(this, 0); }

 private:
  friend class CborRef;
  friend class CborBuilder;
  struct Item {
    CborType type;
    uint64_t value;      // integer value, string length, element count, tag
    uint32_t offset;     // of the header within input_
    uint32_t header_len;
    uint32_t end;        // index one past the last item of this subtree
    uint32_t byte_end;   // offset one past this item's encoding
  };
  ByteView input_;
  std::vector<Item> items_;
};

}  // namespace keystorm

#endif  // KEYSTORM_CBOR_H_
