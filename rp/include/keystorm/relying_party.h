// keystorm::RelyingParty: the embedding API.  An application that wants
// passkey login in its own process configures one RelyingParty with its
// identity (RP ID, name, origins), hands it a credential store and a user
// directory (Keystorm's or its own: credential_store.h, user_directory.h),
// and calls four functions per ceremony pair:
//
//   StartRegistration(name)           -> PublicKeyCredentialCreationOptionsJSON
//   FinishRegistration(name, json)    -> RegistrationResult (outcome code)
//   StartAuthentication(name or {})   -> PublicKeyCredentialRequestOptionsJSON
//   FinishAuthentication(json)        -> AuthenticationResult (user, counter, outcome)
//   SubmitAuthentication(json, done)  -> the same result, later, on a pipeline worker
//
// Challenges are stateless: each is sealed with a server key
// (storage/challenge_sealer.h), so Start writes no session state (only
// StartRegistration may create the account), and the store's consume-once
// ledger refuses a replay.  Any process that shares the
// keys can finish a ceremony another one started.
//
// Verdicts: every result carries `outcome`, a VerifyError whose
// VerifyErrorName() is the outcome code of the conformance corpus
// (signature_invalid, challenge_unknown, ...), and `status`, which is not OK
// only when the system failed (the store, shutdown, overload): then the
// ceremony failed closed and `outcome` says nothing.  No function throws;
// each catches at the boundary and reports Status::Internal.
//
// Policy (optional): with a compiled policy (policy/), each ceremony is
// decided for the user (directory groups plus mapped groups, see
// policy/directory_input.h).  A login whose decision is not a local
// WebAuthn login, or a registration whose decision is not local or has
// WebAuthn disabled, is outcome policy_denied; otherwise the decision's authenticator profile sets
// the Requirements the verifier enforces.  Without a policy, `requirements`
// of the options applies to everyone.
//
// Thread safety: every method may be called from any number of threads at
// once.  Finish* wait for the pipeline: never call them from a completion
// callback.  Lifetimes: the store and the directory must outlive the
// RelyingParty; its destructor finishes every accepted asynchronous job
// (their callbacks run) before it returns.
#ifndef KEYSTORM_RELYING_PARTY_H_
#define KEYSTORM_RELYING_PARTY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keystorm/bytes.h"
#include "keystorm/credential_store.h"
#include "keystorm/export.h"
#include "keystorm/pipeline.h"
#include "keystorm/status.h"
#include "keystorm/storage/challenge_sealer.h"
#include "keystorm/user_directory.h"
#include "keystorm/verifier.h"
#include "keystorm/verify_error.h"

namespace keystorm {

namespace policy {
class CompiledPolicy;
}  // namespace policy

struct KEYSTORM_EXPORT RelyingPartyOptions {
  std::string rp_id;                 // e.g. "example.org"
  std::string rp_name;               // shown by the browser
  std::vector<std::string> origins;  // exact origins, e.g. "https://example.org"

  // Optional: decides per user (see above).  Shared, immutable; to reload,
  // build a new RelyingParty or keep the policy behind your own indirection.
  std::shared_ptr<const policy::CompiledPolicy> policy;
  // Without a policy: what every ceremony requires.
  Requirements requirements;

  // The sealing keys: exactly one issues (ChallengeSealer::Create's rules).
  // Empty: one random key for this object only; ceremonies then cannot
  // survive a restart or cross processes.
  std::vector<storage::ChallengeKey> challenge_keys;
  int64_t challenge_ttl_ms = 5 * 60 * 1000;

