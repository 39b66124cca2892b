// §7.1 R21-R24: the attestation statement format, its verification
// procedure (§8.2 packed, §8.6 fido-u2f, §8.7 none) and the trust decision.
// Each test mutates one field of an otherwise valid ceremony.
#include <openssl/sha.h>

#include <array>
#include <memory>
#include <vector>

#include "registration_fixture.h"

namespace keystorm {
namespace {

using test::AttestationShape;
using test::CborValue;
using test::RegistrationOptions;
using test::TestAuthenticator;
using test::TestCertificateAuthority;
using test::TestKey;

CborValue Text(std::string_view s) { return CborValue::TextString(s); }

RegistrationOptions Shape(AttestationShape shape) {
  RegistrationOptions o;
  o.attestation = shape;
  return o;
}

// An independent root: certificates it issues do not chain to the default.
const TestCertificateAuthority& OtherCa() {
  static const TestCertificateAuthority* ca = new TestCertificateAuthority("Other Test Root", 1);
  return *ca;
}

// An intermediate under the default root: its leaves reach the root only
// through it.
const TestCertificateAuthority& IntermediateCa() {
  static const TestCertificateAuthority* ca = new TestCertificateAuthority(
      "Keystorm Test Intermediate", 2, &test::DefaultCertificateAuthority());
  return *ca;
}

std::shared_ptr<const TrustAnchors> Anchors(const Bytes& root) {
  Result<std::shared_ptr<const TrustAnchors>> anchors = TrustAnchors::FromDer({root});
  EXPECT_TRUE(anchors.has_value());
  return anchors.has_value() ? *anchors : nullptr;
}

// ---- R21: format identifier -------------------------------------------------

TEST_F(RegistrationTest, R21_UnknownFormat) {
  RegistrationOptions o;
  o.fmt = "keystorm-unknown";
  EXPECT_VERDICT(VerifyError::kUnsupportedAttestationFormat, Verify(o));
}

TEST_F(RegistrationTest, R21_FormatIsCaseSensitive) {
  RegistrationOptions o = Shape(AttestationShape::kPackedSelf);
  o.fmt = "Packed";
  EXPECT_VERDICT(VerifyError::kUnsupportedAttestationFormat, Verify(o));
}

TEST_F(RegistrationTest, R21_EmptyFormat) {
  RegistrationOptions o;
  o.fmt = "";
  EXPECT_VERDICT(VerifyError::kUnsupportedAttestationFormat, Verify(o));
}

// ---- R22: none ---------------------------------------------------------------

TEST_F(RegistrationTest, R22_NoneWithNonEmptyStatement) {
  RegistrationOptions o;
  o.edit_att_stmt = [](CborValue* s) { s->Set(Text("sig"), CborValue::ByteString(Bytes{1})); };
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(o));
}

// ---- R22: packed, self attestation ------------------------------------------

TEST_F(RegistrationTest, R22_PackedSelfWrongAlg) {
  RegistrationOptions o = Shape(AttestationShape::kPackedSelf);
  o.att_stmt_alg = static_cast<int64_t>(CoseAlgorithm::kES384);  // credential is ES256
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(o));
}

TEST_F(RegistrationTest, R22_PackedSelfFullySpecifiedAliasIsAnotherAlg) {
  RegistrationOptions o = Shape(AttestationShape::kPackedSelf);
  o.att_stmt_alg = static_cast<int64_t>(CoseAlgorithm::kESP256);
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(o));
}

TEST_F(RegistrationTest, R22_PackedSelfBadSignature) {
  RegistrationOptions o = Shape(AttestationShape::kPackedSelf);
  o.corrupt_attestation_signature = true;
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(o));
}

TEST_F(RegistrationTest, R22_PackedSelfSignatureOverOtherClientData) {
  RegistrationOptions o = Shape(AttestationShape::kPackedSelf);
  test::Registration reg = es256_.Register(o);
  // Same members, different bytes: the signed clientDataHash no longer matches.
  reg.client_data_json += " ";
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(reg));
}

