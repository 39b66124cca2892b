// Explain: the decision, the rule that produced it, and why each earlier rule
// did not match.
#include "keystorm/policy/explain.h"

#include <gtest/gtest.h>

#include "policy_test_util.h"

namespace keystorm::policy::testing {
namespace {

constexpr std::string_view kPolicy = R"(format = 1
[webauthn]
default = "optional"
groups = { admins = "required" }

[[bypass]]
user = "carol"
until = 2030-01-01T00:00:00Z

[[group_mapping]]
external_group = "okta-admins"
groups = ["admins"]

[[rule]]
id = "blocked"
priority = 1
users = ["mallory"]
target = "deny"

[[rule]]
id = "partners"
priority = 2
domains = ["*.partner.example"]
group_regex = ["ext-.*"]
target = "deny"

[[rule]]
id = "admins"
priority = 3
groups = ["admins"]
)";

TEST(ExplainTest, SaysWhyEarlierRulesDidNotMatch) {
  auto policy = MustLoad(kPolicy);
  Login login("Carol");
  login.Email("carol@corp.example").Groups({"staff"}).ExternalGroups({"okta-admins"}).Now(0);
  Result<Explanation> ex = Explain(*policy, login.input());
  ASSERT_TRUE(ex.has_value()) << ex.error().ToString();
  EXPECT_EQ(ex->decision.rule_id, "admins");
  EXPECT_EQ(ex->user, "carol");
  EXPECT_EQ(ex->domain, "corp.example");
  EXPECT_EQ(ex->groups, (std::vector<std::string>{"admins", "staff"}));
  ASSERT_EQ(ex->mappings.size(), 1u);
  EXPECT_EQ(ex->mappings[0], "external group okta-admins (line 10) -> admins");
  EXPECT_EQ(ex->enablement_source, "group admins");
  EXPECT_EQ(ex->bypass_source, "user carol until 2030-01-01T00:00:00Z");
  ASSERT_EQ(ex->rules.size(), 3u);
  EXPECT_EQ(ex->rules[0].rule_id, "blocked");
  EXPECT_FALSE(ex->rules[0].matched);
  EXPECT_EQ(ex->rules[0].why_not, "user \"carol\" is not one of [mallory]");
  EXPECT_EQ(ex->rules[0].position.line, 14u);
  EXPECT_EQ(ex->rules[1].why_not,
            "login domain \"corp.example\" matches none of [*.partner.example]; none of the "
            "groups [admins, staff] is in or matches [/ext-.*/]");
  EXPECT_TRUE(ex->rules[2].matched);
  EXPECT_TRUE(ex->rules[2].why_not.empty());
  EXPECT_EQ(ex->decision.reason, DecisionReason::kBypass);
}

TEST(ExplainTest, DefaultRuleListsEveryRule) {
  auto policy = MustLoad(kPolicy);
  Result<Explanation> ex = Explain(*policy, Login("dave").input());
  ASSERT_TRUE(ex.has_value());
  EXPECT_EQ(ex->decision.rule_id, "default");
  EXPECT_EQ(ex->rules.size(), 3u);
  EXPECT_EQ(ex->enablement_source, "default");
  EXPECT_EQ(ex->rules[1].why_not.substr(0, 16), "no login domain ");
}

TEST(ExplainTest, RefusedInputIsAnError) {
  auto policy = MustLoad(kPolicy);
  EXPECT_FALSE(Explain(*policy, Login(std::string(kMaxNameBytes + 1, 'x')).input()).has_value());
}

}  // namespace
}  // namespace keystorm::policy::testing
