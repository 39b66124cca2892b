// The policy switches and the registration ceremony around the formats:
// Requirements::attestation_policy reaches the procedures, the corpus runner
// maps the SafetyNet switches, a compound attestationObject (attStmt an
// array) registers, and the trust step sees every format's trust path.
#include <gtest/gtest.h>
#include <openssl/nid.h>

#include "attestation_test_support.h"
#include "keystorm/base64url.h"
#include "keystorm/verifier.h"

namespace keystorm::testing {
namespace {

class RegistrationTest : public ::testing::Test {
 protected:
  RegistrationTest()
      : cred_key_(NewEcKey(NID_X9_62_prime256v1)),
        ceremony_(cred_key_.get(), -7),
        ca_(MakeCa("Keystorm test registration CA")) {}

  VerifyError Register(std::string_view fmt, const Cbor& att_stmt, const Requirements& req,
                       NewCredential* out = nullptr) const {
    RelyingPartyConfig rp;
    rp.rp_id = std::string(Ceremony::kRpId);
    rp.origins = {std::string(Ceremony::kOrigin)};
    Verifier verifier(rp);
    RegistrationResponse response;
    response.raw_id = Bytes(16, 0x42);
    response.client_data_json = ceremony_.client_data_json();
    response.attestation_object = ceremony_.AttestationObject(fmt, att_stmt);
    RegistrationExpectations expected{std::string(Ceremony::kChallenge), req, kNow};
    JsonScratch scratch;
    NewCredential local;
    return verifier.VerifyRegistration(response, expected, &scratch, out ? out : &local);
  }

  KeyDescriptionSpec SoftwareOnly() const {
    KeyDescriptionSpec kd;
    kd.challenge = ceremony_.client_data_hash();
    kd.security_level = 0;
    kd.software_enforced = kd.tee_enforced;
    kd.tee_enforced = AuthorizationListSpec{};
    return kd;
  }

  std::shared_ptr<const TrustAnchors> Anchors(const TestCa& ca) const {
    Result<std::shared_ptr<const TrustAnchors>> a = TrustAnchors::FromDer({ca.cert.der});
    EXPECT_TRUE(a.has_value());
    return *a;
  }

  bssl::UniquePtr<EVP_PKEY> cred_key_;
  Ceremony ceremony_;
  TestCa ca_;
};

TEST_F(RegistrationTest, AndroidKeySoftwarePolicyReachesTheProcedure) {
  Cbor stmt = MakeAndroidKeyStatement(ceremony_, cred_key_.get(), ca_, SoftwareOnly());
  Requirements req;
  EXPECT_EQ(Register("android-key", stmt, req), VerifyError::kAttestationInvalid);
  req.attestation_policy.android_key_allow_software_enforced = true;
  NewCredential cred;
  ASSERT_EQ(Register("android-key", stmt, req, &cred), VerifyError::kOk);
  EXPECT_EQ(cred.attestation_format, "android-key");
  EXPECT_EQ(cred.attestation_type, AttestationType::kBasic);
  EXPECT_EQ(cred.attestation_trust_path.size(), 2u);
}

TEST_F(RegistrationTest, CompoundRegistersAndIsTrustedThroughItsReportedPath) {
  KeyDescriptionSpec kd;
  kd.challenge = ceremony_.client_data_hash();
  Cbor stmt = CborArray(
      {CborMap({{"fmt", CborText("android-key")},
                {"attStmt", MakeAndroidKeyStatement(ceremony_, cred_key_.get(), ca_, kd)}}),
       CborMap({{"fmt", CborText("apple")},
                {"attStmt",
                 MakeAppleStatement(cred_key_.get(), ca_, Sha256(ceremony_.ToBeSigned()))}})});
  Requirements req;
  req.trust_anchors = Anchors(ca_);
  NewCredential cred;
  ASSERT_EQ(Register("compound", stmt, req, &cred), VerifyError::kOk);
  EXPECT_EQ(cred.attestation_format, "compound");
  EXPECT_TRUE(cred.attestation_trusted);
  EXPECT_EQ(cred.attestation_type, AttestationType::kBasic);
  req.trust_anchors = Anchors(MakeCa("Someone else"));
  EXPECT_EQ(Register("compound", stmt, req), VerifyError::kAttestationUntrusted);
}

TEST_F(RegistrationTest, ArrayAttStmtIsMalformedForOtherFormats) {
  Cbor stmt = CborArray({CborMap({})});
  EXPECT_EQ(Register("apple", stmt, Requirements{}), VerifyError::kMalformedCbor);
}

TEST_F(RegistrationTest, AppleChainsToItsAnchorAsAnonCa) {
  Cbor stmt = MakeAppleStatement(cred_key_.get(), ca_, Sha256(ceremony_.ToBeSigned()));
  Requirements req;
  req.trust_anchors = Anchors(ca_);
  NewCredential cred;
  ASSERT_EQ(Register("apple", stmt, req, &cred), VerifyError::kOk);
  EXPECT_EQ(cred.attestation_type, AttestationType::kAnonCA);
  EXPECT_TRUE(cred.attestation_trusted);
}

TEST(CorpusPolicyMapping, SafetyNetSwitchesComeFromTheCase) {
  KEYSTORM_REQUIRE_CORPUS();
  // The same response: refused with the CTS check, accepted without it.
  EXPECT_EQ(RunCorpusCase("swa-reg-android-safetynet-cts-false").got, "attestation_invalid");
  EXPECT_EQ(RunCorpusCase("swa-reg-android-safetynet-cts-skip").got, "ok");
  // Its timestamp is two days after the case's verification time: only the
  // case's safetyNetTimestampCheck:false lets it through.
  Capture c = LoadCapture("py-reg-android-safetynet-attstmt-only");
  EXPECT_FALSE(c.policy.safetynet_check_timestamp);
  EXPECT_EQ(c.VerifyWithPolicy(AttestationPolicy{}), VerifyError::kAttestationInvalid);
  EXPECT_EQ(RunCorpusCase("py-reg-android-safetynet-attstmt-only").got, "ok");
}

TEST(AttestationFormats, AllEightAreSupported) {
  for (const char* fmt : {"none", "packed", "tpm", "android-key", "android-safetynet", "fido-u2f",
                          "apple", "compound"}) {
    EXPECT_TRUE(IsSupportedAttestationFormat(fmt)) << fmt;
  }
  EXPECT_FALSE(IsSupportedAttestationFormat("Apple"));
  EXPECT_FALSE(IsSupportedAttestationFormat("android-key "));
}

}  // namespace
}  // namespace keystorm::testing