  PipelineOptions pipeline;
  // Unix milliseconds.  Default: the system clock.  Tests inject one.
  std::function<int64_t()> now_ms;
};

// PublicKeyCredentialCreationOptions, typed; `json` is the same as
// PublicKeyCredentialCreationOptionsJSON (WebAuthn L3 §5.4), for
// PublicKeyCredential.parseCreationOptionsFromJSON().
struct KEYSTORM_EXPORT RegistrationStart {
  Status status;       // not OK: nothing to send (unknown user, store failure)
  VerifyError outcome = VerifyError::kOk;  // policy_denied: the policy refuses
  std::string json;
  std::string challenge;  // base64url
  Bytes user_handle;      // WebAuthn user.id of the account
  std::string user_name;
  std::string display_name;
  std::vector<int64_t> algorithms;       // pubKeyCredParams, in preference order
  std::vector<Bytes> exclude_credentials;  // the user's existing credentials
  std::string user_verification;         // "required", "preferred" or "discouraged"
  std::string attestation;               // "none" or "direct"
};

struct KEYSTORM_EXPORT RegistrationResult {
  Status status;
  VerifyError outcome = VerifyError::kOk;
  Bytes user_handle;
  Bytes credential_id;
  int64_t algorithm = 0;
  std::string attestation_format;
  bool ok() const { return status.ok() && outcome == VerifyError::kOk; }
};

// PublicKeyCredentialRequestOptions, typed, and as
// PublicKeyCredentialRequestOptionsJSON.
struct KEYSTORM_EXPORT AuthenticationStart {
  Status status;
  VerifyError outcome = VerifyError::kOk;  // policy_denied: the policy refuses
  std::string json;
  std::string challenge;  // base64url
  std::vector<Bytes> allow_credentials;  // empty: usernameless (discoverable)
  std::string user_verification;
};

struct KEYSTORM_EXPORT AuthenticationResult {
  Status status;
  VerifyError outcome = VerifyError::kOk;
  std::string user_name;  // the account's login name, when the user is known
  Bytes user_handle;
  Bytes credential_id;
  uint32_t sign_count = 0;             // as committed (kOk)
  bool user_verified = false;
  bool sign_count_regressed = false;   // accepted under SignCountPolicy::kWarn
  bool ok() const { return status.ok() && outcome == VerifyError::kOk; }
};

using AuthenticationCallback = std::function<void(AuthenticationResult&&)>;

class KEYSTORM_EXPORT RelyingParty {
 public:
  // InvalidArgument for an empty RP ID or origin list, or bad challenge
  // keys.  REQUIRES: store != nullptr; directory may be null (then users
  // are accounts only, without groups, and the policy sees names alone).
  static Result<std::unique_ptr<RelyingParty>> Create(RelyingPartyOptions options,
                                                      CredentialStore* store,
                                                      UserDirectory* directory) noexcept;
  ~RelyingParty();
  RelyingParty(const RelyingParty&) = delete;
  RelyingParty& operator=(const RelyingParty&) = delete;

  // Options for registering a new credential for `user_name`.  Creates the
  // account (a UserRecord with a fresh random user handle) when the name has
  // none, so that the handle is stable until FinishRegistration.  With a
  // directory, the name must be in it (NotFound otherwise) and its display
  // name is used.
  RegistrationStart StartRegistration(std::string_view user_name) noexcept;

  // Verifies a RegistrationResponseJSON for the account `user_name` (the
  // user the application registered: the response does not name it) and
  // stores the credential.  The challenge must be one StartRegistration
  // issued for this account, unexpired and unused.
  RegistrationResult FinishRegistration(std::string_view user_name,
                                        std::string_view response_json) noexcept;

  // Options for a login.  With a name: the account's credentials as
  // allowCredentials and a challenge bound to the account.  Without one, or
  // for a name without an account (so that the answer does not reveal which
  // names exist): an unbound challenge and no allowCredentials.  With a
  // policy, a name is decided as typed (policy_denied when refused), as the
  // login page decides it; a refused registration creates no account.
  AuthenticationStart StartAuthentication(std::optional<std::string_view> user_name) noexcept;

  // Verifies an AuthenticationResponseJSON and commits the counter; waits.
  AuthenticationResult FinishAuthentication(std::string_view response_json) noexcept;

  // The same, asynchronously: the challenge is redeemed and the user
  // identified on the calling thread, then the verification joins a
  // pipeline batch and `done` runs on a pipeline thread (keep it short).
  // OK: `done` runs exactly once.  Overloaded or Unavailable: refused at
  // once (back-pressure), `done` never runs.  A refusal because the pipeline
  // is full (max_in_flight) comes before any work, so the same response may
  // be submitted again; only a refusal that loses a race with other
  // submitters after that check has spent the challenge.  A verdict reached before the
  // pipeline (challenge_unknown, policy_denied, malformed_request) is also
  // delivered through `done`, on the calling thread.
  Status SubmitAuthentication(std::string response_json, AuthenticationCallback done) noexcept;

  const RelyingPartyOptions& options() const { return options_; }

 private:
  struct Impl;
  RelyingParty(RelyingPartyOptions options, std::unique_ptr<Impl> impl);
  RelyingPartyOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace keystorm

#endif  // KEYSTORM_RELYING_PARTY_H_
