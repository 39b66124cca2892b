// ParseClientData (client_data.h): R5-R6 / A8-A9.
#include "keystorm/client_data.h"

#include <gtest/gtest.h>

#include <string>

#include "keystorm/json_scratch.h"
#include "parsers_test_util.h"

namespace keystorm {
namespace {

constexpr std::string_view kValid =
    R"({"type":"webauthn.create","challenge":"Y2hhbGxlbmdl","origin":"https://example.com"})";

class ClientDataTest : public ::testing::Test {
 protected:
  VerifyError Parse(std::string_view json) { return ParseClientData(AsBytes(json), &scratch_, &c_); }
  VerifyError ParseBytes(const Bytes& json) { return ParseClientData(json, &scratch_, &c_); }

  // kValid with `extra` inserted before the closing brace.
  static std::string With(std::string_view extra) {
    std::string s(kValid);
    s.insert(s.size() - 1, extra);
    return s;
  }

  JsonScratch scratch_;
  CollectedClientData c_;
};

TEST_F(ClientDataTest, ParsesTheRequiredMembers) {
  ASSERT_EQ(Parse(kValid), VerifyError::kOk);
  EXPECT_EQ(c_.type, "webauthn.create");
  EXPECT_EQ(c_.challenge, "Y2hhbGxlbmdl");
  EXPECT_EQ(c_.origin, "https://example.com");
  EXPECT_FALSE(c_.cross_origin);
  EXPECT_FALSE(c_.top_origin.has_value());
}

TEST_F(ClientDataTest, MemberOrderAndWhitespaceDoNotMatter) {
  ASSERT_EQ(Parse(" {\n \"origin\" : \"o\",\t\"challenge\":\"c\" , \"type\":\"t\" }\n "), VerifyError::kOk);
  EXPECT_EQ(c_.type, "t");
  EXPECT_EQ(c_.challenge, "c");
  EXPECT_EQ(c_.origin, "o");
}

TEST_F(ClientDataTest, UnknownMembersAreIgnored) {
  ASSERT_EQ(Parse(With(R"(,"tokenBinding":{"status":"present","id":"x"},"other_keys_can_be_added_here":"y")")),
            VerifyError::kOk);
  EXPECT_EQ(c_.type, "webauthn.create");
}

TEST_F(ClientDataTest, EscapesAreDecoded) {
  ASSERT_EQ(Parse(R"({"type":"webauthn.\u0067et","challenge":"a\/b","origin":"https://\u00e9.example"})"),
            VerifyError::kOk);
  EXPECT_EQ(c_.type, "webauthn.get");
  EXPECT_EQ(c_.challenge, "a/b");
  EXPECT_EQ(c_.origin, "https://\xc3\xa9.example");
}

TEST_F(ClientDataTest, LeadingBomIsStripped) {
  std::string with_bom = "\xef\xbb\xbf" + std::string(kValid);
  ASSERT_EQ(Parse(with_bom), VerifyError::kOk);
  EXPECT_EQ(c_.origin, "https://example.com");
  // Only one, and only at the front.
  EXPECT_EQ(Parse("\xef\xbb\xbf" + with_bom), VerifyError::kMalformedClientData);
  EXPECT_EQ(Parse(" \xef\xbb\xbf" + std::string(kValid)), VerifyError::kMalformedClientData);
  EXPECT_EQ(Parse(std::string(kValid) + "\xef\xbb\xbf"), VerifyError::kMalformedClientData);
  EXPECT_EQ(Parse("\xef\xbb\xbf"), VerifyError::kMalformedClientData);
  EXPECT_EQ(Parse("\xef\xbb"), VerifyError::kMalformedClientData);
}

TEST_F(ClientDataTest, InvalidUtf8IsRejected) {
  const char* bad[] = {
      "\xc3\x28",          // bad continuation
      "\x80",              // lone continuation byte
      "\xc0\xaf",          // overlong '/'
      "\xe0\x80\xaf",      // overlong, three bytes
      "\xed\xa0\x80",      // UTF-16 surrogate U+D800
      "\xf4\x90\x80\x80",  // above U+10FFFF
      "\xe2\x82",          // truncated
      "\xff",
  };
  for (const char* seq : bad) {
    std::string in(kValid);
    in.insert(in.find("example"), seq);  // inside the origin string
    EXPECT_EQ(Parse(in), VerifyError::kMalformedClientData) << in;
    std::string in_name = With(std::string(",\"x") + seq + "\":1");  // inside a member name
    EXPECT_EQ(Parse(in_name), VerifyError::kMalformedClientData) << in_name;
  }
  // Valid multi-byte UTF-8 passes.
  std::string good(kValid);
  good.insert(good.find("example"), "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  EXPECT_EQ(Parse(good), VerifyError::kOk);
}

TEST_F(ClientDataTest, DuplicateMembersAreFoundInLargeObjects) {
  // Past the inline comparison window (16 members) the check sorts.
  std::string many;
  for (int i = 0; i < 30; ++i) many += ",\"m" + std::to_string(i) + "\":" + std::to_string(i);
  EXPECT_EQ(Parse(With(many)), VerifyError::kOk);
  EXPECT_EQ(Parse(With(many + ",\"m3\":0")), VerifyError::kMalformedClientData);
  EXPECT_EQ(Parse(With(many + ",\"m29\":0")), VerifyError::kMalformedClientData);
  EXPECT_EQ(Parse(With(",\"m0\":1" + many)), VerifyError::kMalformedClientData);
}

TEST_F(ClientDataTest, DuplicateMembersAreRejectedAtEveryLevel) {
  EXPECT_EQ(Parse(With(R"(,"type":"webauthn.get")")), VerifyError::kMalformedClientData);
  EXPECT_EQ(Parse(With(R"(,"origin":"https://example.com")")), VerifyError::kMalformedClientData);
  EXPECT_EQ(Parse(With(R"(,"extra":1,"extra":2)")), VerifyError::kMalformedClientData);
  EXPECT_EQ(Parse(With(R"(,"tokenBinding":{"id":"a","id":"b"})")), VerifyError::kMalformedClientData);
  EXPECT_EQ(Parse(With(R"(,"list":[{"a":1},{"b":1,"b":2}])")), VerifyError::kMalformedClientData);
  // The same name in different objects is fine.
  EXPECT_EQ(Parse(With(R"(,"a":{"type":1},"b":[{"type":2}])")), VerifyError::kOk);
  // Escaped spelling of an existing name is still a duplicate.
  EXPECT_EQ(Parse(With(R"(,"\u0074ype":"webauthn.get")")), VerifyError::kMalformedClientData);
}

TEST_F(ClientDataTest, TrailingBytesAreRejected) {
  EXPECT_EQ(Parse(std::string(kValid) + "x"), VerifyError::kMalformedClientData);
  EXPECT_EQ(Parse(std::string(kValid) + "}"), VerifyError::kMalformedClientData);
  EXPECT_EQ(Parse(std::string(kValid) + std::string(kValid)), VerifyError::kMalformedClientData);
  EXPECT_EQ(Parse(std::string(kValid) + std::string(1, '\0')), VerifyError::kMalformedClientData);
  // Whitespace after the object is not content.
  EXPECT_EQ(Parse(std::string(kValid) + " \r\n\t"), VerifyError::kOk);
}

TEST_F(ClientDataTest, NestingIsLimited) {
  auto nested = [](int depth) { return With(",\"x\":" + std::string(depth, '[') + std::string(depth, ']')); };
  EXPECT_EQ(Parse(nested(10)), VerifyError::kOk);
  EXPECT_EQ(Parse(nested(JsonScratch::kMaxDepth + 1)), VerifyError::kMalformedClientData);
  EXPECT_EQ(Parse(nested(1000)), VerifyError::kMalformedClientData);
  std::string objects = ",\"x\":";
  for (int i = 0; i < 40; ++i) objects += "{\"a\":";
  objects += "1" + std::string(40, '}');
  EXPECT_EQ(Parse(With(objects)), VerifyError::kMalformedClientData);
}

TEST_F(ClientDataTest, RequiredMembersMustBeStrings) {
  for (const char* value : {"1", "null", "true", "[]", "{}", "\"\""}) {
    for (const char* member : {"type", "challenge", "origin"}) {
      std::string in(kValid);
      std::string key = std::string("\"") + member + "\":";
      size_t start = in.find(key) + key.size();
      size_t end = in.find('"', start + 1) + 1;
      in.replace(start, end - start, value);
      VerifyError want = std::string_view(value) == "\"\"" ? VerifyError::kOk : VerifyError::kMalformedClientData;
      EXPECT_EQ(Parse(in), want) << in;
    }
  }
}

TEST_F(ClientDataTest, MissingMembersAreRejected) {
  EXPECT_EQ(Parse(R"({"challenge":"c","origin":"o"})"), VerifyError::kMalformedClientData);
  EXPECT_EQ(Parse(R"({"type":"t","origin":"o"})"), VerifyError::kMalformedClientData);
  EXPECT_EQ(Parse(R"({"type":"t","challenge":"c"})"), VerifyError::kMalformedClientData);
  EXPECT_EQ(Parse(R"({})"), VerifyError::kMalformedClientData);
  // Member names are case-sensitive.
  EXPECT_EQ(Parse(R"({"Type":"t","challenge":"c","origin":"o"})"), VerifyError::kMalformedClientData);
}

TEST_F(ClientDataTest, RootMustBeOneObject) {
  for (const char* in : {"", " ", "[]", "null", "\"x\"", "1", "true", "[{}]", "{", "{\"type\":"}) {
    EXPECT_EQ(Parse(in), VerifyError::kMalformedClientData) << in;
  }
}

TEST_F(ClientDataTest, CrossOriginIsAnOptionalBoolean) {
  ASSERT_EQ(Parse(With(R"(,"crossOrigin":true)")), VerifyError::kOk);
  EXPECT_TRUE(c_.cross_origin);
  ASSERT_EQ(Parse(With(R"(,"crossOrigin":false)")), VerifyError::kOk);
  EXPECT_FALSE(c_.cross_origin);
  // null reads as absent.
  ASSERT_EQ(Parse(With(R"(,"crossOrigin":null)")), VerifyError::kOk);
  EXPECT_FALSE(c_.cross_origin);
  for (const char* bad : {"\"true\"", "1", "0", "[]", "{}"}) {
    EXPECT_EQ(Parse(With(std::string(",\"crossOrigin\":") + bad)), VerifyError::kMalformedClientData)
        << bad;
  }
}

TEST_F(ClientDataTest, TopOriginIsAnOptionalString) {
  ASSERT_EQ(Parse(With(R"(,"crossOrigin":true,"topOrigin":"https://top.example")")), VerifyError::kOk);
  ASSERT_TRUE(c_.top_origin.has_value());
  EXPECT_EQ(*c_.top_origin, "https://top.example");
  EXPECT_TRUE(c_.cross_origin);
  // Parsed whether or not crossOrigin is set: the ceremony decides (R11/A14).
  ASSERT_EQ(Parse(With(R"(,"topOrigin":"https://top.example")")), VerifyError::kOk);
  EXPECT_TRUE(c_.top_origin.has_value());
  EXPECT_FALSE(c_.cross_origin);
  ASSERT_EQ(Parse(With(R"(,"topOrigin":null)")), VerifyError::kOk);
  EXPECT_FALSE(c_.top_origin.has_value());
  ASSERT_EQ(Parse(With(R"(,"topOrigin":"")")), VerifyError::kOk);
  ASSERT_TRUE(c_.top_origin.has_value());
  EXPECT_EQ(*c_.top_origin, "");
  for (const char* bad : {"1", "true", "[]", "{}"}) {
    EXPECT_EQ(Parse(With(std::string(",\"topOrigin\":") + bad)), VerifyError::kMalformedClientData)
        << bad;
  }
}

TEST_F(ClientDataTest, ScratchIsReusedAcrossDocuments) {
  ASSERT_EQ(Parse(R"({"type":"a","challenge":"b","origin":"c","crossOrigin":true,"topOrigin":"d"})"),
            VerifyError::kOk);
  ASSERT_EQ(Parse(R"({"type":"x","challenge":"y","origin":"z"})"), VerifyError::kOk);
  EXPECT_EQ(c_.type, "x");
  EXPECT_FALSE(c_.cross_origin);
  EXPECT_FALSE(c_.top_origin.has_value());
  // A failed parse leaves the output untouched.
  CollectedClientData before = c_;
  ASSERT_EQ(Parse("{"), VerifyError::kMalformedClientData);
  EXPECT_EQ(c_.type.data(), before.type.data());
}

TEST_F(ClientDataTest, ParsesFromABufferWithoutPadding) {
  // The exact-size heap buffer lets ASan catch any read past the end.
  Bytes exact(kValid.begin(), kValid.end());
  ASSERT_EQ(ParseBytes(exact), VerifyError::kOk);
  EXPECT_EQ(c_.origin, "https://example.com");
}

TEST_F(ClientDataTest, OversizedDocumentIsRejected) {
  std::string big = With(",\"pad\":\"" + std::string(size_t{1} << 20, 'a') + "\"");
  EXPECT_EQ(Parse(big), VerifyError::kMalformedClientData);
}

}  // namespace
}  // namespace keystorm
