// Explain: Evaluate's decision plus a string-level walk of the rules that says
// why each earlier rule did not match. The walk is a second, independent
// evaluation; disagreement with Evaluate is reported as Internal.
#include "keystorm/policy/explain.h"

#include <algorithm>
#include <set>
#include <string>

#include "group_mapping.h"
#include "program.h"
#include "regex_pattern.h"
#include "text.h"

namespace keystorm::policy {
namespace {

using internal::Program;
using internal::RuleOutcome;

std::string JoinQuoted(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  return out + "]";
}

bool DomainMatches(std::string_view domain, std::string_view written) {
  if (written.starts_with("*.")) {
    std::string_view suffix = written.substr(1);  // ".example.com"
    return domain.size() > suffix.size() && domain.ends_with(suffix);
  }
  return domain == written;
}

class RuleWalker {
 public:
  RuleWalker(const Program& program, const Explanation& ex) : p_(program), ex_(ex) {}

  // Empty when the rule matches, else why not.
  std::string WhyNot(const RuleOutcome& rule, bool* failed) const {
    std::vector<std::string> reasons;
    if (!rule.users.empty() &&
        std::find(rule.users.begin(), rule.users.end(), ex_.user) == rule.users.end()) {
      reasons.push_back("user \"" + ex_.user + "\" is not one of " + JoinQuoted(rule.users));
    }
    if (!rule.domains.empty() &&
        std::none_of(rule.domains.begin(), rule.domains.end(),
                     [&](const std::string& d) { return DomainMatches(ex_.domain, d); })) {
      reasons.push_back((ex_.domain.empty() ? std::string("no login domain")
                                            : "login domain \"" + ex_.domain + "\"") +
                        " matches none of " + JoinQuoted(rule.domains));
    }
    if ((!rule.groups.empty() || !rule.patterns.empty()) && !GroupsMatch(rule, failed)) {
      std::vector<std::string> wanted = rule.groups;
      for (uint32_t pattern : rule.patterns) {
        wanted.push_back("/" + p_.patterns[pattern].source + "/");
      }
      reasons.push_back("none of the groups " + JoinQuoted(ex_.groups) + " is in or matches " +
                        JoinQuoted(wanted));
    }
    std::string out;
    for (const std::string& r : reasons) out += (out.empty() ? "" : "; ") + r;
    return out;
  }

 private:
  bool GroupsMatch(const RuleOutcome& rule, bool* failed) const {
    for (const std::string& group : ex_.groups) {
      if (std::find(rule.groups.begin(), rule.groups.end(), group) != rule.groups.end()) {
        return true;
      }
      for (uint32_t pattern : rule.patterns) {
        if (internal::FullMatch(p_.patterns[pattern].regex, group, failed)) return true;
      }
    }
    return false;
  }

  const Program& p_;
  const Explanation& ex_;
};

void DescribeMappings(const Program& p, const PolicyInput& input, Explanation* ex,
                      std::set<std::string>* groups, bool* failed) {
  std::vector<uint32_t> keys;
  std::vector<size_t> applied;
  internal::ApplyGroupMappings(p, input, &keys, &applied, failed);
  for (size_t index : applied) {
    const internal::Mapping& m = p.mappings[index];
    std::string line = m.source == GroupMappingSpec::Source::kAttribute
                           ? "attribute " + m.attribute + (m.is_regex ? " ~ /" : " = ")
                           : std::string(m.is_regex ? "external group ~ /" : "external group ");
    line +=
        m.value + (m.is_regex ? "/" : "") + " (line " + std::to_string(m.position.line) + ") ->";
    for (uint32_t key : m.groups) {
      line += " " + p.group_names[key];
      groups->insert(p.group_names[key]);
    }
    ex->mappings.push_back(std::move(line));
  }
}

void DescribeEnablementAndBypass(const Program& p, const PolicyInput& input, Explanation* ex) {
  auto user = p.user_ids.find(ex->user);
  const internal::UserKey* user_key = user == p.user_ids.end() ? nullptr : &p.users[user->second];
  uint8_t strictest = 0;
  std::string strictest_group;
  for (const std::string& name : ex->groups) {
    auto it = p.group_ids.find(name);
    if (it == p.group_ids.end()) continue;
    const internal::GroupKey& group = p.groups[it->second];
    if (group.enablement > strictest) {
      strictest = group.enablement;
      strictest_group = name;
    }
    if (input.now < group.bypass_until && ex->bypass_source.empty()) {
      ex->bypass_source =
          "group " + name + " until " + internal::FormatUnixTime(group.bypass_until);
    }
  }
  if (user_key != nullptr && user_key->enablement != 0) {
    ex->enablement_source = "user " + ex->user;
  } else if (strictest != 0) {
    ex->enablement_source = "group " + strictest_group;
  } else {
    ex->enablement_source = "default";
  }
  if (user_key != nullptr && input.now < user_key->bypass_until) {
    ex->bypass_source =
        "user " + ex->user + " until " + internal::FormatUnixTime(user_key->bypass_until);
  }
  if (input.bypass_until.has_value() && input.now < *input.bypass_until) {
    ex->bypass_source = "the store, until " + internal::FormatUnixTime(*input.bypass_until);
  }
}

}  // namespace

Result<Explanation> Explain(const CompiledPolicy& policy, const PolicyInput& input) {
  const Program& p = policy.program();
  PreparedInput prepared;
  Status status = policy.Prepare(input, &prepared);
  if (!status.ok()) return status;
  Explanation ex;
  ex.decision = policy.Evaluate(prepared);
  ex.user = internal::AsciiLower(input.user);
  ex.domain = internal::AsciiLower(internal::LoginDomain(input.user, input.email));

  bool failed = false;
  std::set<std::string> groups(input.groups.begin(), input.groups.end());
  DescribeMappings(p, input, &ex, &groups, &failed);
  ex.groups.assign(groups.begin(), groups.end());
  DescribeEnablementAndBypass(p, input, &ex);

  RuleWalker walker(p, ex);
  uint32_t matched = kDefaultRuleIndex;
  for (uint32_t i = 0; i < p.rules.size(); ++i) {
    const RuleOutcome& rule = p.outcomes[i];
    RuleTrace trace{rule.id, rule.priority, rule.position, false, walker.WhyNot(rule, &failed)};
    trace.matched = trace.why_not.empty();
    ex.rules.push_back(std::move(trace));
    if (ex.rules.back().matched) {
      matched = i;
      break;
    }
  }
  if (failed) return Status::Internal("a policy regex failed to run");
  if (matched != ex.decision.rule_index) {
    return Status::Internal("explain found rule " + std::to_string(matched) +
                            " but Evaluate decided rule " + std::to_string(ex.decision.rule_index));
  }
  return ex;
}

}  // namespace keystorm::policy
