// ParseRegistrationResponseJson / ParseAuthenticationResponseJson
// (webauthn_json.h): the envelope checks of R3/A3.
#include "keystorm/webauthn_json.h"

#include <gtest/gtest.h>

#include <string>

#include "keystorm/base64url.h"
#include "parsers_test_util.h"

namespace keystorm {
namespace {

// base64url of "cred" is "Y3JlZA"; of "cdj" "Y2Rq"; of "att" "YXR0";
// of "auth" "YXV0aA"; of "sig" "c2ln"; of "user" "dXNlcg".
constexpr std::string_view kRegistration = R"({
  "id": "Y3JlZA", "rawId": "Y3JlZA", "type": "public-key",
  "response": {"clientDataJSON": "Y2Rq", "attestationObject": "YXR0", "transports": ["usb", "nfc"]},
  "clientExtensionResults": {"credProps": {"rk": true}},
  "authenticatorAttachment": "cross-platform"
})";

constexpr std::string_view kAuthentication = R"({
  "id": "Y3JlZA", "rawId": "Y3JlZA", "type": "public-key",
  "response": {"clientDataJSON": "Y2Rq", "authenticatorData": "YXV0aA", "signature": "c2ln",
               "userHandle": "dXNlcg"},
  "clientExtensionResults": {},
  "authenticatorAttachment": "platform"
})";

Bytes B(std::string_view s) { return Bytes(s.begin(), s.end()); }

