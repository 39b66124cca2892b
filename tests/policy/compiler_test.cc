// Compiler checks that TOML cannot express (specs built in code) and warnings.
#include <gtest/gtest.h>

#include "policy_test_util.h"

namespace keystorm::policy::testing {
namespace {

bool HasDiagnostic(const std::vector<Diagnostic>& diagnostics, Diagnostic::Severity severity,
                   std::string_view text) {
  for (const Diagnostic& d : diagnostics) {
    if (d.severity == severity && d.message.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(CompilerTest, WarnsAboutRulesACatchAllShadows) {
  std::vector<Diagnostic> diagnostics;
  auto policy = LoadPolicy(R"(format = 1
[[rule]]
id = "everyone"
priority = 1
[[rule]]
id = "admins"
priority = 2
groups = ["admins"]
)",
                           1, &diagnostics);
  ASSERT_TRUE(policy.has_value());  // a warning does not fail the file
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].severity, Diagnostic::Severity::kWarning);
  EXPECT_EQ(diagnostics[0].position.line, 5u);
  EXPECT_NE(diagnostics[0].message.find("\"admins\" can never match"), std::string::npos);
}

TEST(CompilerTest, WarnsAboutAnAaguidBothAllowedAndDenied) {
  std::vector<Diagnostic> diagnostics;
  auto policy = LoadPolicy(R"(format = 1
[authenticator.x]
aaguids_allowed = ["00000000-0000-0000-0000-000000000001"]
aaguids_denied = ["00000000-0000-0000-0000-000000000001"]
)",
                           1, &diagnostics);
  ASSERT_TRUE(policy.has_value());
  EXPECT_TRUE(HasDiagnostic(diagnostics, Diagnostic::Severity::kWarning, "denied wins"));
}

TEST(CompilerTest, DefaultRuleBuiltInCodeMayNotHaveCriteria) {
  PolicySpec spec;
  spec.default_rule.groups.push_back({"admins", {}});
  std::vector<Diagnostic> diagnostics;
  EXPECT_FALSE(CompilePolicy(spec, 1, &diagnostics).has_value());
  EXPECT_TRUE(HasDiagnostic(diagnostics, Diagnostic::Severity::kError, "[default] takes no"));
}

TEST(CompilerTest, RefusesEmptyNamesAndDuplicateProfiles) {
  PolicySpec spec;
  RuleSpec rule;
  rule.id = "r";
  rule.groups.push_back({"", {}});
  spec.rules.push_back(rule);
  spec.authenticators.resize(2);
  spec.authenticators[0].name = "p";
  spec.authenticators[1].name = "p";
  std::vector<Diagnostic> diagnostics;
  EXPECT_FALSE(CompilePolicy(spec, 1, &diagnostics).has_value());
  EXPECT_TRUE(HasDiagnostic(diagnostics, Diagnostic::Severity::kError, "group is empty"));
  EXPECT_TRUE(HasDiagnostic(diagnostics, Diagnostic::Severity::kError, "defined twice"));
}

TEST(CompilerTest, ValidSpecFromCodeCompiles) {
  PolicySpec spec;
  spec.identity_providers.push_back({"okta", "oidc", "", {}});
  RuleSpec rule;
  rule.id = "r";
  rule.priority.value = 3;
  rule.domains.push_back({"Example.COM", {}});  // domains are lower-cased
  rule.target = {TargetKind::kIdentityProvider, "okta", {}};
  spec.rules.push_back(rule);
  auto policy = CompilePolicy(spec, 9, nullptr);
  ASSERT_TRUE(policy.has_value()) << policy.error().ToString();
  EXPECT_EQ((*policy)->Decide(Login("a@example.com").input()).target, "okta");
}

}  // namespace
}  // namespace keystorm::policy::testing
