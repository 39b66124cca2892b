// Policy and verification cannot disagree: the Requirements of a decision go
// straight into the engine's Verifier, and ceremonies from the software test
// authenticator (tests/support) get the verdicts the policy file implies.
#include <gtest/gtest.h>

#include "keystorm/test/test_authenticator.h"
#include "keystorm/verifier.h"
#include "policy_test_util.h"

namespace keystorm::policy::testing {
namespace {

using keystorm::test::AttestationShape;
using keystorm::test::RegistrationOptions;
using keystorm::test::TestAuthenticator;

constexpr std::string_view kPolicy = R"(format = 1
[authenticator.strict]
user_verification = "required"
algorithms = ["ES256"]
attestation = "required"
aaguids_allowed = ["6b657973-746f-726d-2d74-6573742d3031"]

[authenticator.lenient]
user_verification = "discouraged"
sign_count = "warn"

[[rule]]
id = "admins"
priority = 1
groups = ["admins"]
authenticator = "strict"

[[rule]]
id = "kiosks"
priority = 2
groups = ["kiosks"]
authenticator = "lenient"
)";

class PolicyEngineTest : public ::testing::Test {
 protected:
  PolicyEngineTest()
      : verifier_(RelyingPartyConfig{keystorm::test::kRpId, {keystorm::test::kOrigin}}) {}

  const AuthenticatorPolicy& ProfileFor(const std::string& group) {
    decision_ = policy_->Decide(Login("u").Groups({group}).input());
    return *decision_.authenticator;
  }

  VerifyError Register(const AuthenticatorPolicy& profile, const keystorm::test::Registration& reg,
                       NewCredential* out) {
    RegistrationExpectations expected;
    expected.challenge = keystorm::test::kChallenge;
    expected.requirements = profile.requirements;  // straight from the decision
    return verifier_.VerifyRegistration(reg.Response(), expected, &scratch_, out);
  }

  std::shared_ptr<const CompiledPolicy> policy_ = MustLoad(kPolicy);
  Decision decision_;
  Verifier verifier_;
  JsonScratch scratch_;
};

TEST_F(PolicyEngineTest, UserVerificationRequiredByThePolicy) {
  TestAuthenticator es256(static_cast<int64_t>(CoseAlgorithm::kES256));
  RegistrationOptions o;
  o.attestation = AttestationShape::kPackedFull;
  o.flags = keystorm::kFlagUserPresent | keystorm::kFlagAttestedData;  // no UV
  NewCredential credential;
  EXPECT_EQ(Register(ProfileFor("admins"), es256.Register(o), &credential),
            VerifyError::kUserNotVerified);
  // The lenient profile accepts the same ceremony.
  EXPECT_EQ(Register(ProfileFor("kiosks"), es256.Register(o), &credential), VerifyError::kOk);
}

TEST_F(PolicyEngineTest, AlgorithmsFromThePolicy) {
  TestAuthenticator eddsa(static_cast<int64_t>(CoseAlgorithm::kEdDSA));
  RegistrationOptions o;
  o.attestation = AttestationShape::kPackedSelf;
  NewCredential credential;
  EXPECT_EQ(Register(ProfileFor("admins"), eddsa.Register(o), &credential),
            VerifyError::kAlgorithmNotAllowed);
}

TEST_F(PolicyEngineTest, AttestationRequiredRefusesNoneAndSelf) {
  TestAuthenticator es256(static_cast<int64_t>(CoseAlgorithm::kES256));
  NewCredential credential;
  for (AttestationShape shape : {AttestationShape::kNone, AttestationShape::kPackedSelf}) {
    RegistrationOptions o;
    o.attestation = shape;
    o.aaguid = keystorm::test::kTestAaguid;  // on the allow-list: attestation decides
    EXPECT_EQ(Register(ProfileFor("admins"), es256.Register(o), &credential),
              VerifyError::kAttestationUntrusted)
        << keystorm::test::AttestationShapeName(shape);
  }
  RegistrationOptions full;
  full.attestation = AttestationShape::kPackedFull;
  ASSERT_EQ(Register(ProfileFor("admins"), es256.Register(full), &credential), VerifyError::kOk);
  // The AAGUID allow-list reaches the engine: another model is refused by
  // the verifier itself, and Admits() agrees with it.
  EXPECT_TRUE(ProfileFor("admins").Admits(credential.aaguid, credential.backup_eligible));
  Aaguid other = credential.aaguid;
  other[0] ^= 1;
  EXPECT_FALSE(ProfileFor("admins").Admits(other, credential.backup_eligible));
  full.aaguid = other;
  EXPECT_EQ(Register(ProfileFor("admins"), es256.Register(full), &credential),
            VerifyError::kPolicyDenied);
}

TEST_F(PolicyEngineTest, SignCountPolicyFromThePolicy) {
  TestAuthenticator es256(static_cast<int64_t>(CoseAlgorithm::kES256));
  keystorm::test::TestCredentialRecord record = es256.Record();
  record.sign_count = 10;
  record.aaguid = keystorm::test::kTestAaguid;  // the model the strict profile allows
  keystorm::test::AssertionOptions o;
  o.sign_count = 5;  // went backwards: a cloned authenticator?
  keystorm::test::Assertion assertion = es256.Assert(o);
  for (const char* group : {"admins", "kiosks"}) {
    AssertionExpectations expected;
    expected.challenge = keystorm::test::kChallenge;
    expected.requirements = ProfileFor(group).requirements;
    CredentialUpdate update;
    StoredCredential stored = record.View();
    VerifyError verdict =
        verifier_.VerifyAssertion(assertion.Response(), expected, &stored, &scratch_, &update);
    if (std::string_view(group) == "admins") {
      EXPECT_EQ(verdict, VerifyError::kSignCountRegression);
    } else {
      EXPECT_EQ(verdict, VerifyError::kOk);
      EXPECT_TRUE(update.sign_count_regressed);
      EXPECT_EQ(update.sign_count, 10u);
    }
  }
}

}  // namespace
}  // namespace keystorm::policy::testing
