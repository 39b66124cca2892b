// Decision: what the policy says one login must do.
//
// Every string_view and the authenticator pointer point into the
// CompiledPolicy that made the decision: they stay valid while the caller
// holds that policy (the shared_ptr from PolicyStore, or a PolicyReader that
// has not been refreshed). Copy them out before letting it go.
#ifndef KEYSTORM_POLICY_DECISION_H_
#define KEYSTORM_POLICY_DECISION_H_

#include <cstdint>
#include <string_view>

#include "keystorm/export.h"
#include "keystorm/policy/authenticator_policy.h"
#include "keystorm/policy/policy_spec.h"

namespace keystorm::policy {

enum class Action : uint8_t {
  kWebAuthn,  // local login with WebAuthn (password too when password_fallback)
  kPassword,  // local login with a password
  kRedirect,  // send the browser to `target` (an IdP id or a URL)
  kDeny,      // refuse the login
};

// Why the action is what it is; goes to the audit log with the rule id.
enum class DecisionReason : uint8_t {
  kWebAuthnRequired,  // local login, WebAuthn required
  kWebAuthnOptional,  // local login, WebAuthn offered, password allowed
  kWebAuthnDisabled,  // local login, WebAuthn disabled for this user
  kBypass,            // local login, an active bypass skips WebAuthn
  kReset,             // local login after an authenticator reset ([reset].login)
  kRedirected,        // the rule's target is an IdP or a URL
  kRuleDenies,        // the rule's target is "deny"
  kInvalidInput,      // the input was refused (Prepare failed, or prepared
                      // for another policy): fail closed
};

// Index of the [default] rule in Decision::rule_index.
inline constexpr uint32_t kDefaultRuleIndex = 0xfffffffe;

struct KEYSTORM_EXPORT Decision {
  Action action = Action::kDeny;
  DecisionReason reason = DecisionReason::kInvalidInput;
  // kWebAuthn only: the login page also offers the password (optional).
  bool password_fallback = false;
  // The login must end with registering a new authenticator (after a reset).
  bool must_register = false;
  // The user's WebAuthn enablement after user, group and default entries.
  Enablement enablement = Enablement::kRequired;
  TargetKind target_kind = TargetKind::kDeny;
  std::string_view target;  // IdP id or URL for kRedirect; empty otherwise
  std::string_view login_template;
  std::string_view logout_template;
  // The authenticator requirements of the rule; never null.
  const AuthenticatorPolicy* authenticator = nullptr;
  std::string_view rule_id;                 // "default" for the [default] rule
  uint32_t rule_index = kDefaultRuleIndex;  // position in priority order
  uint64_t policy_version = 0;              // for the audit log
};

// Stable snake_case names, for logs and the CLI.
KEYSTORM_EXPORT std::string_view ActionName(Action action);
KEYSTORM_EXPORT std::string_view DecisionReasonName(DecisionReason reason);
KEYSTORM_EXPORT std::string_view EnablementName(Enablement enablement);
KEYSTORM_EXPORT std::string_view TargetKindName(TargetKind kind);
KEYSTORM_EXPORT std::string_view UserVerificationName(UserVerification uv);

}  // namespace keystorm::policy

#endif  // KEYSTORM_POLICY_DECISION_H_
