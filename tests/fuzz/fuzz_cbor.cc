// Fuzzes CborDocument::Parse / ParsePrefix in canonical and lenient modes and
// under tight limits, then walks every item of a successful parse.
//
// Invariants:
//   - every item re-encodes (shortest heads, from what the accessors report)
//     to exactly its encoded() bytes, so the root re-walks to the whole input;
//   - accessors agree with type(); views lie inside the input;
//   - map keys are distinct, and in canonical mode strictly CTAP2-ordered;
//     Find() on each key returns that pair's value;
//   - walked items and nesting stay within the limits (an empty array or
//     map opens no level and is accepted one level below the limit);
//   - canonical success implies lenient success; tight-limit success implies
//     default-limit success; Parse == ParsePrefix consuming everything.
#include <algorithm>
#include <cstdint>
#include <limits>

#include "fuzz_support.h"
#include "keystorm/cbor.h"

namespace keystorm {
namespace {

using fuzz::AppendBytes;
using fuzz::AppendCborHead;
using fuzz::Inside;

struct Walk {
  ByteView input;
  const CborLimits* limits;
  size_t items = 0;
};

// CTAP2 canonical order: major type, then encoded length, then bytes.
bool CanonicalLess(ByteView a, ByteView b) {
  if ((a[0] >> 5) != (b[0] >> 5)) return (a[0] >> 5) < (b[0] >> 5);
  if (a.size() != b.size()) return a.size() < b.size();
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

// Appends the re-encoding of `ref` to *out and checks it against encoded().
void Reencode(CborRef ref, uint32_t depth, Walk* walk, Bytes* out) {
  FUZZ_CHECK(ref.valid());
  ++walk->items;
  FUZZ_CHECK(walk->items <= walk->limits->max_items);
  ByteView encoded = ref.encoded();
  FUZZ_CHECK(!encoded.empty() && Inside(encoded, walk->input));
  size_t start = out->size();
  int64_t i64;
  uint64_t u64;
  ByteView bytes;
  std::string_view text;
  bool b;
  CborType type = ref.type();
  // Accessors must refuse every other type.
  FUZZ_CHECK(ref.GetUint(&u64) == (type == CborType::kUnsigned));
  FUZZ_CHECK(ref.GetBytes(&bytes) == (type == CborType::kBytes));
  FUZZ_CHECK(ref.GetText(&text) == (type == CborType::kText));
  FUZZ_CHECK(ref.GetBool(&b) == (type == CborType::kBool));
  FUZZ_CHECK(ref.is_map() == (type == CborType::kMap));
  FUZZ_CHECK(ref.is_array() == (type == CborType::kArray));
  if (type != CborType::kArray && type != CborType::kMap) FUZZ_CHECK(ref.size() == 0);
  if (type != CborType::kMap) FUZZ_CHECK(!ref.Find(1).valid() && !ref.Find("a").valid());
  switch (type) {
    case CborType::kUnsigned:
      FUZZ_CHECK(ref.GetUint(&u64));
      FUZZ_CHECK(ref.GetInt(&i64) == (u64 <= uint64_t{std::numeric_limits<int64_t>::max()}));
      AppendCborHead(out, 0, u64);
      break;
    case CborType::kNegative:
      if (ref.GetInt(&i64)) {
        FUZZ_CHECK(i64 < 0);
        AppendCborHead(out, 1, static_cast<uint64_t>(-1 - i64));
      } else {
        // Below INT64_MIN: no accessor reaches it; the head alone is checked.
        FUZZ_CHECK(encoded.size() == 9 && encoded[0] == 0x3b && encoded[1] >= 0x80);
        AppendBytes(out, encoded);
      }
      break;
    case CborType::kBytes:
    case CborType::kText: {
      ByteView content = type == CborType::kBytes ? bytes : AsBytes(text);
      FUZZ_CHECK(Inside(content, encoded));
      FUZZ_CHECK(content.empty() || content.data() + content.size() == encoded.data() + encoded.size());
      AppendCborHead(out, type == CborType::kBytes ? 2 : 3, content.size());
      AppendBytes(out, content);
      break;
    }
    case CborType::kArray:
      // An empty container opens no level, so it may sit at the limit.
      FUZZ_CHECK(depth < walk->limits->max_depth || ref.size() == 0);
      AppendCborHead(out, 4, ref.size());
      for (uint64_t i = 0; i < ref.size(); ++i) Reencode(ref.ArrayAt(i), depth + 1, walk, out);
      break;
    case CborType::kMap: {
      FUZZ_CHECK(depth < walk->limits->max_depth || ref.size() == 0);
      AppendCborHead(out, 5, ref.size());
      for (uint64_t i = 0; i < ref.size(); ++i) {
        CborRef key = ref.MapKeyAt(i), value = ref.MapValueAt(i);
        Reencode(key, depth + 1, walk, out);
        Reencode(value, depth + 1, walk, out);
        // Keys are unique, so Find lands on this very pair.
        CborRef found;
        if (key.GetInt(&i64)) found = ref.Find(i64);
        if (key.GetText(&text)) found = ref.Find(text);
        if (found.valid()) FUZZ_CHECK(found.encoded().data() == value.encoded().data());
        if (i > 0) {
          ByteView prev = ref.MapKeyAt(i - 1).encoded(), cur = key.encoded();
          if (walk->limits->canonical_key_order) FUZZ_CHECK(CanonicalLess(prev, cur));
        }
      }
      if (!walk->limits->canonical_key_order) {
        std::vector<ByteView> keys;
        for (uint64_t i = 0; i < ref.size(); ++i) keys.push_back(ref.MapKeyAt(i).encoded());
        std::sort(keys.begin(), keys.end(), CanonicalLess);
        for (size_t i = 1; i < keys.size(); ++i) FUZZ_CHECK(!Equal(keys[i - 1], keys[i]));
      }
      break;
    }
    case CborType::kTag:
      // No accessor exposes the tag number or content: check the head shape.
      FUZZ_CHECK(encoded.size() >= 2 && (encoded[0] >> 5) == 6);
      AppendBytes(out, encoded);
      break;
    case CborType::kBool:
      out->push_back(b ? 0xf5 : 0xf4);
      break;
    case CborType::kNull:
      out->push_back(0xf6);
      break;
    case CborType::kUndefined:
      out->push_back(0xf7);
      break;
    case CborType::kFloat:
      FUZZ_CHECK((encoded[0] == 0xf9 && encoded.size() == 3) ||
                 (encoded[0] == 0xfa && encoded.size() == 5) ||
                 (encoded[0] == 0xfb && encoded.size() == 9));
      AppendBytes(out, encoded);
      break;
  }
  FUZZ_CHECK(Equal(ByteView(*out).subspan(start), encoded));
}

// Parses with `limits`; on success walks the document.  Returns the result.
bool ParseAndWalk(ByteView input, const CborLimits& limits) {
  CborDocument doc;
  size_t consumed = 0;
  bool prefix_ok = doc.ParsePrefix(input, limits, &consumed);
  if (prefix_ok) {
    FUZZ_CHECK(consumed > 0 && consumed <= input.size());
    Walk walk{input, &limits};
    Bytes out;
    Reencode(doc.root(), 0, &walk, &out);
    FUZZ_CHECK(out.size() == consumed);
    FUZZ_CHECK(Equal(doc.root().encoded(), input.first(consumed)));
    // The item alone parses as a whole document.
    CborDocument alone;
    FUZZ_CHECK(alone.Parse(input.first(consumed), limits));
  }
  CborDocument whole;
  bool whole_ok = whole.Parse(input, limits);
  FUZZ_CHECK(whole_ok == (prefix_ok && consumed == input.size()));
  return whole_ok;
}

}  // namespace
}  // namespace keystorm

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using keystorm::CborLimits;
  keystorm::ByteView input(data, size);
  CborLimits canonical;
  CborLimits lenient;
  lenient.canonical_key_order = false;
  CborLimits tight;  // the COSE key limits
  tight.max_depth = 4;
  tight.max_items = 64;
  bool canonical_ok = keystorm::ParseAndWalk(input, canonical);
  bool lenient_ok = keystorm::ParseAndWalk(input, lenient);
  bool tight_ok = keystorm::ParseAndWalk(input, tight);
  FUZZ_CHECK(!canonical_ok || lenient_ok);
  FUZZ_CHECK(!tight_ok || canonical_ok);
  return 0;
}
