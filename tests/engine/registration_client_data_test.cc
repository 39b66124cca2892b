// §7.1 R3 (the RegistrationResponseJSON envelope) and R5-R11
// (clientDataJSON): one mutated field per test, exactly that step's verdict.
#include <string>

#include "registration_fixture.h"

namespace keystorm {
namespace {

using test::JsonObject;
using test::RegistrationOptions;

// ---- R3: the JSON envelope ------------------------------------------------

class RegistrationEnvelopeTest : public RegistrationTest {
 protected:
  VerifyError Parse(const JsonObject& envelope) {
    RegistrationResponse out;
    return ParseRegistrationResponseJson(envelope.ToString(), &scratch_, &out);
  }
  JsonObject envelope_ = es256_.Register().Envelope();
};

TEST_F(RegistrationEnvelopeTest, DefaultEnvelopeParses) {
  EXPECT_VERDICT(VerifyError::kOk, Parse(envelope_));
}

TEST_F(RegistrationEnvelopeTest, NotJson) {
  RegistrationResponse out;
  EXPECT_VERDICT(VerifyError::kMalformedRequest,
                 ParseRegistrationResponseJson("{\"id\":", &scratch_, &out));
}

TEST_F(RegistrationEnvelopeTest, MissingResponse) {
  EXPECT_VERDICT(VerifyError::kMalformedRequest, Parse(envelope_.Remove("response")));
}

TEST_F(RegistrationEnvelopeTest, MissingAttestationObject) {
  envelope_.FindObject("response")->Remove("attestationObject");
  EXPECT_VERDICT(VerifyError::kMalformedRequest, Parse(envelope_));
}

TEST_F(RegistrationEnvelopeTest, MissingClientDataJson) {
  envelope_.FindObject("response")->Remove("clientDataJSON");
  EXPECT_VERDICT(VerifyError::kMalformedRequest, Parse(envelope_));
}

TEST_F(RegistrationEnvelopeTest, IdDiffersFromRawId) {
  EXPECT_VERDICT(VerifyError::kMalformedRequest, Parse(envelope_.SetString("id", "AAAA")));
}

TEST_F(RegistrationEnvelopeTest, WrongCredentialType) {
  EXPECT_VERDICT(VerifyError::kMalformedRequest, Parse(envelope_.SetString("type", "password")));
}

TEST_F(RegistrationEnvelopeTest, StandardBase64InsteadOfBase64Url) {
  envelope_.FindObject("response")->SetString("clientDataJSON", "ab+/");
  EXPECT_VERDICT(VerifyError::kMalformedRequest, Parse(envelope_));
}

TEST_F(RegistrationEnvelopeTest, TransportsNotAnArrayOfStrings) {
  envelope_.FindObject("response")->SetRaw("transports", "[1]");
  EXPECT_VERDICT(VerifyError::kMalformedRequest, Parse(envelope_));
}

TEST_F(RegistrationEnvelopeTest, ClientExtensionResultsNotAnObject) {
  EXPECT_VERDICT(VerifyError::kMalformedRequest,
                 Parse(envelope_.SetRaw("clientExtensionResults", "[]")));
}

TEST_F(RegistrationEnvelopeTest, DuplicateMember) {
  EXPECT_VERDICT(VerifyError::kMalformedRequest,
                 Parse(envelope_.AppendRaw("type", "\"public-key\"")));
}

// ---- R5-R6: clientDataJSON decoding ---------------------------------------

// The default clientDataJSON members as an editable object.
JsonObject DefaultClientData() {
  JsonObject c;
  c.SetString("type", "webauthn.create");
  c.SetString("challenge", test::kChallenge);
  c.SetString("origin", test::kOrigin);
  return c;
}

RegistrationOptions WithClientDataText(std::string text) {
  RegistrationOptions o;
  o.client_data.raw = std::move(text);
  return o;
}

TEST_F(RegistrationTest, R5_InvalidUtf8) {
  std::string text = DefaultClientData().SetRaw("extra", "\"\xff\xfe\"").ToString();
  EXPECT_VERDICT(VerifyError::kMalformedClientData, Verify(WithClientDataText(text)));
}

TEST_F(RegistrationTest, R5_LeadingByteOrderMarkIsStripped) {
  EXPECT_VERDICT(VerifyError::kOk,
                 Verify(WithClientDataText("\xEF\xBB\xBF" + DefaultClientData().ToString())));
}

TEST_F(RegistrationTest, R6_NotJson) {
  EXPECT_VERDICT(VerifyError::kMalformedClientData, Verify(WithClientDataText("webauthn.create")));
}

TEST_F(RegistrationTest, R6_NotAnObject) {
  EXPECT_VERDICT(VerifyError::kMalformedClientData,
                 Verify(WithClientDataText("[\"webauthn.create\"]")));
}

TEST_F(RegistrationTest, R6_DuplicateMember) {
  std::string text = DefaultClientData().AppendRaw("challenge", "\"other\"").ToString();
  EXPECT_VERDICT(VerifyError::kMalformedClientData, Verify(WithClientDataText(text)));
}

TEST_F(RegistrationTest, R6_MissingChallenge) {
  EXPECT_VERDICT(VerifyError::kMalformedClientData,
                 Verify(WithClientDataText(DefaultClientData().Remove("challenge").ToString())));
}

TEST_F(RegistrationTest, R6_OriginNotAString) {
  EXPECT_VERDICT(VerifyError::kMalformedClientData,
                 Verify(WithClientDataText(DefaultClientData().SetRaw("origin", "1").ToString())));
}

TEST_F(RegistrationTest, R6_CrossOriginNotABoolean) {
  std::string text = DefaultClientData().SetRaw("crossOrigin", "\"false\"").ToString();
  EXPECT_VERDICT(VerifyError::kMalformedClientData, Verify(WithClientDataText(text)));
}

TEST_F(RegistrationTest, R6_TrailingBytes) {
  EXPECT_VERDICT(VerifyError::kMalformedClientData,
                 Verify(WithClientDataText(DefaultClientData().ToString() + "{}")));
}

TEST_F(RegistrationTest, R6_NestedTooDeep) {
  std::string deep = std::string(64, '[') + std::string(64, ']');
  EXPECT_VERDICT(VerifyError::kMalformedClientData,
                 Verify(WithClientDataText(DefaultClientData().SetRaw("extra", deep).ToString())));
}

TEST_F(RegistrationTest, R6_UnknownMembersAreIgnored) {
  std::string text = DefaultClientData().SetString("other_keys_can_be_added_here", "x").ToString();
  EXPECT_VERDICT(VerifyError::kOk, Verify(WithClientDataText(text)));
}

// ---- R7-R11: clientData contents ------------------------------------------

TEST_F(RegistrationTest, R7_TypeIsGet) {
  RegistrationOptions o;
  o.client_data.type = "webauthn.get";
  EXPECT_VERDICT(VerifyError::kTypeMismatch, Verify(o));
}

TEST_F(RegistrationTest, R7_TypeComparedExactly) {
  RegistrationOptions o;
  o.client_data.type = "Webauthn.create";
  EXPECT_VERDICT(VerifyError::kTypeMismatch, Verify(o));
}

TEST_F(RegistrationTest, R8_OtherChallenge) {
  RegistrationOptions o;
  o.client_data.challenge = "b3RoZXItY2hhbGxlbmdl";
  EXPECT_VERDICT(VerifyError::kChallengeMismatch, Verify(o));
}

TEST_F(RegistrationTest, R8_ChallengeWithPaddingMatches) {
  RegistrationOptions o;
  o.client_data.challenge = std::string(test::kChallenge) + "=";
  EXPECT_VERDICT(VerifyError::kOk, Verify(o));
}

TEST_F(RegistrationTest, R8_EmptyExpectedChallengeNeverMatches) {
  RegistrationOptions o;
  o.client_data.challenge = "";
  RegistrationExpectations e = Expectations();
  e.challenge = "";
  EXPECT_VERDICT(VerifyError::kChallengeMismatch, Verify(es256_.Register(o), e));
}

TEST_F(RegistrationTest, R9_OtherOrigin) {
  RegistrationOptions o;
  o.client_data.origin = "https://evil.example";
  EXPECT_VERDICT(VerifyError::kOriginMismatch, Verify(o));
}

TEST_F(RegistrationTest, R9_OriginComparedExactly) {
  for (const char* origin : {"http://example.org", "https://example.org:443",
                             "https://example.org/", "https://sub.example.org"}) {
    RegistrationOptions o;
    o.client_data.origin = origin;
    EXPECT_VERDICT(VerifyError::kOriginMismatch, Verify(o)) << origin;
  }
}

TEST_F(RegistrationTest, R10_CrossOriginNotExpected) {
  RegistrationOptions o;
  o.client_data.cross_origin = true;
  EXPECT_VERDICT(VerifyError::kCrossOriginNotAllowed, Verify(o));
}

TEST_F(RegistrationTest, R10_CrossOriginFalseIsFine) {
  RegistrationOptions o;
  o.client_data.cross_origin = false;
  EXPECT_VERDICT(VerifyError::kOk, Verify(o));
}

TEST_F(RegistrationTest, R10_CrossOriginExpected) {
  RegistrationOptions o;
  o.client_data.cross_origin = true;
  RelyingPartyConfig rp = DefaultRp();
  rp.cross_origin_allowed = true;
  EXPECT_VERDICT(VerifyError::kOk, Verify(es256_.Register(o), Expectations(), rp));
}

TEST_F(RegistrationTest, R11a_TopOriginAloneNeedsExpectedCrossOrigin) {
  RegistrationOptions o;
  o.client_data.top_origin = "https://example.com";
  RelyingPartyConfig rp = DefaultRp();
  rp.top_origins = {"https://example.com"};
  EXPECT_VERDICT(VerifyError::kCrossOriginNotAllowed,
                 Verify(es256_.Register(o), Expectations(), rp));
}

TEST_F(RegistrationTest, R11b_UnexpectedTopOrigin) {
  RegistrationOptions o;
  o.client_data.cross_origin = true;
  o.client_data.top_origin = "https://evil.example";
  RelyingPartyConfig rp = DefaultRp();
  rp.cross_origin_allowed = true;
  rp.top_origins = {"https://example.com"};
  EXPECT_VERDICT(VerifyError::kTopOriginMismatch, Verify(es256_.Register(o), Expectations(), rp));
}

TEST_F(RegistrationTest, R11b_ExpectedTopOrigin) {
  RegistrationOptions o;
  o.client_data.cross_origin = true;
  o.client_data.top_origin = "https://example.com";
  RelyingPartyConfig rp = DefaultRp();
  rp.cross_origin_allowed = true;
  rp.top_origins = {"https://example.com"};
  EXPECT_VERDICT(VerifyError::kOk, Verify(es256_.Register(o), Expectations(), rp));
}

}  // namespace
}  // namespace keystorm
