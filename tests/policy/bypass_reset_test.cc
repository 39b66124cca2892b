// Bypasses (named in the file, or from the store) with expiry, and the login
// after an administrator reset of a user's authenticators.
#include <gtest/gtest.h>

#include "policy_test_util.h"

namespace keystorm::policy::testing {
namespace {

// 2026-09-01T00:00:00Z and 2026-08-15T10:00:00Z (12:00 at +02:00).
constexpr int64_t kCarolUntil = 1788220800;
constexpr int64_t kFieldUntil = 1786788000;

constexpr std::string_view kPolicy = R"(
format = 1
[webauthn]
default = "required"
users = { dave = "disabled" }

[[bypass]]
user = "Carol"
until = 2026-09-01T00:00:00Z
reason = "lost her key, OPS-1234"

[[bypass]]
group = "field-engineers"
until = 2026-08-15T12:00:00+02:00

[identity_providers]
okta = { protocol = "oidc" }

[[rule]]
id = "sso"
priority = 1
groups = ["sso-users"]
target = { idp = "okta" }
)";

TEST(BypassTest, UserBypassHoldsUntilExpiry) {
  auto policy = MustLoad(kPolicy);
  Decision d = policy->Decide(Login("carol").Now(kCarolUntil - 1).input());
  EXPECT_EQ(d.action, Action::kPassword);
  EXPECT_EQ(d.reason, DecisionReason::kBypass);
  // At the expiry instant the bypass is over.
  d = policy->Decide(Login("carol").Now(kCarolUntil).input());
  EXPECT_EQ(d.action, Action::kWebAuthn);
  EXPECT_EQ(d.reason, DecisionReason::kWebAuthnRequired);
}

TEST(BypassTest, GroupBypassUsesTheOffset) {
  auto policy = MustLoad(kPolicy);
  EXPECT_EQ(
      policy->Decide(Login("x").Groups({"field-engineers"}).Now(kFieldUntil - 1).input()).reason,
      DecisionReason::kBypass);
  EXPECT_EQ(policy->Decide(Login("x").Groups({"field-engineers"}).Now(kFieldUntil).input()).action,
            Action::kWebAuthn);
}

TEST(BypassTest, StoreBypassFromInput) {
  auto policy = MustLoad(kPolicy);
  EXPECT_EQ(policy->Decide(Login("x").BypassUntil(100).Now(99).input()).reason,
            DecisionReason::kBypass);
  EXPECT_EQ(policy->Decide(Login("x").BypassUntil(100).Now(100).input()).action, Action::kWebAuthn);
}

TEST(BypassTest, BypassDoesNotSkipARedirect) {
  auto policy = MustLoad(kPolicy);
  Decision d = policy->Decide(Login("carol").Groups({"sso-users"}).Now(0).input());
  EXPECT_EQ(d.action, Action::kRedirect);
}

TEST(BypassTest, DisabledIsReportedAsDisabledNotBypass) {
  auto policy = MustLoad(kPolicy);
  EXPECT_EQ(policy->Decide(Login("dave").BypassUntil(100).Now(0).input()).reason,
            DecisionReason::kWebAuthnDisabled);
}

TEST(ResetTest, PasswordThenRegisterByDefault) {
  auto policy = MustLoad(kPolicy);
  Decision d = policy->Decide(Login("x").MustReregister().Now(kCarolUntil).input());
  EXPECT_EQ(d.action, Action::kPassword);
  EXPECT_EQ(d.reason, DecisionReason::kReset);
  EXPECT_TRUE(d.must_register);
}

TEST(ResetTest, DenyWhenTheFileSaysSo) {
  auto policy = MustLoad(std::string(kPolicy) + "[reset]\nlogin = \"deny\"\n");
  Decision d = policy->Decide(Login("x").MustReregister().input());
  EXPECT_EQ(d.action, Action::kDeny);
  EXPECT_EQ(d.reason, DecisionReason::kReset);
  EXPECT_FALSE(d.must_register);
}

TEST(ResetTest, ActiveBypassWinsOverReset) {
  auto policy = MustLoad(kPolicy);
  Decision d = policy->Decide(Login("carol").MustReregister().Now(0).input());
  EXPECT_EQ(d.reason, DecisionReason::kBypass);
  EXPECT_FALSE(d.must_register);
}

TEST(ResetTest, DisabledUserNeedsNoRegistration) {
  auto policy = MustLoad(kPolicy);
  Decision d = policy->Decide(Login("dave").MustReregister().input());
  EXPECT_EQ(d.action, Action::kPassword);
  EXPECT_FALSE(d.must_register);
}

TEST(ResetTest, RedirectIgnoresReset) {
  auto policy = MustLoad(kPolicy);
  EXPECT_EQ(policy->Decide(Login("x").Groups({"sso-users"}).MustReregister().input()).action,
            Action::kRedirect);
}

}  // namespace
}  // namespace keystorm::policy::testing
