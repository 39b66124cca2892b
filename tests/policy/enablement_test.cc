// WebAuthn enablement per user and per group, with a default.
#include <gtest/gtest.h>

#include "policy_test_util.h"

namespace keystorm::policy::testing {
namespace {

constexpr std::string_view kPolicy = R"(
format = 1
[webauthn]
default = "optional"
users = { alice = "disabled", "Bob" = "required" }
groups = { admins = "required", kiosk = "disabled", staff = "optional" }
)";

TEST(EnablementTest, DefaultApplies) {
  auto policy = MustLoad(kPolicy);
  Decision d = policy->Decide(Login("carol").input());
  EXPECT_EQ(d.action, Action::kWebAuthn);
  EXPECT_EQ(d.enablement, Enablement::kOptional);
  EXPECT_TRUE(d.password_fallback);
  EXPECT_EQ(d.reason, DecisionReason::kWebAuthnOptional);
  EXPECT_EQ(d.rule_id, "default");
}

TEST(EnablementTest, RequiredGroupMeansNoPassword) {
  auto policy = MustLoad(kPolicy);
  Decision d = policy->Decide(Login("carol").Groups({"admins"}).input());
  EXPECT_EQ(d.action, Action::kWebAuthn);
  EXPECT_FALSE(d.password_fallback);
  EXPECT_EQ(d.reason, DecisionReason::kWebAuthnRequired);
}

TEST(EnablementTest, DisabledGroupMeansPassword) {
  auto policy = MustLoad(kPolicy);
  Decision d = policy->Decide(Login("carol").Groups({"kiosk"}).input());
  EXPECT_EQ(d.action, Action::kPassword);
  EXPECT_EQ(d.reason, DecisionReason::kWebAuthnDisabled);
}

TEST(EnablementTest, StrictestGroupWins) {
  auto policy = MustLoad(kPolicy);
  EXPECT_EQ(policy->Decide(Login("c").Groups({"kiosk", "admins"}).input()).enablement,
            Enablement::kRequired);
  EXPECT_EQ(policy->Decide(Login("c").Groups({"kiosk", "staff"}).input()).enablement,
            Enablement::kOptional);
}

TEST(EnablementTest, UserEntryBeatsGroups) {
  auto policy = MustLoad(kPolicy);
  Decision d = policy->Decide(Login("alice").Groups({"admins"}).input());
  EXPECT_EQ(d.enablement, Enablement::kDisabled);
  EXPECT_EQ(d.action, Action::kPassword);
}

TEST(EnablementTest, UserNamesIgnoreCase) {
  auto policy = MustLoad(kPolicy);
  EXPECT_EQ(policy->Decide(Login("ALICE").input()).enablement, Enablement::kDisabled);
  EXPECT_EQ(policy->Decide(Login("bob").input()).enablement, Enablement::kRequired);
}

TEST(EnablementTest, GroupNamesAreExact) {
  auto policy = MustLoad(kPolicy);
  EXPECT_EQ(policy->Decide(Login("c").Groups({"Admins"}).input()).enablement,
            Enablement::kOptional);
}

TEST(EnablementTest, DefaultDefaultIsOptional) {
  auto policy = MustLoad("format = 1\n");
  EXPECT_EQ(policy->Decide(Login("x").input()).enablement, Enablement::kOptional);
}

}  // namespace
}  // namespace keystorm::policy::testing