TEST_F(RegistrationTest, R22_PackedMissingSig) {
  RegistrationOptions o = Shape(AttestationShape::kPackedSelf);
  o.edit_att_stmt = [](CborValue* s) { s->Remove(Text("sig")); };
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(o));
}

TEST_F(RegistrationTest, R22_PackedMissingAlg) {
  RegistrationOptions o = Shape(AttestationShape::kPackedSelf);
  o.edit_att_stmt = [](CborValue* s) { s->Remove(Text("alg")); };
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(o));
}

TEST_F(RegistrationTest, R22_PackedEcdaaRemovedInLevel3) {
  RegistrationOptions o = Shape(AttestationShape::kPackedSelf);
  o.edit_att_stmt = [](CborValue* s) {
    s->Set(Text("ecdaaKeyId"), CborValue::ByteString(Bytes(16, 1)));
  };
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(o));
}

TEST_F(RegistrationTest, R22_PackedUnimplementedAlg) {
  RegistrationOptions o = Shape(AttestationShape::kPackedSelf);
  o.att_stmt_alg = -49;  // ML-DSA-65, which Keystorm lacks
  EXPECT_VERDICT(VerifyError::kUnsupportedAlgorithm, Verify(o));
}

class PackedSelfPerAlgorithmTest : public RegistrationTest,
                                   public ::testing::WithParamInterface<int64_t> {};

TEST_P(PackedSelfPerAlgorithmTest, R22_BadSignature) {
  RegistrationOptions o = Shape(AttestationShape::kPackedSelf);
  o.corrupt_attestation_signature = true;
  EXPECT_VERDICT(VerifyError::kAttestationInvalid,
                 Verify(TestAuthenticator(GetParam()).Register(o)));
}

// Splices a signature over this ceremony's authData ‖ clientDataHash made by
// `signer` into the statement.  authData is deterministic, so it is the same
// in the spliced ceremony.
test::Registration WithSelfSignatureBy(const TestAuthenticator& auth, const TestKey& signer) {
  RegistrationOptions o = Shape(AttestationShape::kPackedSelf);
  test::Registration first = auth.Register(o);
  Bytes message = first.authenticator_data;
  std::array<uint8_t, 32> hash;
  SHA256(reinterpret_cast<const uint8_t*>(first.client_data_json.data()),
         first.client_data_json.size(), hash.data());
  message.insert(message.end(), hash.begin(), hash.end());
  Bytes sig = signer.Sign(message);
  o.edit_att_stmt = [&](CborValue* s) { s->Set(Text("sig"), CborValue::ByteString(sig)); };
  return auth.Register(o);
}

TEST_P(PackedSelfPerAlgorithmTest, R22_SplicedSignatureByTheCredentialKey) {
  TestAuthenticator auth(GetParam());
  EXPECT_VERDICT(VerifyError::kOk, Verify(WithSelfSignatureBy(auth, auth.credential_key())));
}

TEST_P(PackedSelfPerAlgorithmTest, R22_SignatureByAnotherKey) {
  TestAuthenticator auth(GetParam());
  EXPECT_VERDICT(VerifyError::kAttestationInvalid,
                 Verify(WithSelfSignatureBy(auth, TestKey::Cached(GetParam(), 1))));
}

INSTANTIATE_TEST_SUITE_P(EveryAlgorithm, PackedSelfPerAlgorithmTest,
                         ::testing::Values(-7, -35, -36, -8, -257, -37, -65535),
                         [](const ::testing::TestParamInfo<int64_t>& p) {
                           return std::string(CoseAlgorithmName(p.param));
                         });

// ---- R22: packed, full attestation (x5c) ------------------------------------

class PackedFullTest : public RegistrationTest {
 protected:
  RegistrationOptions options_ = Shape(AttestationShape::kPackedFull);
};

TEST_F(PackedFullTest, Passes) { EXPECT_VERDICT(VerifyError::kOk, Verify(options_)); }

