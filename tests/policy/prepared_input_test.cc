// PreparedInput binding, input limits and the version in each decision.
#include <gtest/gtest.h>

#include <string>

#include "policy_test_util.h"

namespace keystorm::policy::testing {
namespace {

constexpr std::string_view kPolicy = R"(
format = 1
[[rule]]
id = "admins"
priority = 1
groups = ["admins"]
target = "deny"
)";

TEST(PreparedInputTest, EvaluateOnAnotherPolicyDenies) {
  auto a = MustLoad(kPolicy, 1);
  auto b = MustLoad(kPolicy, 1);  // same text and version, still another program
  PreparedInput prepared;
  ASSERT_TRUE(a->Prepare(Login("u").input(), &prepared).ok());
  EXPECT_EQ(a->Evaluate(prepared).action, Action::kWebAuthn);
  Decision d = b->Evaluate(prepared);
  EXPECT_EQ(d.action, Action::kDeny);
  EXPECT_EQ(d.reason, DecisionReason::kInvalidInput);
  ASSERT_NE(d.authenticator, nullptr);
}

TEST(PreparedInputTest, UnpreparedInputDenies) {
  auto policy = MustLoad(kPolicy);
  PreparedInput never_prepared;
  EXPECT_EQ(policy->Evaluate(never_prepared).reason, DecisionReason::kInvalidInput);
}

TEST(PreparedInputTest, ReuseAcrossUsersForgetsThePrevious) {
  auto policy = MustLoad(kPolicy);
  PreparedInput prepared;
  ASSERT_TRUE(policy->Prepare(Login("u").Groups({"admins"}).input(), &prepared).ok());
  EXPECT_EQ(policy->Evaluate(prepared).rule_id, "admins");
  ASSERT_TRUE(policy->Prepare(Login("v").input(), &prepared).ok());
  EXPECT_EQ(policy->Evaluate(prepared).rule_id, "default");
}

TEST(PreparedInputTest, OversizedInputIsRefusedAndDenied) {
  auto policy = MustLoad(kPolicy);
  PreparedInput prepared;
  ASSERT_TRUE(policy->Prepare(Login("u").Groups({"admins"}).input(), &prepared).ok());
  std::string long_name(kMaxNameBytes + 1, 'a');
  Status s = policy->Prepare(Login("u").Groups({long_name}).input(), &prepared);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  // A failed Prepare leaves nothing usable behind.
  EXPECT_EQ(policy->Evaluate(prepared).reason, DecisionReason::kInvalidInput);
  EXPECT_EQ(policy->Decide(Login(long_name).input()).action, Action::kDeny);
  std::vector<std::string> many(kMaxInputGroups + 1, "g");
  EXPECT_EQ(policy->Decide(Login("u").Groups(many).input()).reason, DecisionReason::kInvalidInput);
}

TEST(PreparedInputTest, VersionGoesIntoEveryDecision) {
  auto policy = MustLoad(kPolicy, 42);
  EXPECT_EQ(policy->version(), 42u);
  EXPECT_EQ(policy->Decide(Login("u").input()).policy_version, 42u);
  EXPECT_EQ(policy->Decide(Login("u").Groups({"admins"}).input()).policy_version, 42u);
  PreparedInput never_prepared;
  EXPECT_EQ(policy->Evaluate(never_prepared).policy_version, 42u);
}

TEST(PreparedInputTest, DuplicateGroupsAreHarmless) {
  auto policy = MustLoad(kPolicy);
  EXPECT_EQ(policy->Decide(Login("u").Groups({"admins", "admins", "x", "x"}).input()).rule_id,
            "admins");
}

}  // namespace
}  // namespace keystorm::policy::testing
