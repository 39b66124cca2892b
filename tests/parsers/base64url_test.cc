// Base64UrlDecode / Base64UrlEncode (base64url.h): the vectors live in
// testdata/base64url_vectors.txt.
#include "keystorm/base64url.h"

#include <gtest/gtest.h>

#include <string>

#include "parsers_test_util.h"

namespace keystorm {
namespace {

using testing::FromHex;
using testing::ReadVectorFile;
using testing::ToHex;

TEST(Base64UrlTest, DecodeVectorsFromFile) {
  std::vector<testing::VectorLine> lines = ReadVectorFile("base64url_vectors.txt");
  ASSERT_GT(lines.size(), 40u);
  for (const auto& line : lines) {
    ASSERT_EQ(line.fields.size(), 2u) << "line " << line.line_number;
    const std::string& input = line.fields[0];
    const std::string& want = line.fields[1];
    SCOPED_TRACE("line " + std::to_string(line.line_number) + ": \"" + input + "\"");
    Bytes out;
    bool ok = Base64UrlDecode(input, &out);
    if (want == "bad") {
      EXPECT_FALSE(ok);
      EXPECT_TRUE(out.empty());
      continue;
    }
    ASSERT_TRUE(ok);
    EXPECT_EQ(ToHex(out), want == "-" ? "" : want);
  }
}

TEST(Base64UrlTest, EncodesRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(Base64UrlEncode(AsBytes("")), "");
  EXPECT_EQ(Base64UrlEncode(AsBytes("f")), "Zg");
  EXPECT_EQ(Base64UrlEncode(AsBytes("fo")), "Zm8");
  EXPECT_EQ(Base64UrlEncode(AsBytes("foo")), "Zm9v");
  EXPECT_EQ(Base64UrlEncode(AsBytes("foob")), "Zm9vYg");
  EXPECT_EQ(Base64UrlEncode(AsBytes("fooba")), "Zm9vYmE");
  EXPECT_EQ(Base64UrlEncode(AsBytes("foobar")), "Zm9vYmFy");
}

TEST(Base64UrlTest, EncodesWithUrlSafeAlphabet) {
  EXPECT_EQ(Base64UrlEncode(FromHex("fbffbf")), "-_-_");
  EXPECT_EQ(Base64UrlEncode(FromHex("fbff")), "-_8");
  EXPECT_EQ(Base64UrlEncode(FromHex("ff")), "_w");
}

TEST(Base64UrlTest, RoundTripsEveryByteValueAndLength) {
  Bytes data;
  for (int len = 0; len <= 300; ++len) {
    std::string enc = Base64UrlEncode(data);
    EXPECT_EQ(enc.size(), (data.size() * 4 + 2) / 3);
    EXPECT_EQ(enc.find_first_of("+/="), std::string::npos);
    Bytes back;
    ASSERT_TRUE(Base64UrlDecode(enc, &back)) << enc;
    EXPECT_EQ(back, data);
    EXPECT_LE(back.size(), Base64UrlDecodedSize(enc.size()));
    // Padded to a multiple of four it still decodes to the same bytes.
    std::string padded = enc + std::string((4 - enc.size() % 4) % 4, '=');
    back.clear();
    ASSERT_TRUE(Base64UrlDecode(padded, &back)) << padded;
    EXPECT_EQ(back, data);
    data.push_back(static_cast<uint8_t>(len * 37 + 11));
  }
}

TEST(Base64UrlTest, NonCanonicalLastCharacterDecodesToSameBytes) {
  // "Zg" and "Zh" differ only in unused low bits: same bytes, and the
  // canonical encoding of those bytes is "Zg".
  Bytes a, b;
  ASSERT_TRUE(Base64UrlDecode("Zg", &a));
  ASSERT_TRUE(Base64UrlDecode("Zh", &b));
  EXPECT_EQ(a, b);
  EXPECT_EQ(Base64UrlEncode(b), "Zg");
}

TEST(Base64UrlTest, DecodeAppendsToExistingContent) {
  Bytes out = {1, 2};
  ASSERT_TRUE(Base64UrlDecode("Zm9v", &out));
  EXPECT_EQ(out, (Bytes{1, 2, 'f', 'o', 'o'}));
}

TEST(Base64UrlTest, FailedDecodeLeavesOutputAtOriginalSize) {
  for (const char* bad : {"Zm9v+A", "Zm9vY", "Zm=", "Zm 9v", "Zm9vYmFy\n"}) {
    Bytes out = {7, 8, 9};
    EXPECT_FALSE(Base64UrlDecode(bad, &out)) << bad;
    EXPECT_EQ(out, (Bytes{7, 8, 9})) << bad;
  }
}

TEST(Base64UrlTest, RejectsEveryByteOutsideTheAlphabet) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (int c = 0; c < 256; ++c) {
    std::string input = "AAA";
    input.push_back(static_cast<char>(c));
    Bytes out;
    bool in_alphabet = alphabet.find(static_cast<char>(c)) != std::string::npos;
    // '=' is the one outsider accepted, as padding.
    EXPECT_EQ(Base64UrlDecode(input, &out), in_alphabet || c == '=') << "byte " << c;
  }
}

TEST(Base64UrlTest, DecodedSizeBoundsEveryLength) {
  for (size_t n = 0; n < 64; ++n) {
    EXPECT_GE(Base64UrlDecodedSize(n), n * 3 / 4) << n;
  }
}

}  // namespace
}  // namespace keystorm
