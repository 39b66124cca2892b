// PolicySpec -> Program (program.h describes the layout).
#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <numeric>
#include <string>
#include <utility>

#include "compile_checks.h"
#include "diagnostic_sink.h"
#include "keystorm/policy/parser.h"
#include "keystorm/policy/policy.h"
#include "program.h"
#include "regex_pattern.h"
#include "text.h"

namespace keystorm::policy {
namespace internal {
namespace {

std::atomic<uint64_t> next_instance{1};

uint32_t Intern(StringIdMap* map, std::string_view name) {
  auto [it, inserted] = map->try_emplace(std::string(name), static_cast<uint32_t>(map->size()));
  return it->second;
}

void SetBit(std::vector<uint64_t>* pool, uint32_t offset, uint32_t bit) {
  (*pool)[offset + bit / 64] |= uint64_t{1} << (bit % 64);
}

class Builder {
 public:
  Builder(const PolicySpec& spec, uint64_t version, DiagnosticSink* sink)
      : spec_(spec), sink_(sink), program_(std::make_unique<Program>()) {
    program_->version = version;
    program_->instance = next_instance.fetch_add(1, std::memory_order_relaxed);
  }

  std::unique_ptr<Program> Build() {
    Program& p = *program_;
    p.default_enablement = spec_.default_enablement;
    p.reset_login = spec_.reset_login;
    BuildProfiles();
    InternNames();
    BuildPatterns();
    BuildKeyAttributes();
    BuildMappings();
    OrderRules();
    BuildRules();
    WarnShadowedRules();
    return std::move(program_);
  }

 private:
  void BuildProfiles() {
    for (const auto& profile : spec_.authenticators) {
      profile_index_[profile.name] = static_cast<uint32_t>(program_->authenticators.size());
      program_->authenticators.push_back(MakeAuthenticatorPolicy(profile));
    }
    if (profile_index_.count("default") == 0) {
      AuthenticatorSpec defaults;
      defaults.name = "default";
      profile_index_["default"] = static_cast<uint32_t>(program_->authenticators.size());
      program_->authenticators.push_back(MakeAuthenticatorPolicy(defaults));
    }
    program_->default_authenticator = profile_index_.at("default");
  }

  // Every user, domain and group the policy names gets its key.
  void InternNames() {
    Program& p = *program_;
    for (const auto& e : spec_.user_enablement) Intern(&p.user_ids, AsciiLower(e.name));
    for (const auto& g : spec_.known_groups) Intern(&p.group_ids, g.value);
    for (const auto& e : spec_.group_enablement) Intern(&p.group_ids, e.name);
    for (const auto& b : spec_.bypasses) {
      if (b.subject == BypassSpec::Subject::kUser) {
        Intern(&p.user_ids, AsciiLower(b.name));
      } else {
        Intern(&p.group_ids, b.name);
      }
    }
    for (const auto& m : spec_.group_mappings) {
      for (const auto& g : m.groups) Intern(&p.group_ids, g.value);
    }
    for (const RuleSpec& rule : spec_.rules) {
      for (const auto& u : rule.users) Intern(&p.user_ids, AsciiLower(u.value));
      for (const auto& g : rule.groups) Intern(&p.group_ids, g.value);
      for (const auto& d : rule.domains) DomainKeyOf(d.value);
    }
    p.users.resize(p.user_ids.size());
    p.domains.resize(p.domain_ids.size() + p.domain_suffix_ids.size());
    p.known_groups = static_cast<uint32_t>(p.group_ids.size());
    p.group_names.resize(p.known_groups);
    for (const auto& [name, id] : p.group_ids) p.group_names[id] = name;
  }

  // Domain keys are shared by the exact and the suffix map: exact ones get
  // ids as they come, so number both through one counter.
  uint32_t DomainKeyOf(std::string_view written) {
    Program& p = *program_;
    std::string domain = AsciiLower(written);
    StringIdMap* map = &p.domain_ids;
    if (domain.starts_with("*.")) {
      domain.erase(0, 1);  // "*.example.com" -> ".example.com"
      map = &p.domain_suffix_ids;
    }
    auto it = map->find(domain);
    if (it != map->end()) return it->second;
    uint32_t id = domain_count_++;
    map->emplace(std::move(domain), id);
    return id;
  }

