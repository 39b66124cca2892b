#include "keystorm/cbor.h"

#include <cbor.h>

#include <algorithm>
#include <cstring>
#include <limits>

namespace keystorm {
namespace {

// What the last libcbor callback reported about the token it decoded.
struct Token {
  CborType type = CborType::kNull;
  uint64_t value = 0;      // integer, tag, length or count
  size_t string_len = 0;   // content length of a definite string
  bool rejected = false;   // indefinite item, break, or unsupported simple
  bool has_value = false;  // value participates in the shortest-form check
};

Token* T(void* ctx) { return static_cast<Token*>(ctx); }
void SetUint(void* c, uint64_t v) { *T(c) = {CborType::kUnsigned, v, 0, false, true}; }
void SetNeg(void* c, uint64_t v) { *T(c) = {CborType::kNegative, v, 0, false, true}; }
void OnUint8(void* c, uint8_t v) { SetUint(c, v); }
void OnUint16(void* c, uint16_t v) { SetUint(c, v); }
void OnUint32(void* c, uint32_t v) { SetUint(c, v); }
void OnUint64(void* c, uint64_t v) { SetUint(c, v); }
void OnNeg8(void* c, uint8_t v) { SetNeg(c, v); }
void OnNeg16(void* c, uint16_t v) { SetNeg(c, v); }
void OnNeg32(void* c, uint32_t v) { SetNeg(c, v); }
void OnNeg64(void* c, uint64_t v) { SetNeg(c, v); }
void OnBytes(void* c, cbor_data, size_t n) { *T(c) = {CborType::kBytes, n, n, false, true}; }
void OnText(void* c, cbor_data, size_t n) { *T(c) = {CborType::kText, n, n, false, true}; }
void OnArray(void* c, size_t n) { *T(c) = {CborType::kArray, n, 0, false, true}; }
void OnMap(void* c, size_t n) { *T(c) = {CborType::kMap, n, 0, false, true}; }
void OnTag(void* c, uint64_t v) { *T(c) = {CborType::kTag, v, 0, false, true}; }
void OnFloat(void* c, float) { *T(c) = {CborType::kFloat, 0, 0, false, false}; }
void OnDouble(void* c, double) { *T(c) = {CborType::kFloat, 0, 0, false, false}; }
void OnNull(void* c) { *T(c) = {CborType::kNull, 0, 0, false, false}; }
void OnUndefined(void* c) { *T(c) = {CborType::kUndefined, 0, 0, false, false}; }
void OnBool(void* c, bool b) { *T(c) = {CborType::kBool, b ? 1u : 0u, 0, false, false}; }
void OnIndefinite(void* c) { T(c)->rejected = true; }

const cbor_callbacks kCallbacks = [] {
  cbor_callbacks cb = cbor_empty_callbacks;
  cb.uint8 = OnUint8;
  cb.uint16 = OnUint16;
  cb.uint32 = OnUint32;
  cb.uint64 = OnUint64;
  cb.negint8 = OnNeg8;
  cb.negint16 = OnNeg16;
  cb.negint32 = OnNeg32;
  cb.negint64 = OnNeg64;
  cb.byte_string = OnBytes;
  cb.string = OnText;
  cb.array_start = OnArray;
  cb.map_start = OnMap;
  cb.tag = OnTag;
  cb.float2 = OnFloat;
  cb.float4 = OnFloat;
  cb.float8 = OnDouble;
  cb.null = OnNull;
  cb.undefined = OnUndefined;
  cb.boolean = OnBool;
  cb.byte_string_start = OnIndefinite;
  cb.string_start = OnIndefinite;
  cb.indef_array_start = OnIndefinite;
  cb.indef_map_start = OnIndefinite;
  cb.indef_break = OnIndefinite;
  return cb;
}();

// Length of the shortest head that encodes `v` (RFC 8949 §4.2.1).
size_t ShortestHeadLength(uint64_t v) {
  if (v < 24) return 1;
  if (v <= 0xff) return 2;
  if (v <= 0xffff) return 3;
  if (v <= 0xffffffff) return 5;
  return 9;
}

// CTAP2 canonical order: major type, then encoded length, then bytes.  The
// major type is the top three bits of the first byte, so for our purposes
// "shorter first, then bytewise" is the same order once types are compared.
bool CanonicalLess(ByteView a, ByteView b) {
  uint8_t ma = a[0] >> 5, mb = b[0] >> 5;
  if (ma != mb) return ma < mb;
  if (a.size() != b.size()) return a.size() < b.size();
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

}  // namespace

bool CborDocument::ParsePrefix(ByteView in, const CborLimits& limits, size_t* consumed) {
  items_.clear();
  input_ = in;
  if (in.empty() || in.size() > std::numeric_limits<uint32_t>::max()) return false;

  // Open containers: item index and children still expected.
  struct Open {
    uint32_t index;
    uint64_t remaining;
  };
  std::vector<Open> stack;
  size_t pos = 0;
  do {
    if (items_.size() >= limits.max_items) return false;
    Token tok;
    cbor_decoder_result r = cbor_stream_decode(in.data() + pos, in.size() - pos, &kCallbacks, &tok);
    if (r.status != CBOR_DECODER_FINISHED || tok.rejected || r.read == 0) return false;
    // CTAP2 canonical form (WebAuthn L3 §2.4): tags must not be present.
    if (tok.type == CborType::kTag) return false;
    size_t header_len = r.read - tok.string_len;
    if (tok.has_value && header_len != ShortestHeadLength(tok.value)) return false;

    Item item{tok.type, tok.value, static_cast<uint32_t>(pos), static_cast<uint32_t>(header_len), 0,
              static_cast<uint32_t>(pos + r.read)};
    uint32_t index = static_cast<uint32_t>(items_.size());
    items_.push_back(item);
    pos += r.read;

    uint64_t children = 0;
    if (tok.type == CborType::kArray) children = tok.value;
    if (tok.type == CborType::kMap) {
      if (tok.value > limits.max_items) return false;
      children = tok.value * 2;
    }
    if (tok.type == CborType::kTag) children = 1;
    // Every child takes at least one byte: a count beyond the input is a lie.
    if (children > in.size() - pos) return false;

    if (children > 0) {
      if (stack.size() >= limits.max_depth) return false;
      stack.push_back({index, children});
      continue;
    }
    items_[index].end = index + 1;
    // Close every container this item completed.
    while (!stack.empty() && --stack.back().remaining == 0) {
      Item& done = items_[stack.back().index];
      done.end = static_cast<uint32_t>(items_.size());
      done.byte_end = static_cast<uint32_t>(pos);
      if (done.type == CborType::kMap) {
        CborRef map(this, stack.back().index);
        std::vector<ByteView> keys;
        keys.reserve(done.value);
        for (uint64_t i = 0; i < done.value; ++i) keys.push_back(map.MapKeyAt(i).encoded());
        if (limits.canonical_key_order) {
          for (size_t i = 1; i < keys.size(); ++i) {
            if (!CanonicalLess(keys[i - 1], keys[i])) return false;  // also rejects duplicates
          }
        } else {
          std::sort(keys.begin(), keys.end(), CanonicalLess);
          for (size_t i = 1; i < keys.size(); ++i) {
            if (Equal(keys[i - 1], keys[i])) return false;
          }
        }
      }
      stack.pop_back();
    }
  } while (!stack.empty());
  *consumed = pos;
  return true;
}

bool CborDocument::Parse(ByteView in, const CborLimits& limits) {
  size_t consumed = 0;
  return ParsePrefix(in, limits, &consumed) && consumed == in.size();
}

CborType CborRef::type() const { return doc_->items_[index_].type; }

bool CborRef::GetUint(uint64_t* out) const {
  if (!valid() || type() != CborType::kUnsigned) return false;
  *out = doc_->items_[index_].value;
  return true;
}

bool CborRef::GetInt(int64_t* out) const {
  if (!valid()) return false;
  const auto& it = doc_->items_[index_];
  if (it.value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
  if (it.type == CborType::kUnsigned) {
    *out = static_cast<int64_t>(it.value);
    return true;
  }
  if (it.type == CborType::kNegative) {
    *out = -1 - static_cast<int64_t>(it.value);
    return true;
  }
  return false;
}

bool CborRef::GetBytes(ByteView* out) const {
  if (!valid() || type() != CborType::kBytes) return false;
  const auto& it = doc_->items_[index_];
  *out = doc_->input_.subspan(it.offset + it.header_len, it.value);
  return true;
}

bool CborRef::GetText(std::string_view* out) const {
  if (!valid() || type() != CborType::kText) return false;
  const auto& it = doc_->items_[index_];
  *out = AsChars(doc_->input_.subspan(it.offset + it.header_len, it.value));
  return true;
}

bool CborRef::GetBool(bool* out) const {
  if (!valid() || type() != CborType::kBool) return false;
  *out = doc_->items_[index_].value != 0;
  return true;
}

ByteView CborRef::encoded() const {
  const auto& it = doc_->items_[index_];
  return doc_->input_.subspan(it.offset, it.byte_end - it.offset);
}

uint64_t CborRef::size() const {
  if (!valid()) return 0;
  const auto& it = doc_->items_[index_];
  return (it.type == CborType::kArray || it.type == CborType::kMap) ? it.value : 0;
}

CborRef CborRef::Child(uint64_t n) const {
  uint32_t i = index_ + 1;
  while (n-- > 0) i = doc_->items_[i].end;
  return CborRef(doc_, i);
}

CborRef CborRef::ArrayAt(uint64_t i) const { return Child(i); }
CborRef CborRef::MapKeyAt(uint64_t i) const { return Child(2 * i); }
CborRef CborRef::MapValueAt(uint64_t i) const { return Child(2 * i + 1); }

CborRef CborRef::Find(int64_t key) const {
  if (!is_map()) return CborRef();
  uint32_t i = index_ + 1;
  for (uint64_t n = 0; n < size(); ++n) {
    CborRef k(doc_, i);
    uint32_t value_index = doc_->items_[i].end;
    int64_t v;
    if (k.GetInt(&v) && v == key) return CborRef(doc_, value_index);
    i = doc_->items_[value_index].end;
  }
  return CborRef();
}

CborRef CborRef::Find(std::string_view key) const {
  if (!is_map()) return CborRef();
  uint32_t i = index_ + 1;
  for (uint64_t n = 0; n < size(); ++n) {
    CborRef k(doc_, i);
    uint32_t value_index = doc_->items_[i].end;
    std::string_view s;
    if (k.GetText(&s) && s == key) return CborRef(doc_, value_index);
    i = doc_->items_[value_index].end;
  }
  return CborRef();
}

}  // namespace keystorm
