// Group mapping: identity-provider groups and attributes become local groups
// before the rules and the enablement entries are evaluated.
#include <gtest/gtest.h>

#include "policy_test_util.h"

namespace keystorm::policy::testing {
namespace {

constexpr std::string_view kPolicy = R"toml(
format = 1
[webauthn]
default = "optional"
groups = { engineering = "required" }

[[group_mapping]]
external_group = "okta-jira-admins"
groups = ["jira-administrators"]

[[group_mapping]]
external_group_regex = "AD-Eng-.*"
groups = ["engineering", "jira-users"]

[[group_mapping]]
attribute = "department"
value = "Finance"
groups = ["finance"]

[[group_mapping]]
attribute = "country"
value_regex = "(DE|AT|CH)"
groups = ["dach"]

[[rule]]
id = "admins"
priority = 1
groups = ["jira-administrators"]
target = "deny"

[[rule]]
id = "finance"
priority = 2
groups = ["finance"]
target = "deny"

[[rule]]
id = "dach"
priority = 3
group_regex = ["da.*"]
target = "deny"
)toml";

TEST(GroupMappingTest, ExternalGroupExact) {
  auto policy = MustLoad(kPolicy);
  EXPECT_EQ(policy->Decide(Login("u").ExternalGroups({"okta-jira-admins"}).input()).rule_id,
            "admins");
  EXPECT_EQ(policy->Decide(Login("u").ExternalGroups({"okta-jira-admins2"}).input()).rule_id,
            "default");
}

TEST(GroupMappingTest, ExternalGroupsOnlyCountThroughMappings) {
  auto policy = MustLoad(kPolicy);
  EXPECT_EQ(policy->Decide(Login("u").ExternalGroups({"jira-administrators"}).input()).rule_id,
            "default");
}

TEST(GroupMappingTest, RegexMappingFeedsEnablement) {
  auto policy = MustLoad(kPolicy);
  Decision d = policy->Decide(Login("u").ExternalGroups({"AD-Eng-Platform"}).input());
  EXPECT_EQ(d.enablement, Enablement::kRequired);
  EXPECT_EQ(d.rule_id, "default");
}

TEST(GroupMappingTest, AttributeExactAndRegex) {
  auto policy = MustLoad(kPolicy);
  EXPECT_EQ(policy->Decide(Login("u").Attribute("department", "Finance").input()).rule_id,
            "finance");
  EXPECT_EQ(policy->Decide(Login("u").Attribute("department", "finance").input()).rule_id,
            "default");
  EXPECT_EQ(policy->Decide(Login("u").Attribute("country", "AT").input()).rule_id, "dach");
  EXPECT_EQ(policy->Decide(Login("u").Attribute("country", "ATX").input()).rule_id, "default");
  EXPECT_EQ(policy->Decide(Login("u").Attribute("region", "AT").input()).rule_id, "default");
}

}  // namespace
}  // namespace keystorm::policy::testing
