#include "keystorm/policy/authenticator_policy.h"

#include <algorithm>

#include "keystorm/cose_key.h"

namespace keystorm::policy {

bool AuthenticatorPolicy::Admits(const Aaguid& aaguid, bool backup_eligible) const {
  if (backup_eligible && !backup_eligible_allowed) return false;
  if (std::find(denied_aaguids.begin(), denied_aaguids.end(), aaguid) != denied_aaguids.end()) {
    return false;
  }
  return allowed_aaguids.empty() ||
         std::find(allowed_aaguids.begin(), allowed_aaguids.end(), aaguid) != allowed_aaguids.end();
}

AuthenticatorPolicy MakeAuthenticatorPolicy(const AuthenticatorSpec& spec) {
  AuthenticatorPolicy out;
  out.name = spec.name;
  out.user_verification = spec.user_verification;
  out.attestation_required = spec.attestation_required;
  Requirements& r = out.requirements;
  r.user_verification_required = spec.user_verification == UserVerification::kRequired;
  for (const auto& alg : spec.algorithms) r.allowed_algorithms.push_back(alg.value);
  // The engine checks allow_rs1 before the list; keep the two in agreement.
  r.allow_rs1 = spec.algorithms.empty() ||
                std::any_of(spec.algorithms.begin(), spec.algorithms.end(), [](const auto& a) {
                  return a.value == static_cast<int64_t>(CoseAlgorithm::kRS1);
                });
  r.sign_count_policy = spec.sign_count;
  r.allow_backup_eligibility_upgrade = spec.backup_eligibility_upgrade;
  // "Attestation required": a statement from the authenticator's maker, not
  // "none" and not self attestation. Trust anchors are the server's to add.
  r.allow_none_attestation = !spec.attestation_required;
  r.allow_self_attestation = !spec.attestation_required;
  out.allowed_aaguids = spec.allowed_aaguids;
  out.denied_aaguids = spec.denied_aaguids;
  out.backup_eligible_allowed = spec.backup_eligible_allowed;
  // The engine enforces the model list and the synced-passkey switch itself.
  r.allowed_aaguids = spec.allowed_aaguids;
  r.denied_aaguids = spec.denied_aaguids;
  r.allow_backup_eligible = spec.backup_eligible_allowed;
  return out;
}

}  // namespace keystorm::policy
