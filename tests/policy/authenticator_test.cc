// Authenticator requirements per rule, and that they are exactly the engine's
// Requirements (so policy and verification cannot disagree).
#include <gtest/gtest.h>

#include "keystorm/cose_key.h"
#include "policy_test_util.h"

namespace keystorm::policy::testing {
namespace {

constexpr std::string_view kPolicy = R"(
format = 1

[authenticator.default]
user_verification = "preferred"

[authenticator.strict]
user_verification = "required"
algorithms = ["ES256", "EdDSA", -257]
attestation = "required"
aaguids_allowed = ["cb69481e-8ff7-4039-93ec-0a2729a154a8", "EE882879-721C-4913-9775-3DFCCE97072A"]
aaguids_denied = ["00000000-0000-0000-0000-000000000001"]
backup_eligible = false
sign_count = "reject"
backup_eligibility_upgrade = false

[authenticator.icloud]
user_verification = "discouraged"
algorithms = ["ES256", "RS1"]
sign_count = "warn"
backup_eligibility_upgrade = true

[[rule]]
id = "admins"
priority = 1
groups = ["admins"]
authenticator = "strict"

[[rule]]
id = "apple"
priority = 2
groups = ["apple"]
authenticator = "icloud"
)";

const Aaguid kYubiKey = {0xcb, 0x69, 0x48, 0x1e, 0x8f, 0xf7, 0x40, 0x39,
                         0x93, 0xec, 0x0a, 0x27, 0x29, 0xa1, 0x54, 0xa8};
const Aaguid kOther = {0xee, 0x88, 0x28, 0x79, 0x72, 0x1c, 0x49, 0x13,
                       0x97, 0x75, 0x3d, 0xfc, 0xce, 0x97, 0x07, 0x2a};
const Aaguid kDenied = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
const Aaguid kUnlisted = {1, 2, 3};

TEST(AuthenticatorTest, StrictProfileBecomesEngineRequirements) {
  auto policy = MustLoad(kPolicy);
  Decision d = policy->Decide(Login("u").Groups({"admins"}).input());
  ASSERT_NE(d.authenticator, nullptr);
  const AuthenticatorPolicy& a = *d.authenticator;
  EXPECT_EQ(a.name, "strict");
  EXPECT_EQ(a.user_verification, UserVerification::kRequired);
  EXPECT_TRUE(a.attestation_required);
  const Requirements& r = a.requirements;
  EXPECT_TRUE(r.user_verification_required);
  EXPECT_EQ(r.allowed_algorithms, (std::vector<int64_t>{-7, -8, -257}));
  EXPECT_FALSE(r.allow_rs1);
  EXPECT_FALSE(r.allow_none_attestation);
  EXPECT_FALSE(r.allow_self_attestation);
  EXPECT_EQ(r.sign_count_policy, SignCountPolicy::kReject);
  EXPECT_FALSE(r.allow_backup_eligibility_upgrade);
  EXPECT_TRUE(r.user_presence_required);
}

TEST(AuthenticatorTest, AaguidAndBackupEligibilityFilter) {
  auto policy = MustLoad(kPolicy);
  const AuthenticatorPolicy& a =
      *policy->Decide(Login("u").Groups({"admins"}).input()).authenticator;
  EXPECT_TRUE(a.Admits(kYubiKey, /*backup_eligible=*/false));
  EXPECT_TRUE(a.Admits(kOther, false));  // upper-case AAGUID in the file
  EXPECT_FALSE(a.Admits(kUnlisted, false));
  EXPECT_FALSE(a.Admits(kDenied, false));
  EXPECT_FALSE(a.Admits(kYubiKey, /*backup_eligible=*/true));  // synced passkeys refused
}

TEST(AuthenticatorTest, SyncedPasskeyProfile) {
  auto policy = MustLoad(kPolicy);
  const AuthenticatorPolicy& a =
      *policy->Decide(Login("u").Groups({"apple"}).input()).authenticator;
  EXPECT_EQ(a.name, "icloud");
  EXPECT_EQ(a.user_verification, UserVerification::kDiscouraged);
  EXPECT_FALSE(a.requirements.user_verification_required);
  EXPECT_TRUE(a.requirements.allow_rs1);
  EXPECT_EQ(a.requirements.sign_count_policy, SignCountPolicy::kWarn);
  EXPECT_TRUE(a.requirements.allow_backup_eligibility_upgrade);
  EXPECT_TRUE(a.requirements.allow_none_attestation);
  EXPECT_TRUE(a.Admits(kUnlisted, true));
}

TEST(AuthenticatorTest, DefaultProfileWhenTheRuleNamesNone) {
  auto policy = MustLoad(kPolicy);
  const AuthenticatorPolicy& a = *policy->Decide(Login("u").input()).authenticator;
  EXPECT_EQ(a.name, "default");
  EXPECT_FALSE(a.requirements.user_verification_required);
  EXPECT_TRUE(a.requirements.allowed_algorithms.empty());
}

TEST(AuthenticatorTest, ImpliedDefaultProfileHasEngineDefaults) {
  auto policy = MustLoad("format = 1\n");
  const AuthenticatorPolicy& a = *policy->Decide(Login("u").input()).authenticator;
  Requirements engine_defaults;
  EXPECT_EQ(a.name, "default");
  EXPECT_EQ(a.requirements.user_verification_required, engine_defaults.user_verification_required);
  EXPECT_EQ(a.requirements.allow_rs1, engine_defaults.allow_rs1);
  EXPECT_EQ(a.requirements.sign_count_policy, engine_defaults.sign_count_policy);
  EXPECT_EQ(a.requirements.allow_none_attestation, engine_defaults.allow_none_attestation);
  EXPECT_EQ(a.requirements.allow_backup_eligibility_upgrade,
            engine_defaults.allow_backup_eligibility_upgrade);
}

TEST(AuthenticatorTest, EveryNamedAlgorithmIsImplemented) {
  auto policy = MustLoad(R"(
format = 1
[authenticator.default]
algorithms = ["ES256", "ES384", "ES512", "EdDSA", "Ed25519", "ESP256", "ESP384", "ESP512",
              "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "RS1"]
)");
  for (int64_t alg :
       policy->Decide(Login("u").input()).authenticator->requirements.allowed_algorithms) {
    EXPECT_TRUE(IsImplementedAlgorithm(alg)) << alg;
  }
}

}  // namespace
}  // namespace keystorm::policy::testing