TEST_F(PackedFullTest, R22_BadSignature) {
  options_.corrupt_attestation_signature = true;
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(PackedFullTest, R22_SignedByKeyOtherThanTheCertified) {
  test::CertificateOptions leaf;
  leaf.aaguid = test::kTestAaguid;
  // The leaf certifies one key; a different one signs the statement.
  options_.x5c = std::vector<Bytes>{
      test::DefaultCertificateAuthority().Issue(leaf, test::DefaultAttestationKey())};
  options_.attestation_key = TestKey::Cached(-7, 501);
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(PackedFullTest, R22_AlgDoesNotMatchCertificateKey) {
  options_.att_stmt_alg = static_cast<int64_t>(CoseAlgorithm::kRS256);
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(PackedFullTest, R22_CertificateVersion1) {
  options_.attestation_certificate.version = 1;
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(PackedFullTest, R22_MissingOrganizationalUnit) {
  options_.attestation_certificate.organizational_unit.reset();
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(PackedFullTest, R22_WrongOrganizationalUnit) {
  options_.attestation_certificate.organizational_unit = "Authenticator Attestation ";
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(PackedFullTest, R22_MissingCountry) {
  options_.attestation_certificate.country.reset();
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(PackedFullTest, R22_MissingOrganization) {
  options_.attestation_certificate.organization.reset();
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(PackedFullTest, R22_MissingCommonName) {
  options_.attestation_certificate.common_name.reset();
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(PackedFullTest, R22_CertificateIsCa) {
  options_.attestation_certificate.basic_constraints_ca = true;
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(PackedFullTest, R22_AaguidExtensionMismatch) {
  options_.attestation_certificate.aaguid = std::array<uint8_t, 16>{0x01};
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(PackedFullTest, R22_AaguidExtensionCritical) {
  options_.attestation_certificate.aaguid_critical = true;
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(PackedFullTest, R22_AaguidExtensionAbsentIsFine) {
  options_.certificate_aaguid_from_auth_data = false;
  EXPECT_VERDICT(VerifyError::kOk, Verify(options_));
}

TEST_F(PackedFullTest, R22_ExpiredAtVerificationTime) {
  options_.attestation_certificate.not_after = test::kVerificationTime - 1;
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(PackedFullTest, R22_NotYetValidAtVerificationTime) {
  options_.attestation_certificate.not_before = test::kVerificationTime + 1;
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(PackedFullTest, R22_ValidityCheckedAtVerificationTimeNotNow) {
  // Valid today's-clock-independent: only 2029-2031 (kVerificationTime is 2030).
  options_.attestation_certificate.not_before = test::kVerificationTime - 86400 * 365;
  options_.attestation_certificate.not_after = test::kVerificationTime + 86400 * 365;
  EXPECT_VERDICT(VerifyError::kOk, Verify(options_));
  RegistrationExpectations e = Expectations();
  e.verification_time = test::kVerificationTime + 86400 * 366;
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(es256_.Register(options_), e));
}

TEST_F(PackedFullTest, R22_ChainWithIssuer) {
  test::Registration reg = es256_.Register(options_);
  options_.x5c = std::vector<Bytes>{reg.x5c[0], test::DefaultCertificateAuthority().certificate()};
  EXPECT_VERDICT(VerifyError::kOk, Verify(options_));
}

TEST_F(PackedFullTest, R22_BrokenChain) {
  test::Registration reg = es256_.Register(options_);
  // x5c[1] did not sign x5c[0].
  options_.x5c = std::vector<Bytes>{reg.x5c[0], OtherCa().certificate()};
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(PackedFullTest, R22_EmptyX5c) {
  options_.edit_att_stmt = [](CborValue* s) { s->Set(Text("x5c"), CborValue::Array({})); };
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(PackedFullTest, R22_X5cNotACertificate) {
  options_.x5c = std::vector<Bytes>{Bytes{0x30, 0x03, 0x02, 0x01, 0x01}};
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(PackedFullTest, R22_TrailingBytesAfterCertificate) {
  test::Registration reg = es256_.Register(options_);
  Bytes leaf = reg.x5c[0];
  leaf.push_back(0x00);
  options_.x5c = std::vector<Bytes>{leaf};
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

class PackedFullAttestationKeyTest : public RegistrationTest,
                                     public ::testing::WithParamInterface<int64_t> {};

TEST_P(PackedFullAttestationKeyTest, AttestationKeyOfEachFamilyVerifies) {
  RegistrationOptions o = Shape(AttestationShape::kPackedFull);
  o.attestation_key = TestKey::Cached(GetParam(), 600);
  EXPECT_VERDICT(VerifyError::kOk, Verify(o));
}

TEST_P(PackedFullAttestationKeyTest, R22_BadSignature) {
  RegistrationOptions o = Shape(AttestationShape::kPackedFull);
  o.attestation_key = TestKey::Cached(GetParam(), 600);
  o.corrupt_attestation_signature = true;
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(o));
}

INSTANTIATE_TEST_SUITE_P(EveryFamily, PackedFullAttestationKeyTest,
                         ::testing::Values(-7, -35, -36, -8, -257, -37, -65535),
                         [](const ::testing::TestParamInfo<int64_t>& p) {
                           return std::string(CoseAlgorithmName(p.param));
                         });

// ---- R22: fido-u2f -------------------------------------------------------------

class FidoU2fTest : public RegistrationTest {
 protected:
  RegistrationOptions options_ = Shape(AttestationShape::kFidoU2f);
};

TEST_F(FidoU2fTest, Passes) { EXPECT_VERDICT(VerifyError::kOk, Verify(options_)); }

TEST_F(FidoU2fTest, R22_TwoCertificates) {
  test::Registration reg = es256_.Register(options_);
  options_.x5c = std::vector<Bytes>{reg.x5c[0], test::DefaultCertificateAuthority().certificate()};
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(FidoU2fTest, R22_CertificateKeyNotP256) {
  options_.attestation_key = TestKey::Cached(static_cast<int64_t>(CoseAlgorithm::kES384), 500);
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(FidoU2fTest, R22_CertificateKeyRsa) {
  options_.attestation_key = TestKey::Cached(static_cast<int64_t>(CoseAlgorithm::kRS256), 500);
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(FidoU2fTest, R22_BadSignature) {
  options_.corrupt_attestation_signature = true;
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(FidoU2fTest, R22_CredentialKeyNotP256) {
  TestAuthenticator es384(static_cast<int64_t>(CoseAlgorithm::kES384));
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(es384.Register(options_)));
}

TEST_F(FidoU2fTest, R22_ExpiredAtVerificationTime) {
  options_.attestation_certificate.not_after = test::kVerificationTime - 1;
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(FidoU2fTest, R22_MissingX5c) {
  options_.edit_att_stmt = [](CborValue* s) { s->Remove(Text("x5c")); };
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

TEST_F(FidoU2fTest, R22_SignatureBindsCredentialId) {
  CborValue signed_for_first_id;
  options_.edit_att_stmt = [&](CborValue* s) { signed_for_first_id = *s; };
  (void)es256_.Register(options_);
  // The same statement presented with another credential ID.
  options_.credential_id = Bytes(32, 0x42);
  options_.edit_att_stmt = [&](CborValue* s) { *s = signed_for_first_id; };
  EXPECT_VERDICT(VerifyError::kAttestationInvalid, Verify(options_));
}

// ---- R23-R24: trust ------------------------------------------------------------

TEST_F(PackedFullTest, R24_ChainsToConfiguredAnchor) {
  RegistrationExpectations e = Expectations();
  e.requirements.trust_anchors = Anchors(test::DefaultCertificateAuthority().certificate());
  EXPECT_VERDICT(VerifyError::kOk, Verify(es256_.Register(options_), e));
  EXPECT_TRUE(credential_.attestation_trusted);
}

TEST_F(PackedFullTest, R24_DoesNotChainToConfiguredAnchor) {
  RegistrationExpectations e = Expectations();
  e.requirements.trust_anchors = Anchors(OtherCa().certificate());
  EXPECT_VERDICT(VerifyError::kAttestationUntrusted, Verify(es256_.Register(options_), e));
}

TEST_F(PackedFullTest, R24_IssuedByOtherCaChainsToThatCa) {
  options_.ca = &OtherCa();
  RegistrationExpectations e = Expectations();
  e.requirements.trust_anchors = Anchors(OtherCa().certificate());
  EXPECT_VERDICT(VerifyError::kOk, Verify(es256_.Register(options_), e));
  EXPECT_TRUE(credential_.attestation_trusted);
}

TEST_F(PackedFullTest, R24_RootIncludedInX5c) {
  test::Registration reg = es256_.Register(options_);
  options_.x5c = std::vector<Bytes>{reg.x5c[0], test::DefaultCertificateAuthority().certificate()};
  RegistrationExpectations e = Expectations();
  e.requirements.trust_anchors = Anchors(test::DefaultCertificateAuthority().certificate());
  EXPECT_VERDICT(VerifyError::kOk, Verify(es256_.Register(options_), e));
  EXPECT_TRUE(credential_.attestation_trusted);
  EXPECT_EQ(credential_.attestation_trust_path.size(), 2u);
}

TEST_F(PackedFullTest, R24_ChainsThroughIntermediate) {
  options_.ca = &IntermediateCa();
  test::Registration reg = es256_.Register(options_);
  options_.x5c = std::vector<Bytes>{reg.x5c[0], IntermediateCa().certificate()};
  RegistrationExpectations e = Expectations();
  e.requirements.trust_anchors = Anchors(test::DefaultCertificateAuthority().certificate());
  EXPECT_VERDICT(VerifyError::kOk, Verify(es256_.Register(options_), e));
  EXPECT_TRUE(credential_.attestation_trusted);
}

TEST_F(PackedFullTest, R24_IntermediateMissingFromX5c) {
  options_.ca = &IntermediateCa();  // x5c holds the leaf alone
  RegistrationExpectations e = Expectations();
  e.requirements.trust_anchors = Anchors(test::DefaultCertificateAuthority().certificate());
  EXPECT_VERDICT(VerifyError::kAttestationUntrusted, Verify(es256_.Register(options_), e));
}

TEST_F(PackedFullTest, R24_NoAnchorsMeansNotRequired) {
  EXPECT_VERDICT(VerifyError::kOk, Verify(options_));
  EXPECT_FALSE(credential_.attestation_trusted);
}

TEST_F(FidoU2fTest, R24_ChainsToConfiguredAnchor) {
  RegistrationExpectations e = Expectations();
  e.requirements.trust_anchors = Anchors(test::DefaultCertificateAuthority().certificate());
  EXPECT_VERDICT(VerifyError::kOk, Verify(es256_.Register(options_), e));
  EXPECT_TRUE(credential_.attestation_trusted);
}

TEST_F(FidoU2fTest, R24_DoesNotChainToConfiguredAnchor) {
  RegistrationExpectations e = Expectations();
  e.requirements.trust_anchors = Anchors(OtherCa().certificate());
  EXPECT_VERDICT(VerifyError::kAttestationUntrusted, Verify(es256_.Register(options_), e));
}

TEST_F(RegistrationTest, R24_SelfAttestationRefusedByPolicy) {
  RegistrationExpectations e = Expectations();
  e.requirements.allow_self_attestation = false;
  EXPECT_VERDICT(VerifyError::kAttestationUntrusted,
                 Verify(es256_.Register(Shape(AttestationShape::kPackedSelf)), e));
}

TEST_F(RegistrationTest, R24_NoneAttestationRefusedByPolicy) {
  RegistrationExpectations e = Expectations();
  e.requirements.allow_none_attestation = false;
  EXPECT_VERDICT(VerifyError::kAttestationUntrusted, Verify(es256_.Register(), e));
}

TEST_F(RegistrationTest, R24_EachPolicySwitchOnlyAffectsItsType) {
  RegistrationExpectations e = Expectations();
  e.requirements.allow_none_attestation = false;
  EXPECT_VERDICT(VerifyError::kOk,
                 Verify(es256_.Register(Shape(AttestationShape::kPackedSelf)), e));
  e = Expectations();
  e.requirements.allow_self_attestation = false;
  EXPECT_VERDICT(VerifyError::kOk, Verify(es256_.Register(), e));
}

}  // namespace
}  // namespace keystorm
