// CompiledPolicy::Prepare: strings to interned keys (the only part of a
// decision that touches strings, runs mappings and, for unknown group names,
// regexes).
#include <algorithm>
#include <string>

#include "group_mapping.h"
#include "keystorm/policy/policy.h"
#include "program.h"
#include "regex_pattern.h"
#include "text.h"

namespace keystorm::policy {
namespace {

Status CheckLimits(const PolicyInput& input) {
  if (input.user.size() > kMaxNameBytes) return Status::InvalidArgument("user name too long");
  if (input.email.size() > kMaxEmailBytes) return Status::InvalidArgument("email too long");
  if (input.groups.size() + input.external_groups.size() > kMaxInputGroups) {
    return Status::InvalidArgument("too many groups");
  }
  if (input.attributes.size() > kMaxInputAttributes) {
    return Status::InvalidArgument("too many attributes");
  }
  for (std::string_view g : input.groups) {
    if (g.size() > kMaxNameBytes) return Status::InvalidArgument("group name too long");
  }
  for (std::string_view g : input.external_groups) {
    if (g.size() > kMaxNameBytes) return Status::InvalidArgument("external group name too long");
  }
  for (const Attribute& a : input.attributes) {
    if (a.name.size() > kMaxNameBytes || a.value.size() > kMaxNameBytes) {
      return Status::InvalidArgument("attribute too long");
    }
  }
  return Status::Ok();
}

}  // namespace

Status CompiledPolicy::Prepare(const PolicyInput& input, PreparedInput* out) const {
  using internal::kNone;
  const internal::Program& p = *program_;
  out->program_instance_ = 0;  // unusable until complete
  out->domains_.clear();
  out->groups_.clear();
  Status limits = CheckLimits(input);
  if (!limits.ok()) return limits;

  internal::AsciiLowerInto(input.user, &out->scratch_);
  auto user = p.user_ids.find(std::string_view(out->scratch_));
  out->user_ = user == p.user_ids.end() ? kNone : user->second;

  internal::AsciiLowerInto(internal::LoginDomain(input.user, input.email), &out->scratch_);
  std::string_view domain = out->scratch_;
  if (!domain.empty()) {
    if (auto it = p.domain_ids.find(domain); it != p.domain_ids.end()) {
      out->domains_.push_back(it->second);
    }
    for (size_t dot = domain.find('.'); dot != std::string_view::npos;
         dot = domain.find('.', dot + 1)) {
      auto it = p.domain_suffix_ids.find(domain.substr(dot));
      if (it != p.domain_suffix_ids.end()) out->domains_.push_back(it->second);
    }
  }

  bool failed = false;
  for (std::string_view group : input.groups) {
    if (auto it = p.group_ids.find(group); it != p.group_ids.end()) {
      out->groups_.push_back(it->second);
      continue;
    }
    // The slow path: a group the policy does not know was not pre-evaluated,
    // so every regex runs on it now.
    for (const internal::Pattern& pattern : p.patterns) {
      if (internal::FullMatch(pattern.regex, group, &failed)) out->groups_.push_back(pattern.key);
    }
  }
  internal::ApplyGroupMappings(p, input, &out->groups_, nullptr, &failed);
  if (failed) return Status::Internal("a policy regex failed to run");
  std::sort(out->groups_.begin(), out->groups_.end());
  out->groups_.erase(std::unique(out->groups_.begin(), out->groups_.end()), out->groups_.end());
  out->group_bits_.assign(p.group_words, 0);
  for (uint32_t g : out->groups_) out->group_bits_[g / 64] |= uint64_t{1} << (g % 64);

  out->bypass_until_ = input.bypass_until.value_or(INT64_MIN);
  out->must_reregister_ = input.must_reregister;
  out->now_ = input.now;
  out->program_instance_ = p.instance;
  return Status::Ok();
}

Decision CompiledPolicy::Decide(const PolicyInput& input) const {
  PreparedInput prepared;
  if (!Prepare(input, &prepared).ok()) return Denied(DecisionReason::kInvalidInput);
  return Evaluate(prepared);
}

CompiledPolicy::CompiledPolicy(std::unique_ptr<const internal::Program> program)
    : program_(std::move(program)) {}

CompiledPolicy::~CompiledPolicy() = default;

uint64_t CompiledPolicy::version() const { return program_->version; }

size_t CompiledPolicy::rule_count() const { return program_->rules.size(); }

}  // namespace keystorm::policy
