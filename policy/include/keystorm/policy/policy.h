// The compiled login policy: who logs in how.
//
// A policy file (docs/policy.md) is parsed and compiled once into an
// immutable CompiledPolicy. Deciding a login is then two calls:
//
//   PreparedInput prepared;                        // reuse one per thread
//   Status s = policy->Prepare(input, &prepared);  // strings -> integers
//   Decision d = policy->Evaluate(prepared);       // no allocation, no locks
//
// Prepare does everything that touches strings: it lower-cases and interns
// the user name and the login domain, applies the group mappings, and turns
// the user's groups into interned ids and a bitset. Group names the policy
// does not know go through the slow path there: each group_regex is run on
// them once. Evaluate then works on integers only: it neither allocates nor
// locks nor runs a regex, and its cost follows the user's groups, not the
// number of rules (docs/performance.md).
//
// A PreparedInput belongs to the policy that prepared it; Evaluate on another
// policy returns a kInvalidInput deny. Hot reload (policy_store.h) therefore
// prepares and evaluates on one snapshot.
//
// Thread safety: a CompiledPolicy is immutable; any number of threads may call
// its const methods at once. A PreparedInput is owned by one thread at a time.
#ifndef KEYSTORM_POLICY_POLICY_H_
#define KEYSTORM_POLICY_POLICY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "keystorm/export.h"
#include "keystorm/policy/decision.h"
#include "keystorm/policy/diagnostic.h"
#include "keystorm/policy/policy_spec.h"
#include "keystorm/status.h"

namespace keystorm::policy {

namespace internal {
struct Program;
}  // namespace internal

// Input limits: Prepare refuses larger input with InvalidArgument (and
// Decide turns that into a kInvalidInput deny), so a regex never runs on an
// unbounded string.
inline constexpr size_t kMaxNameBytes = 256;  // user, group, attribute value
inline constexpr size_t kMaxEmailBytes = 320;
inline constexpr size_t kMaxInputGroups = 4096;  // groups + external groups
inline constexpr size_t kMaxInputAttributes = 256;

// An identity-provider attribute (SAML attribute / OIDC claim) value.
struct KEYSTORM_EXPORT Attribute {
  std::string_view name;
  std::string_view value;
};

// Who is logging in. The views must stay valid for the Prepare call only.
struct KEYSTORM_EXPORT PolicyInput {
  std::string_view user;                     // login name
  std::string_view email;                    // may be empty; else its domain is the login domain
  std::span<const std::string_view> groups;  // local directory groups
  std::span<const std::string_view> external_groups;  // from the IdP, for mappings
  std::span<const Attribute> attributes;              // from the IdP, for mappings
  // From the store (per-user state): a bypass granted at run time, and an
  // administrator reset of the user's authenticators.
  std::optional<int64_t> bypass_until;  // unix seconds; active while now < it
  bool must_reregister = false;
  int64_t now = 0;  // unix seconds
};

// PolicyInput turned into integers by one CompiledPolicy's Prepare. Reusing
// one object across calls keeps its buffers: a warm one does not allocate,
// except to run a regex on a group name the policy does not know.
class KEYSTORM_EXPORT PreparedInput {
 public:
  PreparedInput() = default;

 private:
  friend class CompiledPolicy;
  uint64_t program_instance_ = 0;  // 0: not prepared
  uint32_t user_ = 0xffffffff;     // interned user, or none
  std::vector<uint32_t> domains_;  // domain keys the login domain matches
  std::vector<uint32_t> groups_;   // sorted, unique group keys
  std::vector<uint64_t> group_bits_;
  int64_t bypass_until_ = INT64_MIN;
  bool must_reregister_ = false;
  int64_t now_ = 0;
  std::string scratch_;  // lower-casing buffer
};

class KEYSTORM_EXPORT CompiledPolicy {
 public:
  // Use CompilePolicy / LoadPolicy. Takes ownership of the program.
  explicit CompiledPolicy(std::unique_ptr<const internal::Program> program);
  ~CompiledPolicy();
  CompiledPolicy(const CompiledPolicy&) = delete;
  CompiledPolicy& operator=(const CompiledPolicy&) = delete;

  // Fills *out for Evaluate. Returns InvalidArgument when the input exceeds
  // the limits above, Internal when a regex fails to run; *out is then
  // unusable (Evaluate denies it).
  Status Prepare(const PolicyInput& input, PreparedInput* out) const;

  // The decision for a prepared input. Allocates nothing, takes no lock.
  Decision Evaluate(const PreparedInput& input) const noexcept;

  // Prepare + Evaluate with a temporary PreparedInput (allocates). A refused
  // input gives a kInvalidInput deny.
  Decision Decide(const PolicyInput& input) const;

  uint64_t version() const;
  size_t rule_count() const;  // not counting [default]

  // For the policy library's own files (explain.cc, tests of the layout).
  const internal::Program& program() const { return *program_; }

 private:
  Decision Denied(DecisionReason reason) const noexcept;
  std::unique_ptr<const internal::Program> program_;
};

// Compiles a spec; `version` goes into every decision. On failure returns
// InvalidArgument (the first error) and appends all diagnostics, warnings
// included, to *diagnostics when it is not null.
KEYSTORM_EXPORT Result<std::shared_ptr<const CompiledPolicy>> CompilePolicy(const PolicySpec& spec,
                                                            uint64_t version,
                                                            std::vector<Diagnostic>* diagnostics);

// ParsePolicy + CompilePolicy.
KEYSTORM_EXPORT Result<std::shared_ptr<const CompiledPolicy>> LoadPolicy(std::string_view toml_text,
                                                         uint64_t version,
                                                         std::vector<Diagnostic>* diagnostics);

}  // namespace keystorm::policy

#endif  // KEYSTORM_POLICY_POLICY_H_
