// Fuzz target for the policy parser and compiler: any bytes must give a spec
// or diagnostics (never a crash, never an exception), and a policy that
// compiles must decide a few fixed logins consistently — Evaluate agrees with
// Explain's independent rule walk, and the decision names this policy.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "keystorm/policy/explain.h"
#include "keystorm/policy/parser.h"
#include "keystorm/policy/policy.h"

namespace {

using namespace keystorm::policy;

void CheckLogin(const CompiledPolicy& policy, std::string_view user, std::string_view email,
                std::vector<std::string_view> groups) {
  std::vector<std::string_view> external = {"okta-admins", "AD-Eng-1"};
  std::vector<Attribute> attributes = {{"department", "Engineering"}, {"country", "DE"}};
  PolicyInput input;
  input.user = user;
  input.email = email;
  input.groups = groups;
  input.external_groups = external;
  input.attributes = attributes;
  input.now = 1'780'000'000;
  Decision d = policy.Decide(input);
  FUZZ_CHECK(d.authenticator != nullptr);
  FUZZ_CHECK(d.policy_version == 7);
  FUZZ_CHECK(d.reason != DecisionReason::kInvalidInput);
  keystorm::Result<Explanation> ex = Explain(policy, input);
  FUZZ_CHECK(ex.has_value());
  FUZZ_CHECK(ex->decision.rule_index == d.rule_index);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<Diagnostic> diagnostics;
  keystorm::Result<PolicySpec> spec = ParsePolicy(text, &diagnostics);
  if (!spec) {
    FUZZ_CHECK(!diagnostics.empty());
    return 0;
  }
  keystorm::Result<std::shared_ptr<const CompiledPolicy>> policy =
      CompilePolicy(*spec, 7, &diagnostics);
  if (!policy) return 0;
  for (const Diagnostic& d : diagnostics) {
    FUZZ_CHECK(d.severity == Diagnostic::Severity::kWarning);
  }
  CheckLogin(**policy, "alice", "alice@example.com", {"admins", "ext-1"});
  CheckLogin(**policy, "Bob@Partner.Example", "", {"staff", "contractors", "unknown-group"});
  CheckLogin(**policy, "", "", {});
  return 0;
}
