// Explain: the decision for one input, with the rule that produced it and why
// each earlier rule did not match. For `keystorm policy explain` and for
// administrators; slow (strings everywhere) and never on the login path.
//
// The per-rule reasons are worked out again from the rule's own lists, not by
// Evaluate; Explain fails with Internal if the two ever disagree, which the
// tests and the fuzzer check.
#ifndef KEYSTORM_POLICY_EXPLAIN_H_
#define KEYSTORM_POLICY_EXPLAIN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "keystorm/export.h"
#include "keystorm/policy/decision.h"
#include "keystorm/policy/policy.h"
#include "keystorm/status.h"

namespace keystorm::policy {

struct KEYSTORM_EXPORT RuleTrace {
  std::string rule_id;
  int64_t priority = 0;
  SourcePosition position;
  bool matched = false;
  std::string why_not;  // when !matched: the criterion that failed, in words
};

struct KEYSTORM_EXPORT Explanation {
  Decision decision;                  // as Evaluate returned it; views into the policy
  std::string user;                   // lower-cased, as matched
  std::string domain;                 // the login domain, or empty
  std::vector<std::string> groups;    // local groups after mapping, sorted
  std::vector<std::string> mappings;  // "external group X -> a, b", one per applied mapping
  std::string enablement_source;      // "user alice", "group admins" or "default"
  std::string bypass_source;          // "" when no bypass is active
  // Every rule in priority order up to and including the matching one (all
  // of them when [default] decided).
  std::vector<RuleTrace> rules;
};

// REQUIRES: the policy outlives the Explanation's decision views.
KEYSTORM_EXPORT Result<Explanation> Explain(const CompiledPolicy& policy, const PolicyInput& input);

}  // namespace keystorm::policy

#endif  // KEYSTORM_POLICY_EXPLAIN_H_
