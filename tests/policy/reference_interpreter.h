// A plain interpreter of a PolicySpec, written for the differential test. It
// shares no code with the compiler: it reads the spec as the documentation
// (docs/policy.md) describes it — strings compared at every call, every regex
// run on every group at every call, rules sorted by priority and tried one by
// one.
#ifndef KEYSTORM_TESTS_POLICY_REFERENCE_INTERPRETER_H_
#define KEYSTORM_TESTS_POLICY_REFERENCE_INTERPRETER_H_

#include <map>
#include <regex>
#include <string>
#include <vector>

#include "keystorm/policy/decision.h"
#include "keystorm/policy/policy.h"
#include "keystorm/policy/policy_spec.h"

namespace keystorm::policy::testing {

struct ReferenceDecision {
  Action action = Action::kDeny;
  DecisionReason reason = DecisionReason::kInvalidInput;
  bool password_fallback = false;
  bool must_register = false;
  Enablement enablement = Enablement::kRequired;
  TargetKind target_kind = TargetKind::kDeny;
  std::string target;
  std::string login_template;
  std::string logout_template;
  std::string authenticator;  // profile name
  std::string rule_id;
};

class ReferenceInterpreter {
 public:
  // REQUIRES: `spec` compiles; it must outlive the interpreter.
  explicit ReferenceInterpreter(const PolicySpec& spec);
  ReferenceDecision Decide(const PolicyInput& input) const;

 private:
  bool RuleMatches(const RuleSpec& rule, const std::string& user, const std::string& domain,
                   const std::vector<std::string>& groups) const;
  std::vector<std::string> EffectiveGroups(const PolicyInput& input) const;
  bool WholeMatch(const std::string& pattern, std::string_view text) const;

  const PolicySpec& spec_;
  std::vector<const RuleSpec*> ordered_;
  std::map<std::string, std::regex> regexes_;
};

}  // namespace keystorm::policy::testing

#endif  // KEYSTORM_TESTS_POLICY_REFERENCE_INTERPRETER_H_
