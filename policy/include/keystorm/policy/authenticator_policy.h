// AuthenticatorPolicy: one compiled [authenticator.NAME] profile.
//
// `requirements` is exactly what the engine's Verifier enforces (verifier.h):
// the caller copies it into RegistrationExpectations / AssertionExpectations,
// so the policy and the verification cannot disagree — the AAGUID lists and
// the synced-passkey switch included (the engine answers policy_denied).
// Admits() answers the same question without a ceremony (admin views).
//
// Immutable, owned by its CompiledPolicy; safe to share between threads.
#ifndef KEYSTORM_POLICY_AUTHENTICATOR_POLICY_H_
#define KEYSTORM_POLICY_AUTHENTICATOR_POLICY_H_

#include <string>
#include <vector>

#include "keystorm/export.h"
#include "keystorm/policy/policy_spec.h"
#include "keystorm/verifier.h"

namespace keystorm::policy {

struct KEYSTORM_EXPORT AuthenticatorPolicy {
  std::string name;
  // For the ceremony options sent to the browser; `requirements` carries the
  // verification side (required -> user_verification_required).
  UserVerification user_verification = UserVerification::kPreferred;
  // Ask for attestation ("direct") rather than "none".
  bool attestation_required = false;
  Requirements requirements;
  std::vector<Aaguid> allowed_aaguids;  // empty: any model
  std::vector<Aaguid> denied_aaguids;
  bool backup_eligible_allowed = true;

  // True when an authenticator of model `aaguid` with backup eligibility
  // `backup_eligible` is acceptable: not denied, allowed when an allow-list
  // exists, and not a synced passkey when those are refused.
  bool Admits(const Aaguid& aaguid, bool backup_eligible) const;
};

// Builds the compiled profile from its spec. REQUIRES: the spec passed the
// compiler's checks (known algorithms).
KEYSTORM_EXPORT AuthenticatorPolicy MakeAuthenticatorPolicy(const AuthenticatorSpec& spec);

}  // namespace keystorm::policy

#endif  // KEYSTORM_POLICY_AUTHENTICATOR_POLICY_H_
