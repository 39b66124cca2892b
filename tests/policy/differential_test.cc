// The compiled program against a plain reference interpreter
// (reference_interpreter.h): 100 random policies x 1,000 random logins =
// 100,000 decisions, every field compared. Every 10th login also goes through
// Explain, whose string-level rule walk must agree.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "keystorm/policy/explain.h"
#include "keystorm/policy/policy.h"
#include "random_policy.h"
#include "reference_interpreter.h"

namespace keystorm::policy::testing {
namespace {

constexpr int kPolicies = 100;
constexpr int kLoginsPerPolicy = 1000;

std::string Describe(const PolicyInput& in) {
  std::string out = "user=" + std::string(in.user) + " email=" + std::string(in.email) + " groups=";
  for (auto g : in.groups) out += std::string(g) + ",";
  out += " external=";
  for (auto g : in.external_groups) out += std::string(g) + ",";
  out += " attributes=";
  for (auto a : in.attributes) out += std::string(a.name) + "=" + std::string(a.value) + ",";
  out += " bypass_until=" + (in.bypass_until ? std::to_string(*in.bypass_until) : "-") +
         " reregister=" + std::to_string(in.must_reregister) + " now=" + std::to_string(in.now);
  return out;
}

void ExpectSame(const ReferenceDecision& want, const Decision& got, const std::string& context) {
  EXPECT_EQ(ActionName(want.action), ActionName(got.action)) << context;
  EXPECT_EQ(DecisionReasonName(want.reason), DecisionReasonName(got.reason)) << context;
  EXPECT_EQ(want.rule_id, got.rule_id) << context;
  EXPECT_EQ(want.password_fallback, got.password_fallback) << context;
  EXPECT_EQ(want.must_register, got.must_register) << context;
  EXPECT_EQ(EnablementName(want.enablement), EnablementName(got.enablement)) << context;
  EXPECT_EQ(TargetKindName(want.target_kind), TargetKindName(got.target_kind)) << context;
  EXPECT_EQ(want.target, got.target) << context;
  EXPECT_EQ(want.login_template, got.login_template) << context;
  EXPECT_EQ(want.logout_template, got.logout_template) << context;
  ASSERT_NE(got.authenticator, nullptr) << context;
  EXPECT_EQ(want.authenticator, got.authenticator->name) << context;
}

TEST(DifferentialTest, CompiledProgramAgreesWithReferenceInterpreter) {
  std::mt19937_64 rng(20260806);
  int mismatches = 0;
  int decided_by_rule = 0;
  for (int p = 0; p < kPolicies && mismatches == 0; ++p) {
    // Mostly small policies; every tenth has up to 300 rules.
    PolicySpec spec = RandomPolicy(rng, p % 10 == 9 ? 300 : 30);
    auto compiled = CompilePolicy(spec, 1000 + p, nullptr);
    ASSERT_TRUE(compiled.has_value()) << compiled.error().ToString();
    const CompiledPolicy& policy = **compiled;
    ReferenceInterpreter reference(spec);
    PreparedInput prepared;  // reused, as a worker thread would
    for (int i = 0; i < kLoginsPerPolicy; ++i) {
      Login login = RandomLogin(rng);
      const PolicyInput& input = login.input();
      ASSERT_TRUE(policy.Prepare(input, &prepared).ok());
      Decision got = policy.Evaluate(prepared);
      ReferenceDecision want = reference.Decide(input);
      std::string context =
          "policy " + std::to_string(p) + ", login " + std::to_string(i) + ": " + Describe(input);
      ExpectSame(want, got, context);
      EXPECT_EQ(got.policy_version, 1000u + p);
      if (::testing::Test::HasFailure()) {
        ++mismatches;
        break;
      }
      decided_by_rule += got.rule_index != kDefaultRuleIndex;
      if (i % 10 == 0) {
        Result<Explanation> ex = Explain(policy, input);
        ASSERT_TRUE(ex.has_value()) << ex.error().ToString() << " " << context;
        EXPECT_EQ(ex->decision.rule_id, want.rule_id) << context;
      }
    }
  }
  // The generator must make rules match often, or the comparison is weak.
  EXPECT_GT(decided_by_rule, kPolicies * kLoginsPerPolicy / 4);
}

}  // namespace
}  // namespace keystorm::policy::testing
