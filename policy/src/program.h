// Private: the layout of a compiled policy (the "decision program").
//
// Rules are flattened in priority order; a rule's index is its position, so
// "first match wins" is "smallest matching index". Users, login domains and
// groups are interned to dense integer keys.
//
// Every constrained rule has one "driver" kind: users if it lists users, else
// domains if it lists domains, else groups. Evaluate finds the smallest
// matching index like this:
//   - group-driven rules constrain nothing but groups, so any one of the
//     user's group keys that is in the rule's group set makes it match. Each
//     group key therefore carries only the smallest such rule (first_rule),
//     and the user's groups give min(first_rule) without a branch;
//   - domain- and user-driven rules sit in sorted per-key lists; Evaluate
//     walks the lists of the user's few domain keys and user key, stops at
//     the best index found so far, and verifies the rule's other kinds with
//     bitsets: `domain_bits` over domain keys, `group_bits` over group keys
//     (the "group set as bitset" intersection).
// The cost follows the user's own keys, not the number of rules.
//
// Group regexes are pre-evaluated at compile time against every group name
// the policy knows; each regex also gets a pattern key of its own, which
// Prepare adds for unknown group names the regex matches (the slow path).
#ifndef KEYSTORM_POLICY_SRC_PROGRAM_H_
#define KEYSTORM_POLICY_SRC_PROGRAM_H_

#include <cstdint>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "keystorm/policy/authenticator_policy.h"
#include "keystorm/policy/diagnostic.h"
#include "keystorm/policy/policy_spec.h"

namespace keystorm::policy::internal {

inline constexpr uint32_t kNone = 0xffffffff;

// Kinds of criteria, as bits.
inline constexpr uint8_t kUserKind = 1;
inline constexpr uint8_t kDomainKind = 2;
inline constexpr uint8_t kGroupKind = 4;

// Transparent hashing so that lookups by string_view do not allocate.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using StringIdMap = std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>>;

// [begin, end) in Program::rule_lists.
struct ListRange {
  uint32_t begin = 0;
  uint32_t end = 0;
};

// The hot part of a rule: what Evaluate reads for a domain- or user-driven
// candidate.
struct RuleCode {
  uint8_t constrained = 0;       // kinds the rule has criteria for
  uint8_t driver = 0;            // the kind whose key lists carry this rule
  uint32_t domain_bits = kNone;  // offset in bit_pool, when domains need verifying
  uint32_t group_bits = kNone;   // offset in bit_pool, when groups need verifying
};

// The cold part: the outcome and, for Explain, the rule as written.
struct RuleOutcome {
  std::string id;
  int64_t priority = 0;
  SourcePosition position;
  TargetKind target_kind = TargetKind::kLocal;
  std::string target;
  std::string login_template;
  std::string logout_template;
  uint32_t authenticator = 0;        // index in Program::authenticators
  std::vector<std::string> users;    // lower-cased
  std::vector<std::string> domains;  // lower-cased, "*.x" kept as written
  std::vector<std::string> groups;
  std::vector<uint32_t> patterns;  // indices in Program::patterns
};

// Enablement stored as a byte: 0 = no entry, else the Enablement value.
struct UserKey {
  uint8_t enablement = 0;
  int64_t bypass_until = INT64_MIN;
  ListRange rules;
};

struct DomainKey {
  ListRange rules;
};

struct GroupKey {
  int64_t bypass_until = INT64_MIN;
  uint32_t first_rule = kNone;  // smallest group-driven rule this key triggers
  uint8_t enablement = 0;
};

// A compiled group_regex. regex_match semantics (the whole name must match).
struct Pattern {
  std::string source;
  std::regex regex;
  uint32_t key = kNone;  // the pattern's own group key
};

struct Mapping {
  GroupMappingSpec::Source source = GroupMappingSpec::Source::kExternalGroup;
  std::string attribute;
  std::string value;
  bool is_regex = false;
  std::regex regex;
  std::vector<uint32_t> groups;  // known group keys to add
  SourcePosition position;
};

struct Program {
  uint64_t version = 0;
  uint64_t instance = 0;  // unique per process; binds PreparedInputs to this program
  Enablement default_enablement = Enablement::kOptional;
  ResetLogin reset_login = ResetLogin::kPasswordThenRegister;

  StringIdMap user_ids;           // lower-cased name -> user key
  StringIdMap domain_ids;         // exact domain -> domain key
  StringIdMap domain_suffix_ids;  // ".example.com" (from "*.example.com") -> domain key
  StringIdMap group_ids;          // known group name -> group key
  std::vector<UserKey> users;
  std::vector<DomainKey> domains;
  std::vector<GroupKey> groups;          // known groups first, then one per pattern
  std::vector<std::string> group_names;  // for Explain; pattern keys hold "/regex/"
  uint32_t known_groups = 0;
  uint32_t group_words = 0;   // words of a group bitset
  uint32_t domain_words = 0;  // words of a domain bitset

  std::vector<uint32_t> rule_lists;      // CSR: user and domain keys' driver rules, ascending
  std::vector<uint64_t> bit_pool;        // rule bitsets, see RuleCode
  std::vector<RuleCode> rules;           // priority order
  std::vector<RuleOutcome> outcomes;     // rules.size() + 1; the last is [default]
  uint32_t first_unconstrained = kNone;  // earliest rule with no criteria

  std::vector<Pattern> patterns;
  std::vector<Mapping> mappings;
  std::vector<AuthenticatorPolicy> authenticators;
  uint32_t default_authenticator = 0;  // the profile named "default"
};

}  // namespace keystorm::policy::internal

#endif  // KEYSTORM_POLICY_SRC_PROGRAM_H_
