#include "reference_interpreter.h"

#include <algorithm>
#include <cctype>

namespace keystorm::policy::testing {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

bool ReferenceInterpreter::WholeMatch(const std::string& pattern, std::string_view text) const {
  return std::regex_match(std::string(text), regexes_.at(pattern));
}

ReferenceInterpreter::ReferenceInterpreter(const PolicySpec& spec) : spec_(spec) {
  // Plain std::regex (backtracking executor), compiled here so that 100,000
  // users stay affordable; nothing is shared with the compiled program.
  auto add = [&](const std::string& pattern) {
    regexes_.try_emplace(pattern, pattern, std::regex::ECMAScript);
  };
  for (const RuleSpec& rule : spec.rules) {
    for (const auto& p : rule.group_regex) add(p.value);
  }
  for (const GroupMappingSpec& m : spec.group_mappings) {
    if (m.regex) add(m.value.value);
  }
  for (const RuleSpec& rule : spec.rules) ordered_.push_back(&rule);
  std::sort(ordered_.begin(), ordered_.end(), [](const RuleSpec* a, const RuleSpec* b) {
    return a->priority.value < b->priority.value;
  });
}

std::vector<std::string> ReferenceInterpreter::EffectiveGroups(const PolicyInput& input) const {
  std::vector<std::string> groups(input.groups.begin(), input.groups.end());
  for (const GroupMappingSpec& m : spec_.group_mappings) {
    bool applies = false;
    auto test = [&](std::string_view text) {
      return m.regex ? WholeMatch(m.value.value, text) : text == m.value.value;
    };
    if (m.source == GroupMappingSpec::Source::kExternalGroup) {
      for (std::string_view g : input.external_groups) applies = applies || test(g);
    } else {
      for (const Attribute& a : input.attributes) {
        applies = applies || (a.name == m.attribute && test(a.value));
      }
    }
    if (!applies) continue;
    for (const auto& g : m.groups) groups.push_back(g.value);
  }
  return groups;
}

bool ReferenceInterpreter::RuleMatches(const RuleSpec& rule, const std::string& user,
                                       const std::string& domain,
                                       const std::vector<std::string>& groups) const {
  if (!rule.users.empty()) {
    bool any = false;
    for (const auto& u : rule.users) any = any || Lower(u.value) == user;
    if (!any) return false;
  }
  if (!rule.domains.empty()) {
    bool any = false;
    for (const auto& d : rule.domains) {
      std::string written = Lower(d.value);
      if (written.rfind("*.", 0) == 0) {
        std::string suffix = written.substr(1);
        any = any || (domain.size() > suffix.size() &&
                      domain.compare(domain.size() - suffix.size(), suffix.size(), suffix) == 0);
      } else {
        any = any || domain == written;
      }
    }
    if (!any) return false;
  }
  if (!rule.groups.empty() || !rule.group_regex.empty()) {
    bool any = false;
    for (const std::string& g : groups) {
      for (const auto& want : rule.groups) any = any || want.value == g;
      for (const auto& pattern : rule.group_regex) any = any || WholeMatch(pattern.value, g);
    }
    if (!any) return false;
  }
  return true;
}

ReferenceDecision ReferenceInterpreter::Decide(const PolicyInput& input) const {
  std::string user = Lower(input.user);
  std::string_view address = input.email.empty() ? input.user : input.email;
  size_t at = address.rfind('@');
  std::string domain = at == std::string_view::npos ? "" : Lower(address.substr(at + 1));
  std::vector<std::string> groups = EffectiveGroups(input);

  // Enablement: the user's entry, else the strictest of the groups' entries,
  // else the default.
  std::optional<Enablement> by_user, by_group;
  for (const auto& e : spec_.user_enablement) {
    if (Lower(e.name) == user) by_user = e.enablement;
  }
  for (const auto& e : spec_.group_enablement) {
    if (Contains(groups, e.name) && (!by_group || e.enablement > *by_group)) {
      by_group = e.enablement;
    }
  }
  ReferenceDecision d;
  d.enablement = by_user ? *by_user : by_group ? *by_group : spec_.default_enablement;

  bool bypass = input.bypass_until.has_value() && input.now < *input.bypass_until;
  for (const BypassSpec& b : spec_.bypasses) {
    bool subject =
        b.subject == BypassSpec::Subject::kUser ? Lower(b.name) == user : Contains(groups, b.name);
    bypass = bypass || (subject && input.now < b.until);
  }

  const RuleSpec* rule = &spec_.default_rule;
  for (const RuleSpec* candidate : ordered_) {
    if (RuleMatches(*candidate, user, domain, groups)) {
      rule = candidate;
      break;
    }
  }
  d.rule_id = rule->id;
  d.target_kind = rule->target.kind;
  d.login_template =
      rule->login_template.value.empty() ? spec_.login_template : rule->login_template.value;
  d.logout_template =
      rule->logout_template.value.empty() ? spec_.logout_template : rule->logout_template.value;
  d.authenticator = rule->authenticator.value.empty() ? "default" : rule->authenticator.value;

  switch (rule->target.kind) {
    case TargetKind::kDeny:
      d.action = Action::kDeny;
      d.reason = DecisionReason::kRuleDenies;
      return d;
    case TargetKind::kIdentityProvider:
    case TargetKind::kUrl:
      d.action = Action::kRedirect;
      d.reason = DecisionReason::kRedirected;
      d.target = rule->target.value;
      return d;
    case TargetKind::kLocal:
      break;
  }
  if (d.enablement == Enablement::kDisabled) {
    d.action = Action::kPassword;
    d.reason = DecisionReason::kWebAuthnDisabled;
  } else if (bypass) {
    d.action = Action::kPassword;
    d.reason = DecisionReason::kBypass;
  } else if (input.must_reregister) {
    d.reason = DecisionReason::kReset;
    d.action = spec_.reset_login == ResetLogin::kDeny ? Action::kDeny : Action::kPassword;
    d.must_register = spec_.reset_login != ResetLogin::kDeny;
  } else {
    d.action = Action::kWebAuthn;
    d.password_fallback = d.enablement == Enablement::kOptional;
    d.reason =
        d.password_fallback ? DecisionReason::kWebAuthnOptional : DecisionReason::kWebAuthnRequired;
  }
  return d;
}

}  // namespace keystorm::policy::testing
