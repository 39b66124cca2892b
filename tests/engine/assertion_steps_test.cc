// §7.2 Verifying an Authentication Assertion, steps A3-A20: a known-good
// assertion per algorithm, then one mutated field per step with exactly that
// step's verdict.  Signatures (A21), counters (A22) and the returned update
// (A24) are in assertion_signature_test.cc.
#include <string>
#include <vector>

#include "assertion_fixture.h"

namespace keystorm {
namespace {

using test::AssertionOptions;
using test::CborValue;
using test::JsonObject;
using test::TestAuthenticator;

constexpr int64_t kAllAlgorithms[] = {-7,   -35,  -36,  -9,  -51, -52, -8,    -19,
                                      -257, -258, -259, -37, -38, -39, -65535};

class GoodAssertionTest : public AssertionTest, public ::testing::WithParamInterface<int64_t> {};

TEST_P(GoodAssertionTest, Passes) {
  TestAuthenticator auth(GetParam());
  EXPECT_VERDICT(VerifyError::kOk, Verify(auth.Assert(), Expectations(), auth.Record()));
}

TEST_P(GoodAssertionTest, PassesThroughTheJsonEnvelope) {
  TestAuthenticator auth(GetParam());
  test::Assertion assertion = auth.Assert();
  AuthenticationResponse parsed;
  ASSERT_EQ(ParseAuthenticationResponseJson(assertion.Json(), &scratch_, &parsed),
            VerifyError::kOk);
  EXPECT_EQ(parsed.raw_id, assertion.credential_id);
  EXPECT_EQ(parsed.signature, assertion.signature);
  EXPECT_EQ(parsed.user_handle, assertion.user_handle);
  test::TestCredentialRecord record = auth.Record();
  StoredCredential stored = record.View();
  Verifier verifier(DefaultRp());
  EXPECT_VERDICT(VerifyError::kOk,
                 verifier.VerifyAssertion(parsed, Expectations(), &stored, &scratch_, &update_));
}

INSTANTIATE_TEST_SUITE_P(EveryAlgorithm, GoodAssertionTest, ::testing::ValuesIn(kAllAlgorithms),
                         [](const ::testing::TestParamInfo<int64_t>& p) {
                           return std::string(CoseAlgorithmName(p.param));
                         });

// ---- A3: the JSON envelope ------------------------------------------------------

class AssertionEnvelopeTest : public AssertionTest {
 protected:
  VerifyError Parse(const JsonObject& envelope) {
    AuthenticationResponse out;
    return ParseAuthenticationResponseJson(envelope.ToString(), &scratch_, &out);
  }
  JsonObject envelope_ = es256_.Assert().Envelope();
};

TEST_F(AssertionEnvelopeTest, DefaultEnvelopeParses) {
  EXPECT_VERDICT(VerifyError::kOk, Parse(envelope_));
}

TEST_F(AssertionEnvelopeTest, MissingSignature) {
  envelope_.FindObject("response")->Remove("signature");
  EXPECT_VERDICT(VerifyError::kMalformedRequest, Parse(envelope_));
}

TEST_F(AssertionEnvelopeTest, MissingAuthenticatorData) {
  envelope_.FindObject("response")->Remove("authenticatorData");
  EXPECT_VERDICT(VerifyError::kMalformedRequest, Parse(envelope_));
}

TEST_F(AssertionEnvelopeTest, UserHandleNotBase64Url) {
  envelope_.FindObject("response")->SetString("userHandle", "a+b/");
  EXPECT_VERDICT(VerifyError::kMalformedRequest, Parse(envelope_));
}

TEST_F(AssertionEnvelopeTest, IdDiffersFromRawId) {
  EXPECT_VERDICT(VerifyError::kMalformedRequest, Parse(envelope_.SetString("rawId", "AAAA")));
}

TEST_F(AssertionEnvelopeTest, WrongCredentialType) {
  EXPECT_VERDICT(VerifyError::kMalformedRequest, Parse(envelope_.SetString("type", "public_key")));
}

TEST_F(AssertionEnvelopeTest, NullOrEmptyUserHandleMeansAbsent) {
  for (const char* value : {"null", "\"\""}) {
    envelope_.FindObject("response")->SetRaw("userHandle", value);
    AuthenticationResponse out;
    EXPECT_VERDICT(VerifyError::kOk,
                   ParseAuthenticationResponseJson(envelope_.ToString(), &scratch_, &out));
    EXPECT_FALSE(out.user_handle.has_value()) << value;
  }
}

// ---- A5: allowCredentials ----------------------------------------------------

TEST_F(AssertionTest, A5_CredentialNotInAllowList) {
  AssertionExpectations e = Expectations();
  e.allow_credentials = {Bytes(32, 0x01), Bytes(16, 0x02)};
  EXPECT_VERDICT(VerifyError::kCredentialNotAllowed, Verify(es256_.Assert(), e));
}

TEST_F(AssertionTest, A5_CredentialInAllowList) {
  AssertionExpectations e = Expectations();
  e.allow_credentials = {Bytes(32, 0x01), es256_.credential_id()};
  EXPECT_VERDICT(VerifyError::kOk, Verify(es256_.Assert(), e));
}

// ---- A6: identify the user and the credential record -------------------------

TEST_F(AssertionTest, A6_UnknownCredential) {
  Verifier verifier(DefaultRp());
  EXPECT_VERDICT(VerifyError::kUnknownCredential,
                 verifier.VerifyAssertion(es256_.Assert().Response(), Expectations(), nullptr,
                                          &scratch_, &update_));
}

// User identified before the ceremony: the account's user handle is known.
TEST_F(AssertionTest, A6_IdentifiedUserOwnsTheCredential) {
  AssertionExpectations e = Expectations();
  e.user_handle = es256_.user_handle();
  EXPECT_VERDICT(VerifyError::kOk, Verify(es256_.Assert(), e));
}

TEST_F(AssertionTest, A6_IdentifiedUserWithoutResponseUserHandle) {
  AssertionExpectations e = Expectations();
  e.user_handle = es256_.user_handle();
  AssertionOptions o;
  o.send_user_handle = false;
  EXPECT_VERDICT(VerifyError::kOk, Verify(es256_.Assert(o), e));
}

TEST_F(AssertionTest, A6_IdentifiedUserDoesNotOwnTheCredential) {
  AssertionExpectations e = Expectations();
  e.user_handle = Bytes(16, 0x77);  // another account
  AssertionOptions o;
  o.send_user_handle = false;
  EXPECT_VERDICT(VerifyError::kUserHandleMismatch, Verify(es256_.Assert(o), e));
}

TEST_F(AssertionTest, A6_IdentifiedUserResponseUserHandleDiffers) {
  AssertionExpectations e = Expectations();
  e.user_handle = es256_.user_handle();
  AssertionOptions o;
  o.user_handle = Bytes(16, 0x77);
  EXPECT_VERDICT(VerifyError::kUserHandleMismatch, Verify(es256_.Assert(o), e));
}

// Usernameless: the response's userHandle names the account.
TEST_F(AssertionTest, A6_UsernamelessMissingUserHandle) {
  AssertionOptions o;
  o.send_user_handle = false;
  EXPECT_VERDICT(VerifyError::kUserHandleMismatch, Verify(o));
}

TEST_F(AssertionTest, A6_UsernamelessEmptyUserHandle) {
  AssertionOptions o;
  o.user_handle = Bytes();
  EXPECT_VERDICT(VerifyError::kUserHandleMismatch, Verify(o));
}

TEST_F(AssertionTest, A6_UsernamelessWrongUserHandle) {
  AssertionOptions o;
  o.user_handle = Bytes(16, 0x77);
  EXPECT_VERDICT(VerifyError::kUserHandleMismatch, Verify(o));
}

// ---- A7: authenticatorData layout ---------------------------------------------

TEST_F(AssertionTest, A7_AuthDataTooShort) {
  AssertionOptions o;
  o.auth_data = es256_.Assert().authenticator_data;
  o.auth_data->pop_back();
  EXPECT_VERDICT(VerifyError::kMalformedAuthenticatorData, Verify(o));
}

TEST_F(AssertionTest, A7_LeftoverBytes) {
  AssertionOptions o;
  o.auth_data_trailing = {0x00};
  EXPECT_VERDICT(VerifyError::kMalformedAuthenticatorData, Verify(o));
}

TEST_F(AssertionTest, A7_AttestedDataFlagSet) {
  AssertionOptions o;
  o.flags |= kFlagAttestedData;
  o.attested = test::AttestedCredentialFields{test::kTestAaguid, es256_.credential_id(),
                                              es256_.credential_key().CoseKey()};
  EXPECT_VERDICT(VerifyError::kMalformedAuthenticatorData, Verify(o));
}

TEST_F(AssertionTest, A7_AttestedDataFlagSetWithoutData) {
  AssertionOptions o;
  o.flags |= kFlagAttestedData;
  EXPECT_VERDICT(VerifyError::kMalformedAuthenticatorData, Verify(o));
}

TEST_F(AssertionTest, A7_ExtensionFlagWithoutExtensions) {
  AssertionOptions o;
  o.flags |= kFlagExtensionData;
  EXPECT_VERDICT(VerifyError::kMalformedAuthenticatorData, Verify(o));
}

TEST_F(AssertionTest, A7_ExtensionsAccepted) {
  AssertionOptions o;
  o.flags |= kFlagExtensionData;
  o.extensions =
      CborValue::Map({{CborValue::TextString("credProtect"), CborValue::Int(1)}}).Encode();
  EXPECT_VERDICT(VerifyError::kOk, Verify(o));
}

TEST_F(AssertionTest, A7_ExtensionsNotCanonical) {
  AssertionOptions o;
  o.flags |= kFlagExtensionData;
  o.extensions = CborValue::Map({{CborValue::TextString("hmac-secret"), CborValue::Boolean(true)},
                                 {CborValue::TextString("credProtect"), CborValue::Int(1)}})
                     .Encode();
  EXPECT_VERDICT(VerifyError::kMalformedCbor, Verify(o));
}

// ---- A8-A9: clientDataJSON decoding ------------------------------------------

JsonObject DefaultClientData() {
  JsonObject c;
  c.SetString("type", "webauthn.get");
  c.SetString("challenge", test::kChallenge);
  c.SetString("origin", test::kOrigin);
  return c;
}

AssertionOptions WithClientDataText(std::string text) {
  AssertionOptions o;
  o.client_data.raw = std::move(text);
  return o;
}

TEST_F(AssertionTest, A8_InvalidUtf8) {
  std::string text = DefaultClientData().SetRaw("extra", "\"\xc3\x28\"").ToString();
  EXPECT_VERDICT(VerifyError::kMalformedClientData, Verify(WithClientDataText(text)));
}

TEST_F(AssertionTest, A8_LeadingByteOrderMarkIsStripped) {
  EXPECT_VERDICT(VerifyError::kOk,
                 Verify(WithClientDataText("\xEF\xBB\xBF" + DefaultClientData().ToString())));
}

TEST_F(AssertionTest, A9_NotJson) {
  EXPECT_VERDICT(VerifyError::kMalformedClientData, Verify(WithClientDataText("{\"type\":")));
}

TEST_F(AssertionTest, A9_DuplicateMember) {
  std::string text = DefaultClientData().AppendRaw("origin", "\"https://evil.example\"").ToString();
  EXPECT_VERDICT(VerifyError::kMalformedClientData, Verify(WithClientDataText(text)));
}

TEST_F(AssertionTest, A9_MissingType) {
  EXPECT_VERDICT(VerifyError::kMalformedClientData,
                 Verify(WithClientDataText(DefaultClientData().Remove("type").ToString())));
}

TEST_F(AssertionTest, A9_TopOriginNotAString) {
  std::string text = DefaultClientData().SetRaw("topOrigin", "true").ToString();
  EXPECT_VERDICT(VerifyError::kMalformedClientData, Verify(WithClientDataText(text)));
}

// ---- A10-A14: clientData contents ----------------------------------------------

TEST_F(AssertionTest, A10_TypeIsCreate) {
  AssertionOptions o;
  o.client_data.type = "webauthn.create";
  EXPECT_VERDICT(VerifyError::kTypeMismatch, Verify(o));
}

TEST_F(AssertionTest, A11_OtherChallenge) {
  AssertionOptions o;
  o.client_data.challenge = "b3RoZXItY2hhbGxlbmdl";
  EXPECT_VERDICT(VerifyError::kChallengeMismatch, Verify(o));
}

TEST_F(AssertionTest, A11_ChallengeDiffersInLastCharacter) {
  AssertionOptions o;
  o.client_data.challenge = test::kChallenge;
  o.client_data.challenge.back() = 'N';
  EXPECT_VERDICT(VerifyError::kChallengeMismatch, Verify(o));
}

TEST_F(AssertionTest, A12_OtherOrigin) {
  AssertionOptions o;
  o.client_data.origin = "https://example.org.evil.example";
  EXPECT_VERDICT(VerifyError::kOriginMismatch, Verify(o));
}

TEST_F(AssertionTest, A12_SecondConfiguredOrigin) {
  AssertionOptions o;
  o.client_data.origin = "https://login.example.org";
  RelyingPartyConfig rp = DefaultRp();
  rp.origins.push_back("https://login.example.org");
  EXPECT_VERDICT(VerifyError::kOk, Verify(es256_.Assert(o), Expectations(), record_, rp));
}

TEST_F(AssertionTest, A13_CrossOriginNotExpected) {
  AssertionOptions o;
  o.client_data.cross_origin = true;
  EXPECT_VERDICT(VerifyError::kCrossOriginNotAllowed, Verify(o));
}

TEST_F(AssertionTest, A13_CrossOriginExpected) {
  AssertionOptions o;
  o.client_data.cross_origin = true;
  RelyingPartyConfig rp = DefaultRp();
  rp.cross_origin_allowed = true;
  EXPECT_VERDICT(VerifyError::kOk, Verify(es256_.Assert(o), Expectations(), record_, rp));
}

TEST_F(AssertionTest, A14a_TopOriginWithoutExpectedCrossOrigin) {
  AssertionOptions o;
  o.client_data.top_origin = "https://example.com";
  RelyingPartyConfig rp = DefaultRp();
  rp.top_origins = {"https://example.com"};
  EXPECT_VERDICT(VerifyError::kCrossOriginNotAllowed,
                 Verify(es256_.Assert(o), Expectations(), record_, rp));
}

TEST_F(AssertionTest, A14b_UnexpectedTopOrigin) {
  AssertionOptions o;
  o.client_data.cross_origin = true;
  o.client_data.top_origin = "https://evil.example";
  RelyingPartyConfig rp = DefaultRp();
  rp.cross_origin_allowed = true;
  rp.top_origins = {"https://example.com"};
  EXPECT_VERDICT(VerifyError::kTopOriginMismatch,
                 Verify(es256_.Assert(o), Expectations(), record_, rp));
}

TEST_F(AssertionTest, A14b_ExpectedTopOrigin) {
  AssertionOptions o;
  o.client_data.cross_origin = true;
  o.client_data.top_origin = "https://example.com";
  RelyingPartyConfig rp = DefaultRp();
  rp.cross_origin_allowed = true;
  rp.top_origins = {"https://example.com"};
  EXPECT_VERDICT(VerifyError::kOk, Verify(es256_.Assert(o), Expectations(), record_, rp));
}

// ---- A15-A18: rpIdHash and flags -------------------------------------------------

TEST_F(AssertionTest, A15_OtherRpId) {
  AssertionOptions o;
  o.rp_id = "example.com";
  EXPECT_VERDICT(VerifyError::kRpIdMismatch, Verify(o));
}

TEST_F(AssertionTest, A15_RegistrableSuffixIsNotTheRpId) {
  AssertionOptions o;
  o.rp_id = "org";
  EXPECT_VERDICT(VerifyError::kRpIdMismatch, Verify(o));
}

TEST_F(AssertionTest, A16_UserNotPresent) {
  AssertionOptions o;
  o.flags &= ~kFlagUserPresent;
  EXPECT_VERDICT(VerifyError::kUserNotPresent, Verify(o));
}

// R15's exception (conditional create) has no A16 counterpart: the
// registration-only switch must not let an assertion through without UP
// (CTAP2 getAssertion with up=false yields such assertions without a touch).
TEST_F(AssertionTest, A16_PresenceRequiredEvenWithRegistrationSwitchOff) {
  AssertionOptions o;
  o.flags &= ~kFlagUserPresent;
  AssertionExpectations e = Expectations();
  e.requirements.user_presence_required = false;
  EXPECT_VERDICT(VerifyError::kUserNotPresent, Verify(es256_.Assert(o), e));
}

TEST_F(AssertionTest, A17_UserVerificationRequired) {
  AssertionOptions o;
  o.flags &= ~kFlagUserVerified;
  AssertionExpectations e = Expectations();
  e.requirements.user_verification_required = true;
  EXPECT_VERDICT(VerifyError::kUserNotVerified, Verify(es256_.Assert(o), e));
}

TEST_F(AssertionTest, A17_UserVerificationNotRequiredIsIgnored) {
  AssertionOptions o;
  o.flags &= ~kFlagUserVerified;
  EXPECT_VERDICT(VerifyError::kOk, Verify(o));
  EXPECT_FALSE(update_.user_verified);
}

TEST_F(AssertionTest, A18_BackupStateWithoutEligibility) {
  AssertionOptions o;
  o.flags |= kFlagBackupState;
  EXPECT_VERDICT(VerifyError::kBackupStateInvalid, Verify(o));
}

// ---- A19: backup eligibility must not change --------------------------------------

TEST_F(AssertionTest, A19_EligibilityLost) {
  record_.backup_eligible = true;
  EXPECT_VERDICT(VerifyError::kBackupEligibilityChanged, Verify(AssertionOptions()));
}

TEST_F(AssertionTest, A19_EligibilityGained) {
  AssertionOptions o;
  o.flags |= kFlagBackupEligible;
  EXPECT_VERDICT(VerifyError::kBackupEligibilityChanged, Verify(o));
}

TEST_F(AssertionTest, A19_EligibilityUnchanged) {
  record_.backup_eligible = true;
  AssertionOptions o;
  o.flags |= kFlagBackupEligible | kFlagBackupState;
  EXPECT_VERDICT(VerifyError::kOk, Verify(o));
}

TEST_F(AssertionTest, A19_UpgradePolicyToleratesGain) {
  AssertionOptions o;
  o.flags |= kFlagBackupEligible;
  AssertionExpectations e = Expectations();
  e.requirements.allow_backup_eligibility_upgrade = true;
  EXPECT_VERDICT(VerifyError::kOk, Verify(es256_.Assert(o), e));
}

TEST_F(AssertionTest, A19_UpgradePolicyStillRejectsLoss) {
  record_.backup_eligible = true;
  AssertionExpectations e = Expectations();
  e.requirements.allow_backup_eligibility_upgrade = true;
  EXPECT_VERDICT(VerifyError::kBackupEligibilityChanged, Verify(es256_.Assert(), e));
}

TEST_F(AssertionTest, A19_SyncedPasskeyRefusedByPolicy) {
  record_.backup_eligible = true;
  AssertionOptions o;
  o.flags |= kFlagBackupEligible | kFlagBackupState;
  AssertionExpectations e = Expectations();
  e.requirements.allow_backup_eligible = false;
  EXPECT_VERDICT(VerifyError::kPolicyDenied, Verify(es256_.Assert(o), e));
}

TEST_F(AssertionTest, A19_StoredAaguidDeniedSinceRegistration) {
  record_.aaguid = test::kTestAaguid;
  AssertionExpectations e = Expectations();
  e.requirements.denied_aaguids = {test::kTestAaguid};
  EXPECT_VERDICT(VerifyError::kPolicyDenied, Verify(es256_.Assert(), e));
  e.requirements.denied_aaguids.clear();
  e.requirements.allowed_aaguids = {test::kTestAaguid};
  EXPECT_VERDICT(VerifyError::kOk, Verify(es256_.Assert(), e));
}

// ---- A20-A21 prelude: the stored algorithm under the current policy ---------------

TEST_F(AssertionTest, A21_StoredAlgorithmNoLongerOffered) {
  AssertionExpectations e = Expectations();
  e.requirements.allowed_algorithms = {-8};
  EXPECT_VERDICT(VerifyError::kAlgorithmNotAllowed, Verify(es256_.Assert(), e));
}

TEST_F(AssertionTest, A21_Rs1ForbiddenByPolicy) {
  TestAuthenticator rs1(static_cast<int64_t>(CoseAlgorithm::kRS1));
  AssertionExpectations e = Expectations();
  e.requirements.allow_rs1 = false;
  EXPECT_VERDICT(VerifyError::kAlgorithmNotAllowed, Verify(rs1.Assert(), e, rs1.Record()));
}

}  // namespace
}  // namespace keystorm