  // One pattern key per distinct group_regex, after the known groups; each
  // pattern is run once on every known group name (the pre-evaluation).
  void BuildPatterns() {
    Program& p = *program_;
    for (const RuleSpec& rule : spec_.rules) {
      for (const auto& written : rule.group_regex) {
        if (pattern_index_.count(written.value) != 0) continue;
        Pattern pattern;
        pattern.source = written.value;
        std::string error;
        if (!CompilePattern(written.value, &pattern.regex, &error)) {
          sink_->Error(written.position, error);  // CheckSpec saw it already
          continue;
        }
        pattern.key = static_cast<uint32_t>(p.group_names.size());
        p.group_names.push_back("/" + written.value + "/");
        pattern_index_[written.value] = static_cast<uint32_t>(p.patterns.size());
        p.patterns.push_back(std::move(pattern));
      }
    }
    p.groups.resize(p.group_names.size());
    p.group_words = static_cast<uint32_t>((p.groups.size() + 63) / 64);
    p.domain_words = static_cast<uint32_t>((p.domains.size() + 63) / 64);
    pattern_matches_.resize(p.patterns.size());
    for (size_t i = 0; i < p.patterns.size(); ++i) {
      for (uint32_t g = 0; g < p.known_groups; ++g) {
        bool failed = false;
        if (FullMatch(p.patterns[i].regex, p.group_names[g], &failed)) {
          pattern_matches_[i].push_back(g);
        }
        if (failed) {
          sink_->Error({}, "group_regex /" + p.patterns[i].source + "/ failed on group \"" +
                               p.group_names[g] + "\"");
        }
      }
    }
  }

  void BuildKeyAttributes() {
    Program& p = *program_;
    for (const auto& e : spec_.user_enablement) {
      p.users[p.user_ids.at(AsciiLower(e.name))].enablement = static_cast<uint8_t>(e.enablement);
    }
    for (const auto& e : spec_.group_enablement) {
      p.groups[p.group_ids.at(e.name)].enablement = static_cast<uint8_t>(e.enablement);
    }
    for (const auto& b : spec_.bypasses) {
      int64_t* until = b.subject == BypassSpec::Subject::kUser
                           ? &p.users[p.user_ids.at(AsciiLower(b.name))].bypass_until
                           : &p.groups[p.group_ids.at(b.name)].bypass_until;
      *until = std::max(*until, b.until);
    }
  }

  void BuildMappings() {
    Program& p = *program_;
    for (const auto& spec : spec_.group_mappings) {
      Mapping m;
      m.source = spec.source;
      m.attribute = spec.attribute;
      m.value = spec.value.value;
      m.is_regex = spec.regex;
      m.position = spec.position;
      std::string error;
      if (m.is_regex && !CompilePattern(m.value, &m.regex, &error)) {
        sink_->Error(spec.value.position, error);
        continue;
      }
      for (const auto& g : spec.groups) m.groups.push_back(p.group_ids.at(g.value));
      std::sort(m.groups.begin(), m.groups.end());
      m.groups.erase(std::unique(m.groups.begin(), m.groups.end()), m.groups.end());
      p.mappings.push_back(std::move(m));
    }
  }

  void OrderRules() {
    order_.resize(spec_.rules.size());
    std::iota(order_.begin(), order_.end(), 0);
    std::stable_sort(order_.begin(), order_.end(), [&](size_t a, size_t b) {
      return spec_.rules[a].priority.value < spec_.rules[b].priority.value;
    });
  }

  RuleOutcome MakeOutcome(const RuleSpec& rule) {
    RuleOutcome o;
    o.id = rule.id;
    o.priority = rule.priority.value;
    o.position = rule.position;
    o.target_kind = rule.target.kind;
    o.target = rule.target.value;
    o.login_template =
        rule.login_template.value.empty() ? spec_.login_template : rule.login_template.value;
    o.logout_template =
        rule.logout_template.value.empty() ? spec_.logout_template : rule.logout_template.value;
    const std::string& profile =
        rule.authenticator.value.empty() ? std::string("default") : rule.authenticator.value;
    o.authenticator = profile_index_.at(profile);
    for (const auto& u : rule.users) o.users.push_back(AsciiLower(u.value));
    for (const auto& d : rule.domains) o.domains.push_back(AsciiLower(d.value));
    for (const auto& g : rule.groups) o.groups.push_back(g.value);
    for (const auto& r : rule.group_regex) {
      auto it = pattern_index_.find(r.value);
      if (it != pattern_index_.end()) o.patterns.push_back(it->second);
    }
    return o;
  }

