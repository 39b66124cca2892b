// CborDocument / CborRef (cbor.h): every strictness rule, the limits, and the
// accessors.  Single-item vectors live in testdata/cbor_vectors.txt.
#include "keystorm/cbor.h"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <string>

#include "parsers_test_util.h"

namespace keystorm {
namespace {

using testing::CborArray;
using testing::CborBytes;
using testing::CborHead;
using testing::CborInt;
using testing::CborMap;
using testing::CborText;
using testing::CborUint;
using testing::Concat;
using testing::FromHex;

CborLimits Lenient() {
  CborLimits limits;
  limits.canonical_key_order = false;
  return limits;
}

bool Parses(ByteView in, const CborLimits& limits = CborLimits()) {
  CborDocument doc;
  return doc.Parse(in, limits);
}

// `depth` nested one-element arrays around 0.
Bytes NestedArrays(int depth) {
  Bytes out(depth, 0x81);
  out.push_back(0x00);
  return out;
}

TEST(CborVectorsTest, ParseVectorsFromFile) {
  std::vector<testing::VectorLine> lines = testing::ReadVectorFile("cbor_vectors.txt");
  ASSERT_GE(lines.size(), 80u);
  for (const auto& line : lines) {
    ASSERT_GE(line.fields.size(), 3u) << "line " << line.line_number;
    size_t n = line.fields.size();
    std::string hex;
    for (size_t i = 0; i + 2 < n; ++i) hex += line.fields[i];
    if (hex == "-") hex.clear();
    SCOPED_TRACE("line " + std::to_string(line.line_number) + ": " + hex);
    Bytes input = FromHex(hex);
    EXPECT_EQ(Parses(input), line.fields[n - 2] == "ok") << "canonical";
    EXPECT_EQ(Parses(input, Lenient()), line.fields[n - 1] == "ok") << "lenient";
  }
}

// ---- Rules the vectors cannot show compactly --------------------------------

TEST(CborTest, RejectsNonShortestHeadsOfEveryWidth) {
  // Every value written in every wider-than-needed width fails, for each
  // major type that carries an argument.
  const uint64_t values[] = {0, 23, 24, 255, 256, 65535, 65536, 0xffffffff};
  for (int major : {0, 1}) {
    for (uint64_t v : values) {
      for (int width : {1, 2, 4, 8}) {
        uint64_t max = width == 8 ? std::numeric_limits<uint64_t>::max() : (uint64_t{1} << (8 * width)) - 1;
        if (v > max) continue;
        Bytes item = CborHead(major, v, width);
        bool shortest = CborHead(major, v).size() == CborHead(major, v, width).size();
        EXPECT_EQ(Parses(item), shortest) << "major " << major << " value " << v << " width " << width;
      }
    }
  }
  // Lengths and counts likewise.
  EXPECT_FALSE(Parses(Concat({CborHead(2, 3, 1), AsBytes("abc")})));
  EXPECT_FALSE(Parses(Concat({CborHead(3, 3, 2), AsBytes("abc")})));
  EXPECT_FALSE(Parses(Concat({CborHead(4, 1, 4), CborUint(0)})));
  EXPECT_FALSE(Parses(Concat({CborHead(5, 1, 8), CborUint(0), CborUint(0)})));
  EXPECT_TRUE(Parses(Concat({CborHead(2, 24), Bytes(24, 'x')})));
  EXPECT_FALSE(Parses(Concat({CborHead(2, 23, 1), Bytes(23, 'x')})));
}

TEST(CborTest, RejectsIndefiniteLengthsInsideOtherwiseValidItems) {
  // {1: [_ 1]} and {1: (_ h'61')}.
  EXPECT_FALSE(Parses(FromHex("a1019f01ff")));
  EXPECT_FALSE(Parses(FromHex("a1015f4161ff")));
  EXPECT_FALSE(Parses(FromHex("81bf0102ff")));
}

TEST(CborTest, DuplicateKeysAreRejectedInBothModes) {
  Bytes dup_int = CborMap({{CborInt(-2), CborInt(0)}, {CborInt(-2), CborInt(1)}});
  Bytes dup_text = CborMap({{CborText("fmt"), CborText("none")}, {CborText("fmt"), CborText("packed")}});
  // Duplicates far apart, which only the lenient mode's sort finds.
  Bytes far = CborMap({{CborText("x"), CborInt(0)},
                       {CborText("a"), CborInt(1)},
                       {CborText("m"), CborInt(2)},
                       {CborText("x"), CborInt(3)}});
  // Nested: the inner map has the duplicate.
  Bytes nested = CborMap({{CborInt(1), dup_int}});
  for (const Bytes& in : {dup_int, dup_text, far, nested}) {
    EXPECT_FALSE(Parses(in));
    EXPECT_FALSE(Parses(in, Lenient()));
  }
}

TEST(CborTest, KeyOrderIsEnforcedOnlyInCanonicalMode) {
  // CTAP2 order: "fmt" (4 encoded bytes) < "attStmt" (8) < "authData" (9).
  Bytes ctap2 = CborMap({{CborText("fmt"), CborText("none")},
                         {CborText("attStmt"), CborMap({})},
                         {CborText("authData"), CborBytes(Bytes(37, 0))}});
  EXPECT_TRUE(Parses(ctap2));
  EXPECT_TRUE(Parses(ctap2, Lenient()));
  // The order some security keys emit: fmt, authData, attStmt.
  Bytes other = CborMap({{CborText("fmt"), CborText("none")},
                         {CborText("authData"), CborBytes(Bytes(37, 0))},
                         {CborText("attStmt"), CborMap({})}});
  EXPECT_FALSE(Parses(other));
  EXPECT_TRUE(Parses(other, Lenient()));
  // A misordered map nested inside an ordered one is found too.
  Bytes nested = CborMap({{CborInt(1), CborMap({{CborInt(3), CborInt(0)}, {CborInt(1), CborInt(0)}})}});
  EXPECT_FALSE(Parses(nested));
  EXPECT_TRUE(Parses(nested, Lenient()));
}

TEST(CborTest, DepthLimitCountsNestedContainers) {
  // max_depth containers may nest; one more fails.
  EXPECT_TRUE(Parses(NestedArrays(16)));
  EXPECT_FALSE(Parses(NestedArrays(17)));
  EXPECT_FALSE(Parses(NestedArrays(1000)));
  CborLimits shallow;
  shallow.max_depth = 4;
  EXPECT_TRUE(Parses(NestedArrays(4), shallow));
  EXPECT_FALSE(Parses(NestedArrays(5), shallow));
  // Maps open levels as arrays do.
  Bytes maps = CborUint(0);
  for (int i = 0; i < 5; ++i) maps = CborMap({{CborInt(1), maps}});
  EXPECT_FALSE(Parses(maps, shallow));
}

TEST(CborTest, RejectsTagsAnywhere) {
  // CTAP2 canonical form: "Tags ... MUST NOT be present."  A tagged COSE
  // member or extension is malformed CBOR, not an odd value.
  EXPECT_FALSE(Parses(FromHex("c100")));
  EXPECT_FALSE(Parses(FromHex("8201c100")));        // inside an array
  EXPECT_FALSE(Parses(FromHex("a101c11a5f5e1000")));  // as a map value
  CborLimits lenient;
  lenient.canonical_key_order = false;
  EXPECT_FALSE(Parses(FromHex("a101c100"), lenient));
}

TEST(CborTest, ItemLimitCountsEveryItem) {
  // An array header plus 4095 elements is 4096 items: the default limit.
  Bytes at_limit = Concat({CborHead(4, 4095), Bytes(4095, 0x00)});
  Bytes over = Concat({CborHead(4, 4096), Bytes(4096, 0x00)});
  EXPECT_TRUE(Parses(at_limit));
  EXPECT_FALSE(Parses(over));
  CborLimits small;
  small.max_items = 3;
  EXPECT_TRUE(Parses(FromHex("820102"), small));
  EXPECT_FALSE(Parses(FromHex("83010203"), small));
  // A map whose declared pair count alone passes the item limit fails early.
  EXPECT_FALSE(Parses(Concat({CborHead(5, 4097), Bytes(2 * 4097, 0x00)})));
}

TEST(CborTest, HugeDeclaredSizesFailFastWithoutAllocating) {
  // Each declares far more than the input holds; under ASan an allocation of
  // that size would abort, and the loop would take visible time.
  const char* hex[] = {
      "9bffffffffffffffff",      // array of 2^64-1
      "9b7fffffffffffffff00",    // array of 2^63-1
      "bbffffffffffffffff",      // map of 2^64-1 pairs
      "bb000000010000000000",    // map of 2^32 pairs
      "5bffffffffffffffff",      // byte string of 2^64-1 bytes
      "7bffffffffffffffff",      // text string of 2^64-1 bytes
      "9a7fffffff00",            // array of 2^31-1
      "81 9bffffffffffffffff",   // nested
  };
  auto start = std::chrono::steady_clock::now();
  for (const char* h : hex) {
    std::string clean(h);
    std::erase(clean, ' ');
    EXPECT_FALSE(Parses(FromHex(clean))) << h;
    EXPECT_FALSE(Parses(FromHex(clean), Lenient())) << h;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(CborTest, LengthsBeyondTheInputFail) {
  Bytes text = CborText("hello");
  for (size_t cut = 1; cut < text.size(); ++cut) {
    EXPECT_FALSE(Parses(ByteView(text).first(cut))) << cut;
  }
  Bytes map = CborMap({{CborInt(1), CborBytes(Bytes(40, 7))}, {CborInt(2), CborArray({CborInt(3)})}});
  for (size_t cut = 0; cut < map.size(); ++cut) {
    EXPECT_FALSE(Parses(ByteView(map).first(cut))) << cut;
  }
  EXPECT_TRUE(Parses(map));
}

TEST(CborTest, ParseRequiresExactlyOneItemParsePrefixAllowsMore) {
  Bytes in = FromHex("a10102ff00");
  CborDocument doc;
  EXPECT_FALSE(doc.Parse(in, CborLimits()));
  size_t consumed = 0;
  ASSERT_TRUE(doc.ParsePrefix(in, CborLimits(), &consumed));
  EXPECT_EQ(consumed, 3u);
  EXPECT_EQ(doc.root().encoded().size(), 3u);
  EXPECT_EQ(doc.root().encoded().data(), in.data());
  // ParsePrefix still applies every rule to the item it reads.
  EXPECT_FALSE(doc.ParsePrefix(FromHex("1817ff"), CborLimits(), &consumed));
  EXPECT_FALSE(doc.ParsePrefix(FromHex("9f01ff"), CborLimits(), &consumed));
  EXPECT_FALSE(doc.ParsePrefix(ByteView(), CborLimits(), &consumed));
  // Exactly one item: Parse and ParsePrefix agree.
  Bytes one = FromHex("820102");
  EXPECT_TRUE(doc.Parse(one, CborLimits()));
  ASSERT_TRUE(doc.ParsePrefix(one, CborLimits(), &consumed));
  EXPECT_EQ(consumed, one.size());
}

// ---- Accessors ---------------------------------------------------------------

TEST(CborAccessorsTest, DefaultRefAndEmptyDocumentAreInvalid) {
  CborRef ref;
  EXPECT_FALSE(ref.valid());
  EXPECT_FALSE(ref.is_map());
  EXPECT_FALSE(ref.is_array());
  EXPECT_EQ(ref.size(), 0u);
  int64_t i;
  EXPECT_FALSE(ref.GetInt(&i));
  EXPECT_FALSE(ref.Find(1).valid());
  EXPECT_FALSE(ref.Find("a").valid());
  CborDocument doc;
  EXPECT_FALSE(doc.root().valid());
}

TEST(CborAccessorsTest, Integers) {
  struct Case {
    Bytes encoded;
    CborType type;
    bool fits_int;
    int64_t as_int;
  };
  const Case cases[] = {
      {CborUint(0), CborType::kUnsigned, true, 0},
      {CborUint(24), CborType::kUnsigned, true, 24},
      {CborUint(uint64_t{1} << 40), CborType::kUnsigned, true, int64_t{1} << 40},
      {CborUint(std::numeric_limits<int64_t>::max()), CborType::kUnsigned, true,
       std::numeric_limits<int64_t>::max()},
      {CborUint(uint64_t{1} << 63), CborType::kUnsigned, false, 0},
      {CborUint(std::numeric_limits<uint64_t>::max()), CborType::kUnsigned, false, 0},
      {CborInt(-1), CborType::kNegative, true, -1},
      {CborInt(-257), CborType::kNegative, true, -257},
      {CborInt(std::numeric_limits<int64_t>::min()), CborType::kNegative, true,
       std::numeric_limits<int64_t>::min()},
      {CborHead(1, uint64_t{1} << 63), CborType::kNegative, false, 0},  // -2^63-1
      {CborHead(1, std::numeric_limits<uint64_t>::max()), CborType::kNegative, false, 0},
  };
  for (const Case& c : cases) {
    CborDocument doc;
    ASSERT_TRUE(doc.Parse(c.encoded, CborLimits())) << testing::ToHex(c.encoded);
    CborRef r = doc.root();
    EXPECT_EQ(r.type(), c.type);
    int64_t i = 12345;
    EXPECT_EQ(r.GetInt(&i), c.fits_int) << testing::ToHex(c.encoded);
    if (c.fits_int) {
      EXPECT_EQ(i, c.as_int);
    }
    uint64_t u;
    EXPECT_EQ(r.GetUint(&u), c.type == CborType::kUnsigned);
    ByteView b;
    std::string_view t;
    bool flag;
    EXPECT_FALSE(r.GetBytes(&b));
    EXPECT_FALSE(r.GetText(&t));
    EXPECT_FALSE(r.GetBool(&flag));
  }
  CborDocument doc;
  ASSERT_TRUE(doc.Parse(CborUint(std::numeric_limits<uint64_t>::max()), CborLimits()));
  uint64_t u = 0;
  ASSERT_TRUE(doc.root().GetUint(&u));
  EXPECT_EQ(u, std::numeric_limits<uint64_t>::max());
}

TEST(CborAccessorsTest, StringsAreViewsIntoTheInput) {
  Bytes in = CborArray({CborBytes(AsBytes("\x01\x02")), CborText("h\xc3\xa9"), CborBytes({}), CborText("")});
  CborDocument doc;
  ASSERT_TRUE(doc.Parse(in, CborLimits()));
  CborRef arr = doc.root();
  ASSERT_TRUE(arr.is_array());
  ASSERT_EQ(arr.size(), 4u);
  ByteView b;
  std::string_view t;
  ASSERT_TRUE(arr.ArrayAt(0).GetBytes(&b));
  EXPECT_EQ(b.size(), 2u);
  EXPECT_EQ(b.data(), in.data() + 2);  // array head, bytes head
  EXPECT_FALSE(arr.ArrayAt(0).GetText(&t));
  ASSERT_TRUE(arr.ArrayAt(1).GetText(&t));
  EXPECT_EQ(t, "h\xc3\xa9");
  EXPECT_EQ(reinterpret_cast<const uint8_t*>(t.data()), in.data() + 5);
  EXPECT_FALSE(arr.ArrayAt(1).GetBytes(&b));
  ASSERT_TRUE(arr.ArrayAt(2).GetBytes(&b));
  EXPECT_TRUE(b.empty());
  ASSERT_TRUE(arr.ArrayAt(3).GetText(&t));
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(arr.ArrayAt(3).type(), CborType::kText);
}

TEST(CborAccessorsTest, SimpleValuesAndFloats) {
  CborDocument doc;
  ASSERT_TRUE(doc.Parse(FromHex("85f4f5f6f7f93c00"), CborLimits()));
  CborRef a = doc.root();
  ASSERT_EQ(a.size(), 5u);
  bool flag = true;
  ASSERT_TRUE(a.ArrayAt(0).GetBool(&flag));
  EXPECT_FALSE(flag);
  ASSERT_TRUE(a.ArrayAt(1).GetBool(&flag));
  EXPECT_TRUE(flag);
  EXPECT_EQ(a.ArrayAt(2).type(), CborType::kNull);
  EXPECT_EQ(a.ArrayAt(3).type(), CborType::kUndefined);
  EXPECT_EQ(a.ArrayAt(4).type(), CborType::kFloat);
  int64_t i;
  EXPECT_FALSE(a.ArrayAt(2).GetInt(&i));
  EXPECT_FALSE(a.ArrayAt(2).GetBool(&flag));
  EXPECT_FALSE(a.ArrayAt(4).GetInt(&i));
}

TEST(CborAccessorsTest, EncodedCoversEachItemExactly) {
  Bytes inner = CborMap({{CborInt(1), CborText("x")}});
  Bytes in = CborArray({CborInt(-300), inner, CborBytes(Bytes(30, 9))});
  CborDocument doc;
  ASSERT_TRUE(doc.Parse(in, CborLimits()));
  EXPECT_TRUE(Equal(doc.root().encoded(), in));
  EXPECT_TRUE(Equal(doc.root().ArrayAt(0).encoded(), CborInt(-300)));
  EXPECT_TRUE(Equal(doc.root().ArrayAt(1).encoded(), inner));
  EXPECT_TRUE(Equal(doc.root().ArrayAt(2).encoded(), CborBytes(Bytes(30, 9))));
  EXPECT_TRUE(Equal(doc.root().ArrayAt(1).MapValueAt(0).encoded(), CborText("x")));
}

TEST(CborAccessorsTest, ArraysAndMapsSkipOverNestedChildren) {
  // [[1, [2, 3]], {4: [5]}, 6]
  Bytes in = CborArray({CborArray({CborInt(1), CborArray({CborInt(2), CborInt(3)})}),
                        CborMap({{CborInt(4), CborArray({CborInt(5)})}}), CborInt(6)});
  CborDocument doc;
  ASSERT_TRUE(doc.Parse(in, CborLimits()));
  CborRef root = doc.root();
  ASSERT_EQ(root.size(), 3u);
  int64_t v;
  ASSERT_TRUE(root.ArrayAt(2).GetInt(&v));
  EXPECT_EQ(v, 6);
  ASSERT_TRUE(root.ArrayAt(0).ArrayAt(1).ArrayAt(1).GetInt(&v));
  EXPECT_EQ(v, 3);
  CborRef map = root.ArrayAt(1);
  ASSERT_TRUE(map.is_map());
  ASSERT_EQ(map.size(), 1u);
  ASSERT_TRUE(map.MapKeyAt(0).GetInt(&v));
  EXPECT_EQ(v, 4);
  ASSERT_TRUE(map.MapValueAt(0).ArrayAt(0).GetInt(&v));
  EXPECT_EQ(v, 5);
  EXPECT_EQ(root.ArrayAt(2).size(), 0u);  // not a container
}

TEST(CborAccessorsTest, FindByIntegerAndTextKey) {
  // A COSE-key-like map: {1: 2, 3: -7, -1: 1, -2: h'..', "name": "v"}
  Bytes in = CborMap({{CborInt(1), CborInt(2)},
                      {CborInt(3), CborInt(-7)},
                      {CborInt(-1), CborArray({CborInt(9), CborInt(9)})},
                      {CborInt(-2), CborBytes(Bytes(4, 1))},
                      {CborText("1"), CborText("v")}});
  CborDocument doc;
  ASSERT_TRUE(doc.Parse(in, CborLimits()));
  CborRef map = doc.root();
  int64_t v;
  ASSERT_TRUE(map.Find(3).GetInt(&v));
  EXPECT_EQ(v, -7);
  ASSERT_TRUE(map.Find(1).GetInt(&v));
  EXPECT_EQ(v, 2);
  EXPECT_TRUE(map.Find(-1).is_array());  // found past a nested value
  ByteView b;
  ASSERT_TRUE(map.Find(-2).GetBytes(&b));
  EXPECT_EQ(b.size(), 4u);
  std::string_view t;
  ASSERT_TRUE(map.Find("1").GetText(&t));
  EXPECT_EQ(t, "v");
  // Missing keys, and a text key never matches an integer one or back.
  EXPECT_FALSE(map.Find(2).valid());
  EXPECT_FALSE(map.Find(-3).valid());
  EXPECT_FALSE(map.Find("3").valid());
  EXPECT_FALSE(map.Find("").valid());
  // Find on a non-map is invalid.
  EXPECT_FALSE(map.Find(-1).Find(0).valid());
  EXPECT_FALSE(map.Find(1).Find("x").valid());
}

TEST(CborAccessorsTest, DocumentCanBeReused) {
  CborDocument doc;
  ASSERT_TRUE(doc.Parse(FromHex("a10102"), CborLimits()));
  ASSERT_TRUE(doc.Parse(FromHex("820304"), CborLimits()));
  ASSERT_TRUE(doc.root().is_array());
  int64_t v;
  ASSERT_TRUE(doc.root().ArrayAt(1).GetInt(&v));
  EXPECT_EQ(v, 4);
  EXPECT_FALSE(doc.Parse(FromHex("1817"), CborLimits()));
  ASSERT_TRUE(doc.Parse(FromHex("05"), CborLimits()));
  ASSERT_TRUE(doc.root().GetInt(&v));
  EXPECT_EQ(v, 5);
}

}  // namespace
}  // namespace keystorm
