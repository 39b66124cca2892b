// CompiledPolicy::Evaluate: the hot path. Integers only — no allocation, no
// lock, no regex. program.h explains the layout it walks.
#include <algorithm>
#include <span>

#include "keystorm/policy/policy.h"
#include "program.h"

namespace keystorm::policy {
namespace {

using internal::kNone;
using internal::ListRange;
using internal::Program;
using internal::RuleCode;

// The criteria of `code` other than its driver (which the caller's key list
// already satisfied).
inline bool VerifyOthers(const Program& p, const RuleCode& code, std::span<const uint32_t> domains,
                         const uint64_t* group_bits) {
  if (code.domain_bits != kNone) {
    const uint64_t* bits = &p.bit_pool[code.domain_bits];
    bool hit = false;
    for (uint32_t d : domains) hit |= (bits[d / 64] >> (d % 64)) & 1;
    if (!hit) return false;
  }
  if (code.group_bits != kNone) {
    const uint64_t* bits = &p.bit_pool[code.group_bits];
    uint64_t any = 0;
    for (uint32_t w = 0; w < p.group_words; ++w) any |= bits[w] & group_bits[w];
    if (any == 0) return false;
  }
  return true;
}

// The first rule of `range` before `best` whose other criteria hold, else
// `best`. Lists are ascending, so the walk stops at `best`.
inline uint32_t Scan(const Program& p, ListRange range, uint32_t best,
                     std::span<const uint32_t> domains, const uint64_t* group_bits) {
  for (uint32_t i = range.begin; i < range.end; ++i) {
    uint32_t rule = p.rule_lists[i];
    if (rule >= best) break;
    if (VerifyOthers(p, p.rules[rule], domains, group_bits)) return rule;
  }
  return best;
}

}  // namespace

Decision CompiledPolicy::Denied(DecisionReason reason) const noexcept {
  const Program& p = *program_;
  Decision d;
  d.action = Action::kDeny;
  d.reason = reason;
  d.target_kind = TargetKind::kDeny;
  d.authenticator = &p.authenticators[p.default_authenticator];
  d.policy_version = p.version;
  return d;
}

Decision CompiledPolicy::Evaluate(const PreparedInput& in) const noexcept {
  const Program& p = *program_;
  if (in.program_instance_ != p.instance) return Denied(DecisionReason::kInvalidInput);
  std::span<const uint32_t> domains(in.domains_);
  const uint64_t* group_bits = in.group_bits_.data();

  // The user's groups: the earliest group-driven rule, the strictest group
  // enablement and the latest bypass expiry, without a branch. Then the few
  // domain keys and the user key, whose rules may need verifying.
  uint32_t best = p.first_unconstrained;
  int64_t bypass_until = in.bypass_until_;
  uint8_t group_enablement = 0;
  for (uint32_t g : in.groups_) {
    const internal::GroupKey& group = p.groups[g];
    best = std::min(best, group.first_rule);
    group_enablement = std::max(group_enablement, group.enablement);
    bypass_until = std::max(bypass_until, group.bypass_until);
  }
  for (uint32_t d : domains) best = Scan(p, p.domains[d].rules, best, domains, group_bits);
  uint8_t user_enablement = 0;
  if (in.user_ != kNone) {
    const internal::UserKey& user = p.users[in.user_];
    user_enablement = user.enablement;
    bypass_until = std::max(bypass_until, user.bypass_until);
    best = Scan(p, user.rules, best, domains, group_bits);
  }

  Decision d;
  d.enablement = user_enablement != 0    ? static_cast<Enablement>(user_enablement)
                 : group_enablement != 0 ? static_cast<Enablement>(group_enablement)
                                         : p.default_enablement;
  const internal::RuleOutcome& o = best == kNone ? p.outcomes.back() : p.outcomes[best];
  d.rule_index = best == kNone ? kDefaultRuleIndex : best;
  d.rule_id = o.id;
  d.target_kind = o.target_kind;
  d.login_template = o.login_template;
  d.logout_template = o.logout_template;
  d.authenticator = &p.authenticators[o.authenticator];
  d.policy_version = p.version;
  switch (o.target_kind) {
    case TargetKind::kDeny:
      d.action = Action::kDeny;
      d.reason = DecisionReason::kRuleDenies;
      return d;
    case TargetKind::kIdentityProvider:
    case TargetKind::kUrl:
      d.action = Action::kRedirect;
      d.reason = DecisionReason::kRedirected;
      d.target = o.target;
      return d;
    case TargetKind::kLocal:
      break;
  }
  // Local login: disabled beats bypass beats reset beats WebAuthn.
  if (d.enablement == Enablement::kDisabled) {
    d.action = Action::kPassword;
    d.reason = DecisionReason::kWebAuthnDisabled;
  } else if (in.now_ < bypass_until) {
    d.action = Action::kPassword;
    d.reason = DecisionReason::kBypass;
  } else if (in.must_reregister_) {
    d.reason = DecisionReason::kReset;
    if (p.reset_login == ResetLogin::kDeny) {
      d.action = Action::kDeny;
    } else {
      d.action = Action::kPassword;
      d.must_register = true;
    }
  } else {
    d.action = Action::kWebAuthn;
    d.password_fallback = d.enablement == Enablement::kOptional;
    d.reason =
        d.password_fallback ? DecisionReason::kWebAuthnOptional : DecisionReason::kWebAuthnRequired;
  }
  return d;
}

}  // namespace keystorm::policy
