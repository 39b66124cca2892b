// Redirection rules: priority order, first match wins, criteria (users,
// domains, groups, group regexes), targets and templates.
#include <gtest/gtest.h>

#include "policy_test_util.h"

namespace keystorm::policy::testing {
namespace {

constexpr std::string_view kPolicy = R"(
format = 1

[identity_providers]
okta = { protocol = "saml" }
azure = { protocol = "oidc", display_name = "Azure AD" }

[redirect]
allowed_urls = ["https://sso.example.com/", "https://partner.example.net/login"]

[templates]
login = "corp-login"
logout = "corp-logout"

[default]
target = "local"

# File order differs from priority order on purpose.
[[rule]]
id = "late-catch-contractors"
priority = 50
groups = ["contractors"]
target = { idp = "azure" }

[[rule]]
id = "blocked"
priority = 5
users = ["mallory"]
target = "deny"

[[rule]]
id = "contractor-domain"
priority = 20
domains = ["contractor.example", "*.partner.example.net"]
target = { url = "https://partner.example.net/login" }
login_template = "partner-login"

[[rule]]
id = "ext-groups"
priority = 30
group_regex = ["ext-.*", "vendor-[0-9]+"]
target = { idp = "okta" }
logout_template = "ext-logout"

[[rule]]
id = "admins-in-corp"
priority = 10
domains = ["corp.example"]
groups = ["admins"]
target = { url = "https://sso.example.com/admin" }
)";

TEST(RulesTest, NoRuleMatchesSoDefaultDecides) {
  auto policy = MustLoad(kPolicy);
  Decision d = policy->Decide(Login("u").Email("u@example.org").Groups({"staff"}).input());
  EXPECT_EQ(d.rule_id, "default");
  EXPECT_EQ(d.rule_index, kDefaultRuleIndex);
  EXPECT_EQ(d.target_kind, TargetKind::kLocal);
  EXPECT_EQ(d.login_template, "corp-login");
  EXPECT_EQ(d.logout_template, "corp-logout");
}

TEST(RulesTest, PriorityNotFileOrderDecides) {
  auto policy = MustLoad(kPolicy);
  // Matches "ext-groups" (30) and "late-catch-contractors" (50).
  Decision d = policy->Decide(Login("u").Groups({"contractors", "ext-1"}).input());
  EXPECT_EQ(d.rule_id, "ext-groups");
  // Matches "blocked" (5), "contractor-domain" (20), "late..." (50).
  d = policy->Decide(
      Login("mallory").Email("m@contractor.example").Groups({"contractors"}).input());
  EXPECT_EQ(d.rule_id, "blocked");
  EXPECT_EQ(d.action, Action::kDeny);
  EXPECT_EQ(d.reason, DecisionReason::kRuleDenies);
  EXPECT_EQ(d.rule_index, 0u);
}

TEST(RulesTest, RedirectToIdentityProvider) {
  auto policy = MustLoad(kPolicy);
  Decision d = policy->Decide(Login("u").Groups({"contractors"}).input());
  EXPECT_EQ(d.action, Action::kRedirect);
  EXPECT_EQ(d.reason, DecisionReason::kRedirected);
  EXPECT_EQ(d.target_kind, TargetKind::kIdentityProvider);
  EXPECT_EQ(d.target, "azure");
}

TEST(RulesTest, DomainRulesExactAndWildcard) {
  auto policy = MustLoad(kPolicy);
  EXPECT_EQ(policy->Decide(Login("u").Email("u@contractor.example").input()).rule_id,
            "contractor-domain");
  EXPECT_EQ(policy->Decide(Login("u").Email("u@a.b.partner.example.net").input()).rule_id,
            "contractor-domain");
  // "*.x" is any subdomain, not x itself.
  EXPECT_EQ(policy->Decide(Login("u").Email("u@partner.example.net").input()).rule_id, "default");
  // Subdomains of an exact entry do not match it.
  EXPECT_EQ(policy->Decide(Login("u").Email("u@sub.contractor.example").input()).rule_id,
            "default");
  // Domains ignore case; without an email the user name's domain counts.
  EXPECT_EQ(policy->Decide(Login("u@Contractor.Example").input()).rule_id, "contractor-domain");
  Decision d = policy->Decide(Login("u").Email("u@contractor.example").input());
  EXPECT_EQ(d.target_kind, TargetKind::kUrl);
  EXPECT_EQ(d.target, "https://partner.example.net/login");
  EXPECT_EQ(d.login_template, "partner-login");
  EXPECT_EQ(d.logout_template, "corp-logout");
}

TEST(RulesTest, EmailDomainBeatsUserNameDomain) {
  auto policy = MustLoad(kPolicy);
  EXPECT_EQ(policy->Decide(Login("u@contractor.example").Email("u@example.org").input()).rule_id,
            "default");
}

TEST(RulesTest, AllCriteriaOfARuleMustHold) {
  auto policy = MustLoad(kPolicy);
  EXPECT_EQ(policy->Decide(Login("u").Email("u@corp.example").Groups({"admins"}).input()).rule_id,
            "admins-in-corp");
  EXPECT_EQ(policy->Decide(Login("u").Email("u@corp.example").input()).rule_id, "default");
  EXPECT_EQ(policy->Decide(Login("u").Email("u@other.example").Groups({"admins"}).input()).rule_id,
            "default");
}

TEST(RulesTest, RegexGroupsMatchWholeNames) {
  auto policy = MustLoad(kPolicy);
  EXPECT_EQ(policy->Decide(Login("u").Groups({"vendor-42"}).input()).rule_id, "ext-groups");
  EXPECT_EQ(policy->Decide(Login("u").Groups({"vendor-42x"}).input()).rule_id, "default");
  EXPECT_EQ(policy->Decide(Login("u").Groups({"my-ext-1"}).input()).rule_id, "default");
  Decision d = policy->Decide(Login("u").Groups({"ext-anything"}).input());
  EXPECT_EQ(d.rule_id, "ext-groups");
  EXPECT_EQ(d.target, "okta");
  EXPECT_EQ(d.login_template, "corp-login");
  EXPECT_EQ(d.logout_template, "ext-logout");
}

// A group listed under [groups].known is pre-evaluated against every regex
// at compile time; an unknown one goes through the slow path in Prepare. Both
// must give the same answer.
TEST(RulesTest, KnownAndUnknownGroupsAgreeOnRegexes) {
  std::string known = std::string(kPolicy) + "\n[groups]\nknown = [\"ext-known\", \"vendor-7\"]\n";
  auto with_known = MustLoad(known);
  auto without = MustLoad(kPolicy);
  for (const char* group : {"ext-known", "vendor-7", "vendor-", "ext-"}) {
    EXPECT_EQ(with_known->Decide(Login("u").Groups({group}).input()).rule_id,
              without->Decide(Login("u").Groups({group}).input()).rule_id)
        << group;
  }
  EXPECT_EQ(with_known->Decide(Login("u").Groups({"ext-known"}).input()).rule_id, "ext-groups");
}

TEST(RulesTest, UsersListIgnoresCase) {
  auto policy = MustLoad(kPolicy);
  EXPECT_EQ(policy->Decide(Login("MALLORY").input()).rule_id, "blocked");
}

TEST(RulesTest, CatchAllRuleStopsLaterRules) {
  auto policy = MustLoad(R"(
format = 1
[[rule]]
id = "everyone"
priority = 10
target = "deny"
[[rule]]
id = "never"
priority = 20
users = ["x"]
)");
  EXPECT_EQ(policy->Decide(Login("x").input()).rule_id, "everyone");
}

TEST(RulesTest, RuleIndexIsPriorityPosition) {
  auto policy = MustLoad(kPolicy);
  EXPECT_EQ(policy->rule_count(), 5u);
  EXPECT_EQ(policy->Decide(Login("u").Groups({"contractors"}).input()).rule_index, 4u);
}

TEST(RulesTest, ManyRulesKeepFirstMatch) {
  // 1,000 rules on distinct groups; a user in several gets the earliest.
  std::string text = "format = 1\n";
  for (int i = 0; i < 1000; ++i) {
    text += "[[rule]]\nid = \"r" + std::to_string(i) +
            "\"\npriority = " + std::to_string(1000 - i) + "\ngroups = [\"g" + std::to_string(i) +
            "\"]\ntarget = \"deny\"\n";
  }
  auto policy = MustLoad(text);
  EXPECT_EQ(policy->Decide(Login("u").Groups({"g5", "g900", "g17"}).input()).rule_id, "r900");
  EXPECT_EQ(policy->Decide(Login("u").Groups({"g5", "g17"}).input()).rule_id, "r17");
}

}  // namespace
}  // namespace keystorm::policy::testing
