// PolicySpec: a policy file as written, before compilation.
//
// The parser (parser.h) fills it from TOML and keeps where each part was
// written, so the compiler's errors point at the line that caused them. Code
// (tests, tools) may also build one directly; the compiler checks it in full
// either way. docs/policy.md describes every field as the file spells it.
#ifndef KEYSTORM_POLICY_POLICY_SPEC_H_
#define KEYSTORM_POLICY_POLICY_SPEC_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "keystorm/export.h"
#include "keystorm/policy/diagnostic.h"
#include "keystorm/verifier.h"

namespace keystorm::policy {

// How WebAuthn applies to a user. The numeric order is strictness: when a
// user's groups disagree, the strictest wins.
enum class Enablement : uint8_t {
  kDisabled = 1,  // password login only
  kOptional = 2,  // WebAuthn offered, password still allowed
  kRequired = 3,  // WebAuthn only
};

// WebAuthn's UserVerificationRequirement for the ceremony options.
enum class UserVerification : uint8_t { kRequired, kPreferred, kDiscouraged };

// Where a rule sends a login.
enum class TargetKind : uint8_t {
  kLocal,             // the local login page; Enablement picks WebAuthn or password
  kIdentityProvider,  // an identity provider declared under [identity_providers]
  kUrl,               // a URL from [redirect].allowed_urls
  kDeny,              // refuse the login
};

// What the next login does after an administrator reset a user's
// authenticators (the store's must_reregister flag).
enum class ResetLogin : uint8_t {
  kPasswordThenRegister,  // password login, then registration is forced
  kDeny,                  // refused until an administrator intervenes
};

using Aaguid = std::array<uint8_t, 16>;

// One [authenticator.NAME] profile: what a rule demands of authenticators.
struct KEYSTORM_EXPORT AuthenticatorSpec {
  std::string name;
  SourcePosition position;
  UserVerification user_verification = UserVerification::kPreferred;
  std::vector<Located<int64_t>> algorithms;  // COSE ids; empty: every implemented one
  bool attestation_required = false;         // refuse "none" and self attestation
  std::vector<Aaguid> allowed_aaguids;       // empty: any authenticator model
  std::vector<Aaguid> denied_aaguids;        // checked first
  bool backup_eligible_allowed = true;       // synced passkeys (BE=1) accepted
  SignCountPolicy sign_count = SignCountPolicy::kReject;
  bool backup_eligibility_upgrade = false;  // tolerate a stored BE=0 reporting BE=1
};

struct KEYSTORM_EXPORT TargetSpec {
  TargetKind kind = TargetKind::kLocal;
  std::string value;  // the IdP id or the URL; empty for kLocal and kDeny
  SourcePosition position;
};

// One [[rule]] (or the [default] rule). A rule matches when every criterion
// it lists holds: the user is one of `users`, the login domain is one of
// `domains`, and one of the user's groups is in `groups` or fully matches a
// `group_regex`. Within one list any entry suffices. A rule with no
// criteria matches everyone.
struct KEYSTORM_EXPORT RuleSpec {
  std::string id;
  SourcePosition position;
  Located<int64_t> priority;                  // lower runs first; unique; unused for [default]
  std::vector<Located<std::string>> users;    // compared ASCII case-insensitively
  std::vector<Located<std::string>> domains;  // "example.com" exact, "*.example.com" any subdomain
  std::vector<Located<std::string>> groups;   // exact, case-sensitive
  std::vector<Located<std::string>> group_regex;  // ECMAScript, must match the whole name
  TargetSpec target;
  Located<std::string> login_template;   // empty: [templates].login
  Located<std::string> logout_template;  // empty: [templates].logout
  Located<std::string> authenticator;    // a profile name; empty: "default"
};

// One [[bypass]]: the user or the members of the group skip WebAuthn (and
// log in with a password) until `until`.
struct KEYSTORM_EXPORT BypassSpec {
  enum class Subject : uint8_t { kUser, kGroup };
  Subject subject = Subject::kUser;
  std::string name;
  int64_t until = 0;  // unix seconds; the bypass holds while now < until
  std::string reason;
  SourcePosition position;
};

// One [[group_mapping]]: adds local groups when an identity provider's group
// or attribute matches. Every matching mapping applies, before the rules.
struct KEYSTORM_EXPORT GroupMappingSpec {
  enum class Source : uint8_t { kExternalGroup, kAttribute };
  Source source = Source::kExternalGroup;
  std::string attribute;                     // kAttribute: the attribute's name, exact
  Located<std::string> value;                // the group name or attribute value
  bool regex = false;                        // `value` is a regex that must match the whole string
  std::vector<Located<std::string>> groups;  // local groups to add
  SourcePosition position;
};

struct KEYSTORM_EXPORT IdentityProviderSpec {
  std::string id;
  std::string protocol;  // "saml" or "oidc"
  std::string display_name;
  SourcePosition position;
};

struct KEYSTORM_EXPORT NamedEnablement {
  std::string name;
  Enablement enablement = Enablement::kOptional;
  SourcePosition position;
};

struct KEYSTORM_EXPORT PolicySpec {
  int64_t format = 1;
  Enablement default_enablement = Enablement::kOptional;
  std::vector<NamedEnablement> user_enablement;
  std::vector<NamedEnablement> group_enablement;
  ResetLogin reset_login = ResetLogin::kPasswordThenRegister;
  std::vector<BypassSpec> bypasses;
  // Directory groups to pre-evaluate against every group_regex (fast path).
  std::vector<Located<std::string>> known_groups;
  std::vector<GroupMappingSpec> group_mappings;
  std::vector<IdentityProviderSpec> identity_providers;
  std::vector<Located<std::string>> allowed_redirects;
  std::string login_template = "login";
  std::string logout_template = "logout";
  // A profile named "default" is implied (the defaults above) when absent.
  std::vector<AuthenticatorSpec> authenticators;
  RuleSpec default_rule;        // id "default"; its criteria must be empty
  std::vector<RuleSpec> rules;  // in file order; evaluated by priority
};

}  // namespace keystorm::policy

#endif  // KEYSTORM_POLICY_POLICY_SPEC_H_
