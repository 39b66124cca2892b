// §7.1 Registering a New Credential: a known-good ceremony per algorithm and
// attestation shape, then one mutated field per step with exactly that
// step's verdict.  This file covers R13-R17, R20 and R25; the envelope and
// clientDataJSON (R3, R5-R11), attestation (R21-R24) and COSE key errors
// have their own files.
#include <string>
#include <vector>

#include "registration_fixture.h"

namespace keystorm {
namespace {

using test::AttestationShape;
using test::CborValue;
using test::RegistrationOptions;
using test::TestAuthenticator;

constexpr int64_t kAllAlgorithms[] = {-7,   -35,  -36,  -9,  -51, -52, -8,    -19,
                                      -257, -258, -259, -37, -38, -39, -65535};

struct GoodCase {
  int64_t alg;
  AttestationShape shape;
};

std::vector<GoodCase> GoodCases() {
  std::vector<GoodCase> cases;
  for (int64_t alg : kAllAlgorithms) {
    for (AttestationShape shape :
         {AttestationShape::kNone, AttestationShape::kPackedSelf, AttestationShape::kPackedFull}) {
      cases.push_back({alg, shape});
    }
  }
  // fido-u2f carries only a P-256 credential key.
  cases.push_back({-7, AttestationShape::kFidoU2f});
  cases.push_back({-9, AttestationShape::kFidoU2f});
  return cases;
}

class GoodRegistrationTest : public RegistrationTest,
                             public ::testing::WithParamInterface<GoodCase> {};

TEST_P(GoodRegistrationTest, PassesAndReturnsTheCredentialRecord) {
  TestAuthenticator auth(GetParam().alg);
  RegistrationOptions o;
  o.attestation = GetParam().shape;
  o.flags |= kFlagBackupEligible;
  o.sign_count = 7;
  test::Registration reg = auth.Register(o);
  EXPECT_VERDICT(VerifyError::kOk, Verify(reg));

  // R27: the record holds exactly what the authenticator sent.
  EXPECT_EQ(credential_.id, auth.credential_id());
  EXPECT_EQ(credential_.public_key_cose, auth.credential_key().CoseKey());
  EXPECT_EQ(credential_.algorithm, GetParam().alg);
  EXPECT_EQ(credential_.sign_count, 7u);
  EXPECT_TRUE(credential_.uv_initialized);
  EXPECT_TRUE(credential_.backup_eligible);
  EXPECT_FALSE(credential_.backup_state);
  EXPECT_EQ(credential_.transports, std::vector<std::string>{"usb"});
  EXPECT_FALSE(credential_.attestation_trusted);  // no anchors configured
  switch (GetParam().shape) {
    case AttestationShape::kNone:
      EXPECT_EQ(credential_.attestation_format, "none");
      EXPECT_EQ(credential_.attestation_type, AttestationType::kNone);
      EXPECT_TRUE(credential_.attestation_trust_path.empty());
      break;
    case AttestationShape::kPackedSelf:
      EXPECT_EQ(credential_.attestation_format, "packed");
      EXPECT_EQ(credential_.attestation_type, AttestationType::kSelf);
      EXPECT_EQ(credential_.aaguid, test::kTestAaguid);
      break;
    case AttestationShape::kPackedFull:
    case AttestationShape::kFidoU2f:
      EXPECT_EQ(credential_.attestation_type, AttestationType::kBasic);
      EXPECT_EQ(credential_.attestation_trust_path, reg.x5c);
      break;
  }
}

// The same ceremony through the W3C JSON envelope (R3), as a server gets it.
TEST_P(GoodRegistrationTest, PassesThroughTheJsonEnvelope) {
  TestAuthenticator auth(GetParam().alg);
  RegistrationOptions o;
  o.attestation = GetParam().shape;
  test::Registration reg = auth.Register(o);
  RegistrationResponse parsed;
  ASSERT_EQ(ParseRegistrationResponseJson(reg.Json(), &scratch_, &parsed), VerifyError::kOk);
  EXPECT_EQ(parsed.raw_id, reg.credential_id);
  EXPECT_EQ(parsed.attestation_object, reg.attestation_object);
  Verifier verifier(DefaultRp());
  EXPECT_VERDICT(VerifyError::kOk,
                 verifier.VerifyRegistration(parsed, Expectations(), &scratch_, &credential_));
}

INSTANTIATE_TEST_SUITE_P(EveryAlgorithmAndShape, GoodRegistrationTest,
                         ::testing::ValuesIn(GoodCases()),
                         [](const ::testing::TestParamInfo<GoodCase>& p) {
                           return std::string(CoseAlgorithmName(p.param.alg)) + "_" +
                                  std::string(test::AttestationShapeName(p.param.shape));
                         });

// ---- R13: CBOR of the attestationObject -----------------------------------

CborValue Text(std::string_view s) { return CborValue::TextString(s); }

TEST_F(RegistrationTest, R13_DuplicateKeyInAttestationObject) {
  RegistrationOptions o;
  o.edit_attestation_object = [](CborValue* m) {
    m->pairs().emplace_back(Text("fmt"), Text("none"));
  };
  EXPECT_VERDICT(VerifyError::kMalformedCbor, Verify(o));
}

TEST_F(RegistrationTest, R13_IndefiniteLengthMap) {
  test::Registration reg = es256_.Register();
  ASSERT_EQ(reg.attestation_object[0], 0xA3);  // map(3)
  reg.attestation_object[0] = 0xBF;            // map(*)
  reg.attestation_object.push_back(0xFF);      // break
  EXPECT_VERDICT(VerifyError::kMalformedCbor, Verify(reg));
}

TEST_F(RegistrationTest, R13_IndefiniteLengthByteString) {
  RegistrationOptions o;
  Bytes auth_data = es256_.Register().authenticator_data;
  Bytes chunked = {0x5F};  // bytes(*)
  Bytes head = test::CborShortestHead(2, auth_data.size());
  chunked.insert(chunked.end(), head.begin(), head.end());
  chunked.insert(chunked.end(), auth_data.begin(), auth_data.end());
  chunked.push_back(0xFF);
  o.edit_attestation_object = [&](CborValue* m) {
    m->Set(Text("authData"), CborValue::Raw(chunked));
  };
  EXPECT_VERDICT(VerifyError::kMalformedCbor, Verify(o));
}

TEST_F(RegistrationTest, R13_NonShortestMapHead) {
  test::Registration reg = es256_.Register();
  ASSERT_EQ(reg.attestation_object[0], 0xA3);
  reg.attestation_object[0] = 0xB8;  // map, 1-byte count follows
  reg.attestation_object.insert(reg.attestation_object.begin() + 1, 0x03);
  EXPECT_VERDICT(VerifyError::kMalformedCbor, Verify(reg));
}

TEST_F(RegistrationTest, R13_NonShortestIntegerInAttStmt) {
  RegistrationOptions o;
  o.attestation = AttestationShape::kPackedSelf;
  // -7 as 0x38 0x06 instead of 0x26.
  o.edit_att_stmt = [](CborValue* s) {
    s->Set(Text("alg"), CborValue::Raw(test::CborHead(1, 6, 1)));
  };
  EXPECT_VERDICT(VerifyError::kMalformedCbor, Verify(o));
}

TEST_F(RegistrationTest, R13_NonShortestTextLength) {
  RegistrationOptions o;
  Bytes fmt_key = test::CborHead(3, 3, 1);  // text(3) with a 1-byte length
  fmt_key.insert(fmt_key.end(), {'f', 'm', 't'});
  o.edit_attestation_object = [&](CborValue* m) { m->pairs()[0].first = CborValue::Raw(fmt_key); };
  EXPECT_VERDICT(VerifyError::kMalformedCbor, Verify(o));
}

TEST_F(RegistrationTest, R13_TrailingBytesAfterAttestationObject) {
  RegistrationOptions o;
  o.attestation_object_trailing = {0x00};
  EXPECT_VERDICT(VerifyError::kMalformedCbor, Verify(o));
}

TEST_F(RegistrationTest, R13_AttestationObjectNotAMap) {
  RegistrationOptions o;
  o.attestation_object = CborValue::Array({Text("none")}).Encode();
  EXPECT_VERDICT(VerifyError::kMalformedCbor, Verify(o));
}

TEST_F(RegistrationTest, R13_MissingFmt) {
  RegistrationOptions o;
  o.edit_attestation_object = [](CborValue* m) { m->Remove(Text("fmt")); };
  EXPECT_VERDICT(VerifyError::kMalformedCbor, Verify(o));
}

TEST_F(RegistrationTest, R13_AuthDataNotAByteString) {
  RegistrationOptions o;
  o.edit_attestation_object = [](CborValue* m) { m->Set(Text("authData"), Text("authData")); };
  EXPECT_VERDICT(VerifyError::kMalformedCbor, Verify(o));
}

TEST_F(RegistrationTest, R13_AttStmtNotAMap) {
  RegistrationOptions o;
  o.edit_attestation_object = [](CborValue* m) { m->Set(Text("attStmt"), CborValue::Array({})); };
  EXPECT_VERDICT(VerifyError::kMalformedCbor, Verify(o));
}

// SCHEMA.md: the outer map and attStmt key order is NOT enforced, because
// real authenticators (Security Key by Yubico: fmt, authData, attStmt) break it.
TEST_F(RegistrationTest, R13_NonCanonicalOuterKeyOrderAccepted) {
  RegistrationOptions o;
  o.edit_attestation_object = [](CborValue* m) { std::swap(m->pairs()[1], m->pairs()[2]); };
  EXPECT_VERDICT(VerifyError::kOk, Verify(o));
}

TEST_F(RegistrationTest, R13_NonCanonicalAttStmtKeyOrderAccepted) {
  RegistrationOptions o;
  o.attestation = AttestationShape::kPackedSelf;
  o.edit_att_stmt = [](CborValue* s) { std::swap(s->pairs()[0], s->pairs()[1]); };  // sig, alg
  EXPECT_VERDICT(VerifyError::kOk, Verify(o));
}

// ---- R13: the COSE_Key and extensions inside authData must be canonical ---

TEST_F(RegistrationTest, R13_NonCanonicalCoseKeyOrder) {
  RegistrationOptions o;
  o.edit_cose_key = [](CborValue* k) {
    std::swap(k->pairs()[0], k->pairs()[1]);
  };  // alg before kty
  EXPECT_VERDICT(VerifyError::kMalformedCbor, Verify(o));
}

TEST_F(RegistrationTest, R13_DuplicateCoseKeyLabel) {
  RegistrationOptions o;
  o.edit_cose_key = [](CborValue* k) {
    k->pairs().emplace_back(CborValue::Int(-3), CborValue::Int(0));
  };
  EXPECT_VERDICT(VerifyError::kMalformedCbor, Verify(o));
}

TEST_F(RegistrationTest, R13_NonShortestIntegerInCoseKey) {
  RegistrationOptions o;
  o.edit_cose_key = [](CborValue* k) {
    k->Set(CborValue::Int(1), CborValue::Raw(test::CborHead(0, 2, 1)));
  };
  EXPECT_VERDICT(VerifyError::kMalformedCbor, Verify(o));
}

TEST_F(RegistrationTest, R13_IndefiniteLengthCoseKey) {
  RegistrationOptions o;
  Bytes key = es256_.credential_key().CoseKey();
  key[0] = 0xBF;
  key.push_back(0xFF);
  o.cose_key = key;
  EXPECT_VERDICT(VerifyError::kMalformedCbor, Verify(o));
}

Bytes CredProtectExtension(bool canonical) {
  CborValue cred_protect = CborValue::Int(2);
  CborValue hmac_secret = CborValue::Boolean(true);
  std::vector<std::pair<CborValue, CborValue>> pairs = {{Text("credProtect"), cred_protect},
                                                        {Text("hmac-secret"), hmac_secret}};
  if (!canonical) std::swap(pairs[0], pairs[1]);
  return CborValue::Map(std::move(pairs)).Encode();
}

TEST_F(RegistrationTest, R13_CanonicalExtensionsAccepted) {
  RegistrationOptions o;
  o.extensions = CredProtectExtension(true);
  o.flags |= kFlagExtensionData;
  EXPECT_VERDICT(VerifyError::kOk, Verify(o));
}

TEST_F(RegistrationTest, R13_NonCanonicalExtensions) {
  RegistrationOptions o;
  o.extensions = CredProtectExtension(false);
  o.flags |= kFlagExtensionData;
  EXPECT_VERDICT(VerifyError::kMalformedCbor, Verify(o));
}

// ---- R13: authenticatorData layout ------------------------------------------

TEST_F(RegistrationTest, R13_AttestedDataFlagMissing) {
  RegistrationOptions o;
  o.flags &= ~kFlagAttestedData;  // the attested data is still there
  EXPECT_VERDICT(VerifyError::kMalformedAuthenticatorData, Verify(o));
}

TEST_F(RegistrationTest, R13_NoAttestedCredentialData) {
  RegistrationOptions o;
  o.flags &= ~kFlagAttestedData;
  o.include_attested_data = false;
  EXPECT_VERDICT(VerifyError::kMalformedAuthenticatorData, Verify(o));
}

TEST_F(RegistrationTest, R13_AttestedDataFlagWithoutData) {
  RegistrationOptions o;
  o.include_attested_data = false;
  EXPECT_VERDICT(VerifyError::kMalformedAuthenticatorData, Verify(o));
}

TEST_F(RegistrationTest, R13_LeftoverAuthDataBytes) {
  RegistrationOptions o;
  o.auth_data_trailing = {0x00};
  EXPECT_VERDICT(VerifyError::kMalformedAuthenticatorData, Verify(o));
}

TEST_F(RegistrationTest, R13_ExtensionsWithoutExtensionFlag) {
  RegistrationOptions o;
  o.extensions = CredProtectExtension(true);
  EXPECT_VERDICT(VerifyError::kMalformedAuthenticatorData, Verify(o));
}

TEST_F(RegistrationTest, R13_ExtensionFlagWithoutExtensions) {
  RegistrationOptions o;
  o.flags |= kFlagExtensionData;
  EXPECT_VERDICT(VerifyError::kMalformedAuthenticatorData, Verify(o));
}

TEST_F(RegistrationTest, R13_AuthDataTooShort) {
  RegistrationOptions o;
  o.auth_data = Bytes(36, 0x00);  // one byte short of rpIdHash ‖ flags ‖ signCount
  EXPECT_VERDICT(VerifyError::kMalformedAuthenticatorData, Verify(o));
}

TEST_F(RegistrationTest, R13_CredentialIdLongerThanAuthData) {
  Bytes auth_data = es256_.Register().authenticator_data;
  RegistrationOptions o;
  // Cut inside the credential ID: its length prefix now overstates it.
  o.auth_data = Bytes(auth_data.begin(), auth_data.begin() + 37 + 16 + 2 + 10);
  EXPECT_VERDICT(VerifyError::kMalformedAuthenticatorData, Verify(o));
}

// ---- R14-R17: rpIdHash and flags -------------------------------------------

TEST_F(RegistrationTest, R14_OtherRpId) {
  RegistrationOptions o;
  o.rp_id = "evil.example";
  EXPECT_VERDICT(VerifyError::kRpIdMismatch, Verify(o));
}

TEST_F(RegistrationTest, R14_OriginInsteadOfRpIdHashed) {
  RegistrationOptions o;
  o.rp_id = test::kOrigin;
  EXPECT_VERDICT(VerifyError::kRpIdMismatch, Verify(o));
}

TEST_F(RegistrationTest, R15_UserNotPresent) {
  RegistrationOptions o;
  o.flags &= ~kFlagUserPresent;
  EXPECT_VERDICT(VerifyError::kUserNotPresent, Verify(o));
}

TEST_F(RegistrationTest, R15_PresenceNotRequiredForConditionalCreate) {
  RegistrationOptions o;
  o.flags &= ~kFlagUserPresent;
  RegistrationExpectations e = Expectations();
  e.requirements.user_presence_required = false;
  EXPECT_VERDICT(VerifyError::kOk, Verify(es256_.Register(o), e));
}

TEST_F(RegistrationTest, R16_UserVerificationRequired) {
  RegistrationOptions o;
  o.flags &= ~kFlagUserVerified;
  RegistrationExpectations e = Expectations();
  e.requirements.user_verification_required = true;
  EXPECT_VERDICT(VerifyError::kUserNotVerified, Verify(es256_.Register(o), e));
}

TEST_F(RegistrationTest, R16_UserVerificationNotRequired) {
  RegistrationOptions o;
  o.flags &= ~kFlagUserVerified;
  EXPECT_VERDICT(VerifyError::kOk, Verify(o));
  EXPECT_FALSE(credential_.uv_initialized);
}

TEST_F(RegistrationTest, R17_BackupStateWithoutEligibility) {
  RegistrationOptions o;
  o.flags |= kFlagBackupState;
  EXPECT_VERDICT(VerifyError::kBackupStateInvalid, Verify(o));
}

TEST_F(RegistrationTest, R17_BackedUpAndEligible) {
  RegistrationOptions o;
  o.flags |= kFlagBackupEligible | kFlagBackupState;
  EXPECT_VERDICT(VerifyError::kOk, Verify(o));
  EXPECT_TRUE(credential_.backup_eligible);
  EXPECT_TRUE(credential_.backup_state);
}

// ---- R18-R19: the operator's authenticator policy ---------------------------

TEST_F(RegistrationTest, R18_SyncedPasskeyRefusedByPolicy) {
  RegistrationOptions o;
  o.flags |= kFlagBackupEligible;
  RegistrationExpectations e = Expectations();
  e.requirements.allow_backup_eligible = false;
  EXPECT_VERDICT(VerifyError::kPolicyDenied, Verify(es256_.Register(o), e));
}

TEST_F(RegistrationTest, R18_DeviceBoundKeyAcceptedWhenSyncedPasskeysAreRefused) {
  RegistrationExpectations e = Expectations();
  e.requirements.allow_backup_eligible = false;
  EXPECT_VERDICT(VerifyError::kOk, Verify(es256_.Register(), e));
}

TEST_F(RegistrationTest, R18_DeniedAaguid) {
  RegistrationOptions o;
  o.aaguid = test::kTestAaguid;
  RegistrationExpectations e = Expectations();
  e.requirements.denied_aaguids = {test::kTestAaguid};
  EXPECT_VERDICT(VerifyError::kPolicyDenied, Verify(es256_.Register(o), e));
}

TEST_F(RegistrationTest, R18_AaguidNotOnTheAllowList) {
  RegistrationOptions o;
  o.aaguid = test::kTestAaguid;
  RegistrationExpectations e = Expectations();
  e.requirements.allowed_aaguids = {std::array<uint8_t, 16>{1}};
  EXPECT_VERDICT(VerifyError::kPolicyDenied, Verify(es256_.Register(o), e));
  e.requirements.allowed_aaguids.push_back(test::kTestAaguid);
  EXPECT_VERDICT(VerifyError::kOk, Verify(es256_.Register(o), e));
}

// ---- R20: algorithm offered in pubKeyCredParams ----------------------------

TEST_F(RegistrationTest, R20_AlgorithmNotOffered) {
  RegistrationExpectations e = Expectations();
  e.requirements.allowed_algorithms = {-257, -8};
  EXPECT_VERDICT(VerifyError::kAlgorithmNotAllowed, Verify(es256_.Register(), e));
}

TEST_F(RegistrationTest, R20_AlgorithmOffered) {
  RegistrationExpectations e = Expectations();
  e.requirements.allowed_algorithms = {-257, -7};
  EXPECT_VERDICT(VerifyError::kOk, Verify(es256_.Register(), e));
}

TEST_F(RegistrationTest, R20_Rs1ForbiddenByPolicy) {
  TestAuthenticator rs1(static_cast<int64_t>(CoseAlgorithm::kRS1));
  RegistrationExpectations e = Expectations();
  e.requirements.allow_rs1 = false;
  EXPECT_VERDICT(VerifyError::kAlgorithmNotAllowed, Verify(rs1.Register(), e));
}

TEST_F(RegistrationTest, R20_Rs1ForbiddenEvenIfListed) {
  TestAuthenticator rs1(static_cast<int64_t>(CoseAlgorithm::kRS1));
  RegistrationExpectations e = Expectations();
  e.requirements.allow_rs1 = false;
  e.requirements.allowed_algorithms = {-65535};
  EXPECT_VERDICT(VerifyError::kAlgorithmNotAllowed, Verify(rs1.Register(), e));
}

TEST_F(RegistrationTest, R20_Rs1PolicyLeavesOtherAlgorithmsAlone) {
  RegistrationExpectations e = Expectations();
  e.requirements.allow_rs1 = false;
  EXPECT_VERDICT(VerifyError::kOk, Verify(es256_.Register(), e));
}

// ---- R25: credential ID length ---------------------------------------------

TEST_F(RegistrationTest, R25_CredentialIdOf1024Bytes) {
  RegistrationOptions o;
  o.credential_id = Bytes(1024, 0xA5);
  EXPECT_VERDICT(VerifyError::kCredentialIdTooLong, Verify(o));
}

TEST_F(RegistrationTest, R25_CredentialIdOf1023Bytes) {
  RegistrationOptions o;
  o.credential_id = Bytes(1023, 0xA5);
  EXPECT_VERDICT(VerifyError::kOk, Verify(o));
  EXPECT_EQ(credential_.id.size(), 1023u);
}

}  // namespace
}  // namespace keystorm
