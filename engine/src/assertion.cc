// §7.2 Verifying an Authentication Assertion: the run order, A5 to A22.
// PrecheckAssertion holds the steps that need no stored credential, so a
// pipeline can run them before its batched lookup; FinishAssertion restores
// the spec's order of verdicts (A5-A6 before A7-A18).
#include <algorithm>

#include "ceremony_steps.h"
#include "keystorm/metadata.h"
#include "keystorm/verifier.h"

namespace keystorm {
namespace {

// A5: "If options.allowCredentials is not empty, verify that credential.id
// identifies one of the public key credentials listed in allowCredentials."
VerifyError CheckAllowCredentials(const AuthenticationResponse& r, const AssertionExpectations& e) {
  if (e.allow_credentials.empty()) return VerifyError::kOk;
  for (const Bytes& id : e.allow_credentials) {
    if (Equal(id, r.raw_id)) return VerifyError::kOk;
  }
  return VerifyError::kCredentialNotAllowed;
}

// A6: "Identify the user being authenticated and let credentialRecord be the
// credential record for the credential":
//  - user identified before the ceremony: the account holds the credential,
//    and a present userHandle equals the account's user handle;
//  - usernameless: userHandle is present and is the credential owner's.
VerifyError IdentifyUserAndCredential(const AuthenticationResponse& r,
                                      const AssertionExpectations& e,
                                      const StoredCredential* credential) {
  if (credential == nullptr || credential->public_key == nullptr) {
    return VerifyError::kUnknownCredential;
  }
  if (e.user_handle) {
    if (!Equal(credential->user_handle, *e.user_handle)) return VerifyError::kUserHandleMismatch;
    if (r.user_handle && !Equal(*r.user_handle, *e.user_handle)) {
      return VerifyError::kUserHandleMismatch;
    }
    return VerifyError::kOk;
  }
  if (!r.user_handle || r.user_handle->empty() ||
      !Equal(*r.user_handle, credential->user_handle)) {
    return VerifyError::kUserHandleMismatch;
  }
  return VerifyError::kOk;
}

// A19: "If the credential backup state is used as part of Relying Party
// business logic or policy": a stored BE must not change.
VerifyError CheckBackupEligibilityUnchanged(const AuthenticatorData& ad,
                                            const StoredCredential& credential,
                                            const Requirements& req) {
  if (ad.backup_eligible() == credential.backup_eligible) return VerifyError::kOk;
  if (req.allow_backup_eligibility_upgrade && !credential.backup_eligible) return VerifyError::kOk;
  return VerifyError::kBackupEligibilityChanged;
}

// A19 (policy half): "If the credential backup state is used as part of
// Relying Party business logic or policy": the operator's model list and
// synced-passkey switch, over the stored AAGUID and the current BE.
VerifyError CheckAuthenticatorAdmitted(const AuthenticatorData& ad,
                                       const StoredCredential& credential,
                                       const Requirements& req) {
  return AuthenticatorAdmitted(req, credential.aaguid, ad.backup_eligible())
             ? VerifyError::kOk
             : VerifyError::kPolicyDenied;
}

// A19 (metadata half), Keystorm's own step between A19 and A21: the
// credential's authenticator model must not have been revoked by FIDO
// metadata since it registered (R23-R24 judged it once, at registration;
// a compromise found later must stop its logins).  One hash lookup.
VerifyError CheckAuthenticatorNotRevoked(const StoredCredential& credential,
                                         const Requirements& req) {
  if (!req.metadata) return VerifyError::kOk;
  return req.metadata->IsRevoked(credential.aaguid) ? VerifyError::kAttestationRevoked
                                                    : VerifyError::kOk;
}

// A21: "Using credentialRecord.publicKey, verify that sig is a valid
// signature over the binary concatenation of authData and hash."
VerifyError CheckSignature(const AuthenticationResponse& r, const PublicKey& key,
                           const AssertionPrecheck& precheck) {
  return key.Verify2(r.authenticator_data, precheck.client_data_hash, r.signature,
                     precheck.prepared_signature)
             ? VerifyError::kOk
             : VerifyError::kSignatureInvalid;
}

// A22: "If authData.signCount is nonzero or credentialRecord.signCount is
// nonzero": greater than the stored value is fine; anything else is a
// clone signal, rejected or flagged by policy.
VerifyError CheckSignCount(const AuthenticatorData& ad, const StoredCredential& credential,
                           const Requirements& req, CredentialUpdate* update) {
  update->sign_count = std::max(ad.sign_count, credential.sign_count);
  if (ad.sign_count == 0 && credential.sign_count == 0) return VerifyError::kOk;
  if (ad.sign_count > credential.sign_count) return VerifyError::kOk;
  if (req.sign_count_policy == SignCountPolicy::kWarn) {
    update->sign_count_regressed = true;
    return VerifyError::kOk;
  }
  return VerifyError::kSignCountRegression;
}

}  // namespace

void Verifier::PrecheckAssertion(const AuthenticationResponse& response,
                                 const AssertionExpectations& expected, JsonScratch* scratch,
                                 AssertionPrecheck* out) const {
  const Requirements& req = expected.requirements;
  VerifyError& err = out->stateless_error;
  // A7: authData must be exactly rpIdHash ‖ flags ‖ signCount [‖ extensions].
  if ((err = ParseAuthenticatorData(response.authenticator_data, &out->auth_data)) !=
      VerifyError::kOk) {
    return;
  }
  if (out->auth_data.attested) {
    err = VerifyError::kMalformedAuthenticatorData;
    return;
  }
  // A8-A14.
  err = steps::VerifyClientData(response.client_data_json, steps::kTypeGet, expected.challenge,
                                config_, scratch);
  if (err != VerifyError::kOk) return;
  // A15-A18.
  if ((err = steps::VerifyAuthenticatorDataFlags(out->auth_data, rp_id_hash_, req,
                                                 steps::kTypeGet)) != VerifyError::kOk) {
    return;
  }
  // A20.
  out->client_data_hash = steps::HashClientData(response.client_data_json);
}

VerifyError Verifier::FinishAssertion(const AuthenticationResponse& response,
                                      const AssertionExpectations& expected,
                                      const AssertionPrecheck& precheck,
                                      const StoredCredential* credential,
                                      CredentialUpdate* update) const {
  const Requirements& req = expected.requirements;
  VerifyError err;
  // A5-A6 come first in the spec's order, so their verdict wins.
  if ((err = CheckAllowCredentials(response, expected)) != VerifyError::kOk) return err;
  if ((err = IdentifyUserAndCredential(response, expected, credential)) != VerifyError::kOk) {
    return err;
  }
  // A7-A18.
  if (precheck.stateless_error != VerifyError::kOk) return precheck.stateless_error;
  const AuthenticatorData& ad = precheck.auth_data;
  // A19.
  if ((err = CheckBackupEligibilityUnchanged(ad, *credential, req)) != VerifyError::kOk) return err;
  if ((err = CheckAuthenticatorAdmitted(ad, *credential, req)) != VerifyError::kOk) return err;
  if ((err = CheckAuthenticatorNotRevoked(*credential, req)) != VerifyError::kOk) return err;
  // A21, dispatching only on the stored key's algorithm.
  // The stored algorithm under the current policy (same rule as R20).
  if ((err = steps::CheckAlgorithmAllowed(credential->public_key->algorithm(), req)) !=
      VerifyError::kOk) {
    return err;
  }
  if ((err = CheckSignature(response, *credential->public_key, precheck)) !=
      VerifyError::kOk) {
    return err;
  }
  // A22.
  CredentialUpdate u;
  if ((err = CheckSignCount(ad, *credential, req, &u)) != VerifyError::kOk) return err;
  // A24: the updates, deferred to the caller's commit.
  u.backup_state = ad.backup_state();
  u.user_verified = ad.user_verified();
  u.uv_initialized = credential->uv_initialized || ad.user_verified();
  *update = u;
  return VerifyError::kOk;
}

VerifyError Verifier::VerifyAssertion(const AuthenticationResponse& response,
                                      const AssertionExpectations& expected,
                                      const StoredCredential* credential, JsonScratch* scratch,
                                      CredentialUpdate* update) const {
  AssertionPrecheck precheck;
  PrecheckAssertion(response, expected, scratch, &precheck);
  return FinishAssertion(response, expected, precheck, credential, update);
}

bool AuthenticatorAdmitted(const Requirements& req, const std::array<uint8_t, 16>& aaguid,
                           bool backup_eligible) {
  if (backup_eligible && !req.allow_backup_eligible) return false;
  if (std::find(req.denied_aaguids.begin(), req.denied_aaguids.end(), aaguid) !=
      req.denied_aaguids.end()) {
    return false;
  }
  return req.allowed_aaguids.empty() ||
         std::find(req.allowed_aaguids.begin(), req.allowed_aaguids.end(), aaguid) !=
             req.allowed_aaguids.end();
}

Verifier::Verifier(RelyingPartyConfig config) : config_(std::move(config)) {
  rp_id_hash_ = steps::Sha256(AsBytes(config_.rp_id));
}

Verifier::~Verifier() = default;

}  // namespace keystorm