  // Group keys a rule's group criteria cover: its exact groups, its pattern
  // keys and the known groups its patterns match.
  std::vector<uint32_t> GroupKeysOf(const RuleOutcome& o) {
    const Program& p = *program_;
    std::vector<uint32_t> keys;
    for (const auto& g : o.groups) keys.push_back(p.group_ids.at(g));
    for (uint32_t pattern : o.patterns) {
      keys.push_back(p.patterns[pattern].key);
      keys.insert(keys.end(), pattern_matches_[pattern].begin(), pattern_matches_[pattern].end());
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
  }

  uint32_t NewBitset(uint32_t words) {
    auto offset = static_cast<uint32_t>(program_->bit_pool.size());
    program_->bit_pool.resize(program_->bit_pool.size() + words, 0);
    return offset;
  }

  void BuildRules() {
    Program& p = *program_;
    std::vector<std::vector<uint32_t>> user_lists(p.users.size());
    std::vector<std::vector<uint32_t>> domain_lists(p.domains.size());
    for (uint32_t index = 0; index < order_.size(); ++index) {
      const RuleSpec& rule = spec_.rules[order_[index]];
      RuleOutcome o = MakeOutcome(rule);
      RuleCode code;
      std::vector<uint32_t> domain_keys;
      for (const auto& d : rule.domains) domain_keys.push_back(DomainKeyOf(d.value));
      std::vector<uint32_t> group_keys = GroupKeysOf(o);
      if (!o.users.empty()) code.constrained |= kUserKind;
      if (!domain_keys.empty()) code.constrained |= kDomainKind;
      if (!o.groups.empty() || !o.patterns.empty()) code.constrained |= kGroupKind;
      // The driver is the most selective kind the rule has.
      if (code.constrained & kUserKind) {
        code.driver = kUserKind;
        for (const auto& u : o.users) user_lists[p.user_ids.at(u)].push_back(index);
      } else if (code.constrained & kDomainKind) {
        code.driver = kDomainKind;
        for (uint32_t d : domain_keys) domain_lists[d].push_back(index);
      } else if (code.constrained & kGroupKind) {
        code.driver = kGroupKind;
        // Rules come in priority order: the first one a key sees is its best.
        for (uint32_t g : group_keys) {
          if (p.groups[g].first_rule == kNone) p.groups[g].first_rule = index;
        }
      } else if (p.first_unconstrained == kNone) {
        p.first_unconstrained = index;
      }
      if ((code.constrained & kDomainKind) && code.driver != kDomainKind) {
        code.domain_bits = NewBitset(p.domain_words);
        for (uint32_t d : domain_keys) SetBit(&p.bit_pool, code.domain_bits, d);
      }
      if ((code.constrained & kGroupKind) && code.driver != kGroupKind) {
        code.group_bits = NewBitset(p.group_words);
        for (uint32_t g : group_keys) SetBit(&p.bit_pool, code.group_bits, g);
      }
      p.rules.push_back(code);
      p.outcomes.push_back(std::move(o));
    }
    p.outcomes.push_back(MakeOutcome(spec_.default_rule));
    auto flatten = [&](std::vector<std::vector<uint32_t>>& lists, auto& keys) {
      for (size_t k = 0; k < lists.size(); ++k) {
        std::vector<uint32_t>& list = lists[k];
        std::sort(list.begin(), list.end());
        list.erase(std::unique(list.begin(), list.end()), list.end());
        keys[k].rules.begin = static_cast<uint32_t>(p.rule_lists.size());
        p.rule_lists.insert(p.rule_lists.end(), list.begin(), list.end());
        keys[k].rules.end = static_cast<uint32_t>(p.rule_lists.size());
      }
    };
    flatten(user_lists, p.users);
    flatten(domain_lists, p.domains);
  }

  void WarnShadowedRules() {
    const Program& p = *program_;
    if (p.first_unconstrained == kNone) return;
    const RuleOutcome& catch_all = p.outcomes[p.first_unconstrained];
    for (size_t i = p.first_unconstrained + 1; i < p.rules.size(); ++i) {
      sink_->Warning(p.outcomes[i].position,
                     "rule \"" + p.outcomes[i].id + "\" can never match: rule \"" + catch_all.id +
                         "\" (priority " + std::to_string(catch_all.priority) +
                         ") has no criteria and matches everyone first");
    }
  }

  const PolicySpec& spec_;
  DiagnosticSink* sink_;
  std::unique_ptr<Program> program_;
  uint32_t domain_count_ = 0;
  std::map<std::string, uint32_t> profile_index_;
  std::map<std::string, uint32_t> pattern_index_;
  std::vector<std::vector<uint32_t>> pattern_matches_;  // per pattern: known groups it matches
  std::vector<size_t> order_;                           // spec rule indices in priority order
};

}  // namespace
}  // namespace internal

Result<std::shared_ptr<const CompiledPolicy>> CompilePolicy(const PolicySpec& spec,
                                                            uint64_t version,
                                                            std::vector<Diagnostic>* diagnostics) {
  internal::DiagnosticSink sink(diagnostics);
  internal::CheckSpec(spec, &sink);
  if (sink.errors() > 0) return Status::InvalidArgument(FormatDiagnostic("", sink.first()));
  std::unique_ptr<internal::Program> program;
  try {
    program = internal::Builder(spec, version, &sink).Build();
  } catch (const std::exception& e) {  // std::bad_alloc, or a bug (std::out_of_range)
    return Status::Internal(std::string("policy compilation failed: ") + e.what());
  }
  if (sink.errors() > 0) return Status::InvalidArgument(FormatDiagnostic("", sink.first()));
  return std::shared_ptr<const CompiledPolicy>(
      std::make_shared<CompiledPolicy>(std::move(program)));
}

Result<std::shared_ptr<const CompiledPolicy>> LoadPolicy(std::string_view toml_text,
                                                         uint64_t version,
                                                         std::vector<Diagnostic>* diagnostics) {
  Result<PolicySpec> spec = ParsePolicy(toml_text, diagnostics);
  if (!spec) return spec.error();
  return CompilePolicy(*spec, version, diagnostics);
}

}  // namespace keystorm::policy