// `json` with the first occurrence of `from` replaced by `to`.
std::string Replace(std::string_view json, std::string_view from, std::string_view to) {
  std::string s(json);
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

class WebAuthnJsonTest : public ::testing::Test {
 protected:
  VerifyError Reg(std::string_view json) { return ParseRegistrationResponseJson(json, &scratch_, &reg_); }
  VerifyError Auth(std::string_view json) { return ParseAuthenticationResponseJson(json, &scratch_, &auth_); }

  JsonScratch scratch_;
  RegistrationResponse reg_;
  AuthenticationResponse auth_;
};

// ---- Registration ---------------------------------------------------------------

TEST_F(WebAuthnJsonTest, RegistrationDecodesEveryMember) {
  ASSERT_EQ(Reg(kRegistration), VerifyError::kOk);
  EXPECT_EQ(reg_.raw_id, B("cred"));
  EXPECT_EQ(reg_.client_data_json, B("cdj"));
  EXPECT_EQ(reg_.attestation_object, B("att"));
  EXPECT_EQ(reg_.transports, (std::vector<std::string>{"usb", "nfc"}));
  EXPECT_EQ(reg_.authenticator_attachment, "cross-platform");
}

TEST_F(WebAuthnJsonTest, RegistrationOptionalMembersMayBeAbsent) {
  ASSERT_EQ(Reg(R"({"id":"Y3JlZA","type":"public-key","response":{"clientDataJSON":"Y2Rq","attestationObject":"YXR0"}})"),
            VerifyError::kOk);
  EXPECT_EQ(reg_.raw_id, B("cred"));  // from id when rawId is absent
  EXPECT_TRUE(reg_.transports.empty());
  EXPECT_TRUE(reg_.authenticator_attachment.empty());
  ASSERT_EQ(Reg(Replace(kRegistration, R"("cross-platform")", "null")), VerifyError::kOk);
  EXPECT_TRUE(reg_.authenticator_attachment.empty());
  // The conformance tool's spelling of the extension results.
  ASSERT_EQ(Reg(Replace(kRegistration, "\"clientExtensionResults\"", "\"getClientExtensionResults\"")),
            VerifyError::kOk);
  // Padding is tolerated in binary members.
  ASSERT_EQ(Reg(Replace(kRegistration, R"("id": "Y3JlZA")", R"("id": "Y3JlZA==")")), VerifyError::kOk);
  EXPECT_EQ(reg_.raw_id, B("cred"));
}

TEST_F(WebAuthnJsonTest, RegistrationMissingMembersAreMalformed) {
  const char* required[] = {R"("id": "Y3JlZA", )", R"("type": "public-key",)",
                            R"("clientDataJSON": "Y2Rq", )", R"("attestationObject": "YXR0", )"};
  for (const char* member : required) {
    EXPECT_EQ(Reg(Replace(kRegistration, member, "")), VerifyError::kMalformedRequest) << member;
  }
  std::string no_response = R"({"id":"Y3JlZA","rawId":"Y3JlZA","type":"public-key"})";
  EXPECT_EQ(Reg(no_response), VerifyError::kMalformedRequest);
  // An authentication response is not a registration response.
  EXPECT_EQ(Reg(kAuthentication), VerifyError::kMalformedRequest);
}

TEST_F(WebAuthnJsonTest, RegistrationWrongTypesAreMalformed) {
  const std::pair<const char*, const char*> cases[] = {
      {R"("id": "Y3JlZA")", R"("id": 1)"},
      {R"("rawId": "Y3JlZA")", R"("rawId": null)"},
      {R"("type": "public-key")", R"("type": ["public-key"])"},
      {R"("clientDataJSON": "Y2Rq")", R"("clientDataJSON": {"a": 1})"},
      {R"("attestationObject": "YXR0")", R"("attestationObject": 7)"},
      {R"(["usb", "nfc"])", R"("usb")"},
      {R"(["usb", "nfc"])", R"(["usb", 1])"},
      {R"({"credProps": {"rk": true}})", R"([])"},
      {R"({"credProps": {"rk": true}})", R"("none")"},
      {R"("cross-platform")", R"(1)"},
  };
  for (const auto& [from, to] : cases) {
    EXPECT_EQ(Reg(Replace(kRegistration, from, to)), VerifyError::kMalformedRequest) << to;
  }
  std::string response_not_object = Replace(kRegistration, R"({"clientDataJSON")", R"([{"clientDataJSON")");
  response_not_object = Replace(response_not_object, R"("nfc"]})", R"("nfc"]}])");
  EXPECT_EQ(Reg(response_not_object), VerifyError::kMalformedRequest);
}

TEST_F(WebAuthnJsonTest, IdMustEqualRawId) {
  EXPECT_EQ(Reg(Replace(kRegistration, R"("rawId": "Y3JlZA")", R"("rawId": "Y3JlZQ")")),
            VerifyError::kMalformedRequest);
  EXPECT_EQ(Reg(Replace(kRegistration, R"("rawId": "Y3JlZA")", R"("rawId": "")")), VerifyError::kMalformedRequest);
  // "Y3JlZB" differs from "Y3JlZA" only in unused low bits: the same bytes.
  EXPECT_EQ(Reg(Replace(kRegistration, R"("rawId": "Y3JlZA")", R"("rawId": "Y3JlZB")")), VerifyError::kOk);
  // Different text for the same bytes is the same credential ("Zg" and "Zh"
  // both decode to "f").
  std::string same = Replace(Replace(kRegistration, R"("id": "Y3JlZA")", R"("id": "Zg")"), R"("rawId": "Y3JlZA")",
                             R"("rawId": "Zh")");
  ASSERT_EQ(Reg(same), VerifyError::kOk);
  EXPECT_EQ(reg_.raw_id, B("f"));
}

TEST_F(WebAuthnJsonTest, TypeMustBePublicKey) {
  for (const char* type : {R"("Public-Key")", R"("public-key ")", R"("")", R"("password")"}) {
    EXPECT_EQ(Reg(Replace(kRegistration, R"("public-key")", type)), VerifyError::kMalformedRequest) << type;
  }
}

TEST_F(WebAuthnJsonTest, BadBase64UrlIsMalformed) {
  const std::pair<const char*, const char*> cases[] = {
      {R"("id": "Y3JlZA", "rawId": "Y3JlZA")", R"("id": "Y3J+ZA", "rawId": "Y3J+ZA")"},
      {R"("id": "Y3JlZA", "rawId": "Y3JlZA")", R"("id": "Y3J/ZA", "rawId": "Y3J/ZA")"},
      {R"("clientDataJSON": "Y2Rq")", R"("clientDataJSON": "Y2Rqa")"},
      {R"("clientDataJSON": "Y2Rq")", R"("clientDataJSON": "Y2Rq=")"},
      {R"("attestationObject": "YXR0")", R"("attestationObject": "YX R0")"},
      {R"("attestationObject": "YXR0")", R"("attestationObject": "YXR0\n")"},
      {R"("attestationObject": "YXR0")", R"("attestationObject": "Y")"},
  };
  for (const auto& [from, to] : cases) {
    EXPECT_EQ(Reg(Replace(kRegistration, from, to)), VerifyError::kMalformedRequest) << to;
  }
}

TEST_F(WebAuthnJsonTest, DuplicateMembersAreMalformed) {
  EXPECT_EQ(Reg(Replace(kRegistration, R"("type": "public-key",)", R"("type": "public-key", "type": "public-key",)")),
            VerifyError::kMalformedRequest);
  EXPECT_EQ(Reg(Replace(kRegistration, R"("clientDataJSON": "Y2Rq",)",
                        R"("clientDataJSON": "Y2Rq", "clientDataJSON": "Y2Rq",)")),
            VerifyError::kMalformedRequest);
  EXPECT_EQ(Reg(Replace(kRegistration, R"({"rk": true})", R"({"rk": true, "rk": false})")),
            VerifyError::kMalformedRequest);
}

TEST_F(WebAuthnJsonTest, DocumentMustBeOneJsonObject) {
  for (std::string_view bad : {std::string_view(""), std::string_view("[]"), std::string_view("null"),
                               std::string_view("{"), std::string_view("\"x\"")}) {
    EXPECT_EQ(Reg(bad), VerifyError::kMalformedRequest) << bad;
    EXPECT_EQ(Auth(bad), VerifyError::kMalformedRequest) << bad;
  }
  EXPECT_EQ(Reg(std::string(kRegistration) + "x"), VerifyError::kMalformedRequest);
  EXPECT_EQ(Reg(std::string(kRegistration) + "{}"), VerifyError::kMalformedRequest);
  std::string bad_utf8 = Replace(kRegistration, "cross-platform", "cross-\xff-platform");
  EXPECT_EQ(Reg(bad_utf8), VerifyError::kMalformedRequest);
}

// ---- Authentication -----------------------------------------------------------

TEST_F(WebAuthnJsonTest, AuthenticationDecodesEveryMember) {
  ASSERT_EQ(Auth(kAuthentication), VerifyError::kOk);
  EXPECT_EQ(auth_.raw_id, B("cred"));
  EXPECT_EQ(auth_.client_data_json, B("cdj"));
  EXPECT_EQ(auth_.authenticator_data, B("auth"));
  EXPECT_EQ(auth_.signature, B("sig"));
  ASSERT_TRUE(auth_.user_handle.has_value());
  EXPECT_EQ(*auth_.user_handle, B("user"));
  EXPECT_EQ(auth_.authenticator_attachment, "platform");
}

TEST_F(WebAuthnJsonTest, UserHandleAbsentNullEmptyOrValue) {
  ASSERT_EQ(Auth(Replace(kAuthentication, R"("userHandle": "dXNlcg")", R"("other": 1)")), VerifyError::kOk);
  EXPECT_FALSE(auth_.user_handle.has_value());
  ASSERT_EQ(Auth(Replace(kAuthentication, R"("dXNlcg")", "null")), VerifyError::kOk);
  EXPECT_FALSE(auth_.user_handle.has_value());
  // The conformance tool sends "" for "no user handle".
  ASSERT_EQ(Auth(Replace(kAuthentication, R"("dXNlcg")", R"("")")), VerifyError::kOk);
  EXPECT_FALSE(auth_.user_handle.has_value());
  ASSERT_EQ(Auth(Replace(kAuthentication, R"("dXNlcg")", R"("AA")")), VerifyError::kOk);
  ASSERT_TRUE(auth_.user_handle.has_value());
  EXPECT_EQ(*auth_.user_handle, Bytes{0x00});
  for (const char* bad : {"1", "true", "[]", "{}", R"("dXN+cg")", R"("d")"}) {
    EXPECT_EQ(Auth(Replace(kAuthentication, R"("dXNlcg")", bad)), VerifyError::kMalformedRequest) << bad;
  }
}

TEST_F(WebAuthnJsonTest, AuthenticationMissingOrMistypedMembersAreMalformed) {
  for (const char* member : {R"("clientDataJSON": "Y2Rq", )", R"("authenticatorData": "YXV0aA", )",
                             R"("signature": "c2ln",)"}) {
    EXPECT_EQ(Auth(Replace(kAuthentication, member, "")), VerifyError::kMalformedRequest) << member;
  }
  EXPECT_EQ(Auth(Replace(kAuthentication, R"("signature": "c2ln")", R"("signature": null)")),
            VerifyError::kMalformedRequest);
  EXPECT_EQ(Auth(Replace(kAuthentication, R"("authenticatorData": "YXV0aA")", R"("authenticatorData": "YXV0a")")),
            VerifyError::kMalformedRequest);
  EXPECT_EQ(Auth(Replace(kAuthentication, R"("rawId": "Y3JlZA")", R"("rawId": "Y3JlZQ")")),
            VerifyError::kMalformedRequest);
  EXPECT_EQ(Auth(Replace(kAuthentication, R"("public-key")", R"("public_key")")), VerifyError::kMalformedRequest);
  EXPECT_EQ(Auth(Replace(kAuthentication, R"("signature": "c2ln",)", R"("signature": "c2ln", "signature": "c2ln",)")),
            VerifyError::kMalformedRequest);
  EXPECT_EQ(Auth(kRegistration), VerifyError::kMalformedRequest);
}

TEST_F(WebAuthnJsonTest, ScratchIsReusedAndOutputsOwnTheirBytes) {
  ASSERT_EQ(Auth(kAuthentication), VerifyError::kOk);
  AuthenticationResponse first = auth_;
  ASSERT_EQ(Reg(kRegistration), VerifyError::kOk);
  ASSERT_EQ(Auth(Replace(kAuthentication, R"("c2ln")", R"("c2lnMg")")), VerifyError::kOk);
  EXPECT_EQ(first.signature, B("sig"));
  EXPECT_EQ(auth_.signature, B("sig2"));
  EXPECT_EQ(reg_.attestation_object, B("att"));
}

}  // namespace
}  // namespace keystorm
