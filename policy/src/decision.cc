#include "keystorm/policy/decision.h"

namespace keystorm::policy {

std::string_view ActionName(Action action) {
  switch (action) {
    case Action::kWebAuthn:
      return "webauthn";
    case Action::kPassword:
      return "password";
    case Action::kRedirect:
      return "redirect";
    case Action::kDeny:
      return "deny";
  }
  return "unknown";
}

std::string_view DecisionReasonName(DecisionReason reason) {
  switch (reason) {
    case DecisionReason::kWebAuthnRequired:
      return "webauthn_required";
    case DecisionReason::kWebAuthnOptional:
      return "webauthn_optional";
    case DecisionReason::kWebAuthnDisabled:
      return "webauthn_disabled";
    case DecisionReason::kBypass:
      return "bypass";
    case DecisionReason::kReset:
      return "reset";
    case DecisionReason::kRedirected:
      return "redirected";
    case DecisionReason::kRuleDenies:
      return "rule_denies";
    case DecisionReason::kInvalidInput:
      return "invalid_input";
  }
  return "unknown";
}

std::string_view EnablementName(Enablement enablement) {
  switch (enablement) {
    case Enablement::kDisabled:
      return "disabled";
    case Enablement::kOptional:
      return "optional";
    case Enablement::kRequired:
      return "required";
  }
  return "unknown";
}

std::string_view TargetKindName(TargetKind kind) {
  switch (kind) {
    case TargetKind::kLocal:
      return "local";
    case TargetKind::kIdentityProvider:
      return "idp";
    case TargetKind::kUrl:
      return "url";
    case TargetKind::kDeny:
      return "deny";
  }
  return "unknown";
}

std::string_view UserVerificationName(UserVerification uv) {
  switch (uv) {
    case UserVerification::kRequired:
      return "required";
    case UserVerification::kPreferred:
      return "preferred";
    case UserVerification::kDiscouraged:
      return "discouraged";
  }
  return "unknown";
}

}  // namespace keystorm::policy
