// FIDO metadata in the ceremonies (Requirements::metadata): R23-R24 refuse a
// revoked model and accept its metadata roots as trust anchors; the
// assertion step between A19 and A21 refuses a stored credential whose model
// was revoked after it registered.
#include <memory>
#include <string>
#include <vector>

#include "assertion_fixture.h"
#include "keystorm/metadata.h"
#include "keystorm/test/test_mds.h"
#include "registration_fixture.h"

namespace keystorm {
namespace {

using test::AttestationShape;
using test::kTestAaguid;
using test::MdsEntryJson;
using test::MdsEntrySpec;
using test::RegistrationOptions;

const test::TestMds& Mds() {
  static const test::TestMds* mds = new test::TestMds();
  return *mds;
}

std::shared_ptr<const MetadataBlob> BlobOf(const std::vector<MdsEntrySpec>& entries) {
  std::vector<std::string> json;
  for (const MdsEntrySpec& e : entries) json.push_back(MdsEntryJson(e));
  Result<std::shared_ptr<const MetadataBlob>> blob = MetadataBlob::Load(
      Mds().Sign(test::MdsPayloadJson(1, test::kMdsNextUpdate, json)), *Mds().RootAnchors(),
      test::kVerificationTime);
  EXPECT_TRUE(blob.has_value()) << blob.error().ToString();
  return blob.has_value() ? *blob : nullptr;
}

MdsEntrySpec ModelEntry(const std::array<uint8_t, 16>& aaguid, std::string status,
                        std::vector<Bytes> roots = {}) {
  MdsEntrySpec spec;
  spec.aaguid = test::AaguidText(aaguid);
  spec.reports = {{"FIDO_CERTIFIED_L1", "2023-01-01"}, {std::move(status), "2025-01-01"}};
  spec.attestation_roots = std::move(roots);
  return spec;
}

MdsEntrySpec U2fEntry(const std::string& key_identifier, std::string status,
                      std::vector<Bytes> roots = {}) {
  MdsEntrySpec spec;
  spec.aaguid.reset();
  spec.key_identifiers = {key_identifier};
  spec.reports = {{std::move(status), "2025-01-01"}};
  spec.attestation_roots = std::move(roots);
  return spec;
}

constexpr std::array<uint8_t, 16> kOtherModel = {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};

const test::TestCertificateAuthority& OtherRoot() {
  static const auto* ca = new test::TestCertificateAuthority("Metadata Test Other Root", 30);
  return *ca;
}

// ---- registration: R23-R24 ---------------------------------------------------

class MetadataRegistrationTest : public RegistrationTest {
 protected:
  VerifyError VerifyWith(const test::Registration& reg, std::shared_ptr<const MetadataBlob> blob,
                         bool require_trusted = false) {
    RegistrationExpectations e = Expectations();
    e.requirements.metadata = std::move(blob);
    e.requirements.require_trusted_attestation = require_trusted;
    return Verify(reg, e);
  }
  test::Registration Packed() {
    RegistrationOptions o;
    o.attestation = AttestationShape::kPackedFull;
    return es256_.Register(o);
  }
  test::Registration U2f() {
    RegistrationOptions o;
    o.attestation = AttestationShape::kFidoU2f;
    return es256_.Register(o);
  }
};

TEST_F(MetadataRegistrationTest, RefusesAModelWhoseLatestStatusRevokesIt) {
  EXPECT_VERDICT(VerifyError::kAttestationRevoked,
                 VerifyWith(Packed(), BlobOf({ModelEntry(kTestAaguid, "REVOKED")})));
  EXPECT_VERDICT(VerifyError::kAttestationRevoked,
                 VerifyWith(Packed(), BlobOf({ModelEntry(kTestAaguid, "USER_VERIFICATION_BYPASS")})));
}

TEST_F(MetadataRegistrationTest, RefusesARevokedModelWhateverItsAttestationType) {
  RegistrationOptions self;
  self.attestation = AttestationShape::kPackedSelf;
  self.aaguid = kTestAaguid;
  EXPECT_VERDICT(VerifyError::kAttestationRevoked,
                 VerifyWith(es256_.Register(self), BlobOf({ModelEntry(kTestAaguid, "REVOKED")})));
  RegistrationOptions none;
  none.aaguid = kTestAaguid;
  EXPECT_VERDICT(VerifyError::kAttestationRevoked,
                 VerifyWith(es256_.Register(none), BlobOf({ModelEntry(kTestAaguid, "REVOKED")})));
}

TEST_F(MetadataRegistrationTest, AcceptsAModelThatIsNotRevoked) {
  EXPECT_VERDICT(VerifyError::kOk,
                 VerifyWith(Packed(), BlobOf({ModelEntry(kTestAaguid, "UPDATE_AVAILABLE"),
                                              ModelEntry(kOtherModel, "REVOKED")})));
  EXPECT_FALSE(credential_.attestation_trusted) << "no roots configured or listed";
  // A model the metadata does not list is not refused either.
  EXPECT_VERDICT(VerifyError::kOk, VerifyWith(Packed(), BlobOf({ModelEntry(kOtherModel, "REVOKED")})));
}

TEST_F(MetadataRegistrationTest, RefusesAU2fModelByItsAttestationKeyIdentifier) {
  test::Registration reg = U2f();
  ASSERT_FALSE(reg.x5c.empty());
  std::string key_id = AttestationKeyIdentifier(reg.x5c.front());
  ASSERT_EQ(key_id.size(), 40u);
  EXPECT_VERDICT(VerifyError::kAttestationRevoked,
                 VerifyWith(reg, BlobOf({U2fEntry(key_id, "ATTESTATION_KEY_COMPROMISE")})));
  EXPECT_VERDICT(VerifyError::kOk, VerifyWith(reg, BlobOf({U2fEntry(key_id, "FIDO_CERTIFIED")})));
  EXPECT_VERDICT(VerifyError::kOk,
                 VerifyWith(reg, BlobOf({U2fEntry(std::string(40, 'a'), "REVOKED")})));
}

TEST_F(MetadataRegistrationTest, MetadataRootsAreTrustAnchorsForTheirModel) {
  Bytes root = test::DefaultCertificateAuthority().certificate();
  EXPECT_VERDICT(VerifyError::kOk,
                 VerifyWith(Packed(), BlobOf({ModelEntry(kTestAaguid, "FIDO_CERTIFIED_L1", {root})}),
                            /*require_trusted=*/true));
  EXPECT_TRUE(credential_.attestation_trusted);
  // Listed roots that the chain does not reach: untrusted, required or not.
  EXPECT_VERDICT(VerifyError::kAttestationUntrusted,
                 VerifyWith(Packed(),
                            BlobOf({ModelEntry(kTestAaguid, "FIDO_CERTIFIED_L1",
                                               {OtherRoot().certificate()})})));
  // Another model's roots do not count.
  EXPECT_VERDICT(VerifyError::kAttestationUntrusted,
                 VerifyWith(Packed(),
                            BlobOf({ModelEntry(kTestAaguid, "FIDO_CERTIFIED_L1"),
                                    ModelEntry(kOtherModel, "FIDO_CERTIFIED_L1", {root})}),
                            /*require_trusted=*/true));
}

TEST_F(MetadataRegistrationTest, MetadataRootsAreTrustAnchorsForU2fKeyIdentifiers) {
  test::Registration reg = U2f();
  std::string key_id = AttestationKeyIdentifier(reg.x5c.front());
  EXPECT_VERDICT(VerifyError::kOk,
                 VerifyWith(reg,
                            BlobOf({U2fEntry(key_id, "FIDO_CERTIFIED",
                                             {test::DefaultCertificateAuthority().certificate()})}),
                            /*require_trusted=*/true));
  EXPECT_TRUE(credential_.attestation_trusted);
}

TEST_F(MetadataRegistrationTest, ConfiguredAnchorsAndMetadataRootsEachSuffice) {
  RegistrationExpectations e = Expectations();
  e.requirements.require_trusted_attestation = true;
  Result<std::shared_ptr<const TrustAnchors>> other = TrustAnchors::FromDer({OtherRoot().certificate()});
  ASSERT_TRUE(other.has_value());
  e.requirements.trust_anchors = *other;
  e.requirements.metadata = BlobOf(
      {ModelEntry(kTestAaguid, "FIDO_CERTIFIED", {test::DefaultCertificateAuthority().certificate()})});
  EXPECT_VERDICT(VerifyError::kOk, Verify(Packed(), e));
  EXPECT_TRUE(credential_.attestation_trusted);
  e.requirements.metadata = BlobOf({ModelEntry(kTestAaguid, "FIDO_CERTIFIED")});
  EXPECT_VERDICT(VerifyError::kAttestationUntrusted, Verify(Packed(), e));
}

// ---- assertion: the revocation step ------------------------------------------

class MetadataAssertionTest : public AssertionTest {
 protected:
  VerifyError VerifyWith(const test::AssertionOptions& options,
                         std::shared_ptr<const MetadataBlob> blob,
                         AssertionExpectations e = Expectations()) {
    e.requirements.metadata = std::move(blob);
    return Verify(es256_.Assert(options), e);
  }
};

TEST_F(MetadataAssertionTest, RefusesAStoredCredentialOfARevokedModel) {
  record_.aaguid = kTestAaguid;
  EXPECT_VERDICT(VerifyError::kOk, VerifyWith({}, nullptr));
  EXPECT_VERDICT(VerifyError::kOk,
                 VerifyWith({}, BlobOf({ModelEntry(kTestAaguid, "FIDO_CERTIFIED_L1")})));
  EXPECT_VERDICT(VerifyError::kAttestationRevoked,
                 VerifyWith({}, BlobOf({ModelEntry(kTestAaguid, "USER_KEY_PHYSICAL_COMPROMISE")})));
  EXPECT_VERDICT(VerifyError::kOk, VerifyWith({}, BlobOf({ModelEntry(kOtherModel, "REVOKED")})));
}

TEST_F(MetadataAssertionTest, NeverChecksTheZeroAaguid) {
  record_.aaguid = {};
  EXPECT_VERDICT(VerifyError::kOk,
                 VerifyWith({}, BlobOf({ModelEntry(std::array<uint8_t, 16>{}, "REVOKED")})));
}

TEST_F(MetadataAssertionTest, RunsAfterA6AndBeforeTheSignature) {
  record_.aaguid = kTestAaguid;
  std::shared_ptr<const MetadataBlob> revoked = BlobOf({ModelEntry(kTestAaguid, "REVOKED")});
  AssertionExpectations e = Expectations();
  e.user_handle = Bytes{1, 2, 3};  // not the owner
  EXPECT_VERDICT(VerifyError::kUserHandleMismatch, VerifyWith({}, revoked, e));
  test::AssertionOptions bad_signature;
  bad_signature.corrupt_signature = true;
  EXPECT_VERDICT(VerifyError::kAttestationRevoked, VerifyWith(bad_signature, revoked));
}

}  // namespace
}  // namespace keystorm
