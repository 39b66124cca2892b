// The RelyingParty: options out, responses in.  The order of one finish is
// fixed: parse, identify the user, redeem the challenge (spent from then on,
// whatever the verdict: matrix CHL-02), decide by policy, verify and commit
// on the pipeline.
#include "keystorm/relying_party.h"

#include <openssl/rand.h>

#include <chrono>
#include <future>

#include "ceremony_options.h"
#include "keystorm/base64url.h"
#include "keystorm/default_algorithms.h"
#include "keystorm/client_data.h"
#include "keystorm/json_scratch.h"
#include "keystorm/policy/directory_input.h"
#include "keystorm/policy/policy.h"
#include "keystorm/storage/challenge_redeem.h"
#include "keystorm/webauthn_json.h"

namespace keystorm {
namespace {

constexpr size_t kUserHandleBytes = 32;
constexpr size_t kMaxUserNameBytes = 256;

JsonScratch* ThreadScratch() {
  thread_local JsonScratch scratch;
  return &scratch;
}

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status CheckName(std::string_view name) {
  if (name.empty() || name.size() > kMaxUserNameBytes) {
    return Status::InvalidArgument("user name is empty or longer than 256 bytes");
  }
  return Status::Ok();
}

Status Random(uint8_t* out, size_t n) {
  return RAND_bytes(out, n) == 1 ? Status::Ok() : Status::Internal("CSPRNG failed");
}

// What a ceremony demands of one user, or why it may not happen.
struct Verdict {
  Status status;
  VerifyError outcome = VerifyError::kOk;
  Requirements requirements;
  std::string user_verification;
};

}  // namespace

struct RelyingParty::Impl {
  Impl(const RelyingPartyOptions& options, storage::ChallengeSealer sealer_in,
       CredentialStore* store_in, UserDirectory* directory_in)
      : store(store_in),
        directory(directory_in),
        sealer(std::move(sealer_in)),
        verifier(RelyingPartyConfig{options.rp_id, options.origins, false, {}}),
        pipeline(&verifier, store_in, options.pipeline) {}

  CredentialStore* store;
  UserDirectory* directory;
  storage::ChallengeSealer sealer;
  Verifier verifier;
  Pipeline pipeline;  // last: its destructor drains jobs that use the rest
};

RelyingParty::RelyingParty(RelyingPartyOptions options, std::unique_ptr<Impl> impl)
    : options_(std::move(options)), impl_(std::move(impl)) {}

RelyingParty::~RelyingParty() = default;

Result<std::unique_ptr<RelyingParty>> RelyingParty::Create(RelyingPartyOptions options,
                                                           CredentialStore* store,
                                                           UserDirectory* directory) noexcept {
  try {
    if (store == nullptr) return Status::InvalidArgument("relying party: no credential store");
    if (options.rp_id.empty()) return Status::InvalidArgument("relying party: empty rp_id");
    if (options.origins.empty()) return Status::InvalidArgument("relying party: no origins");
    if (options.rp_name.empty()) options.rp_name = options.rp_id;
    if (!options.now_ms) options.now_ms = SystemNowMs;
    std::vector<storage::ChallengeKey> keys = options.challenge_keys;
    if (keys.empty()) {
      storage::ChallengeKey key;
      key.id = 1;
      if (Status s = Random(key.secret.data(), key.secret.size()); !s.ok()) return s;
      keys.push_back(key);
    }
    auto sealer = storage::ChallengeSealer::Create(std::move(keys), options.challenge_ttl_ms);
    if (!sealer) return sealer.error();
    auto impl = std::make_unique<Impl>(options, std::move(sealer.value()), store, directory);
    return std::unique_ptr<RelyingParty>(new RelyingParty(std::move(options), std::move(impl)));
  } catch (const std::exception& e) {
    return Status::Internal(std::string("relying party: ") + e.what());
  } catch (...) {
    return Status::Internal("relying party: unknown exception");
  }
}

namespace {

// The policy's verdict for the account `name` (account may be null), or the
// options' requirements without a policy.  Registration is allowed wherever
// the login would be local with WebAuthn not disabled (also after a reset,
// whose point is a new registration); authentication only for a WebAuthn login.
Verdict Decide(const RelyingPartyOptions& options, UserDirectory* directory,
               std::string_view name, const UserRecord* account, bool registration) {
  Verdict v;
  if (!options.policy || name.empty()) {
    v.requirements = options.requirements;
    v.user_verification = v.requirements.user_verification_required ? "required" : "preferred";
    return v;
  }
  DirectoryUser user;
  user.name = std::string(name);
  if (directory != nullptr) {
    std::optional<DirectoryUser> found;
    if (v.status = directory->FindByName(name, &found); !v.status.ok()) return v;
    if (found) user = std::move(*found);
  }
  policy::DirectoryPolicyInput input(user);
  const int64_t now_s = options.now_ms() / 1000;
  policy::Decision d =
      options.policy->Decide(input.Get(now_s, account ? account->bypass_until : std::nullopt,
                                       account != nullptr && account->must_reregister));
  const bool local = d.target_kind == policy::TargetKind::kLocal &&
                     d.action != policy::Action::kDeny && d.action != policy::Action::kRedirect;
  const bool allowed = registration
                           ? local && d.enablement != policy::Enablement::kDisabled
                           : d.action == policy::Action::kWebAuthn;
  if (!allowed) {
    v.outcome = VerifyError::kPolicyDenied;
    return v;
  }
  v.requirements = d.authenticator->requirements;
  v.user_verification = std::string(policy::UserVerificationName(d.authenticator->user_verification));
  return v;
}

// The account of `name`, created with a fresh handle when it has none.
Status FindOrCreateAccount(CredentialStore* store, std::string_view name,
                           std::string_view display_name, int64_t now_s, UserRecord* out) {
  for (int attempt = 0; attempt < 4; ++attempt) {
    std::optional<UserRecord> existing;
    if (Status s = store->LookupUserByName(name, &existing); !s.ok()) return s;
    if (existing) {
      *out = std::move(*existing);
      return Status::Ok();
    }
    UserRecord fresh;
    fresh.user_handle.resize(kUserHandleBytes);
    if (Status s = Random(fresh.user_handle.data(), fresh.user_handle.size()); !s.ok()) return s;
    fresh.name = std::string(name);
    fresh.display_name = std::string(display_name);
    fresh.created_at = now_s;
    UserInsertOutcome outcome;
    if (Status s = store->InsertUserIfAbsent(fresh, &outcome); !s.ok()) return s;
    if (outcome == UserInsertOutcome::kInserted) {
      *out = std::move(fresh);
      return Status::Ok();
    }
    // kNameTaken: a racing start created it; kHandleTaken: 2^-256; look again.
  }
  return Status::Internal("could not create the account");
}

}  // namespace

RegistrationStart RelyingParty::StartRegistration(std::string_view user_name) noexcept {
  RegistrationStart start;
  try {
    if (start.status = CheckName(user_name); !start.status.ok()) return start;
    const int64_t now_ms = options_.now_ms();
    std::string display_name(user_name);
    if (impl_->directory != nullptr) {
      std::optional<DirectoryUser> user;
      if (start.status = impl_->directory->FindByName(user_name, &user); !start.status.ok()) {
        return start;
      }
      if (!user) {
        start.status = Status::NotFound("no directory user " + std::string(user_name));
        return start;
      }
      if (!user->display_name.empty()) display_name = user->display_name;
    }
    // The policy first, so that a refused user gets no account.
    std::optional<UserRecord> known;
    if (start.status = impl_->store->LookupUserByName(user_name, &known); !start.status.ok()) {
      return start;
    }
    Verdict verdict =
        Decide(options_, impl_->directory, user_name, known ? &*known : nullptr, true);
    if (!verdict.status.ok() || verdict.outcome != VerifyError::kOk) {
      start.status = verdict.status;
      start.outcome = verdict.outcome;
      return start;
    }
    UserRecord account;
    start.status =
        FindOrCreateAccount(impl_->store, user_name, display_name, now_ms / 1000, &account);
    if (!start.status.ok()) return start;
    std::vector<CredentialRecord> existing;
    if (start.status = impl_->store->ListForUser(account.user_handle, &existing);
        !start.status.ok()) {
      return start;
    }
    auto challenge =
        impl_->sealer.Issue(storage::CeremonyKind::kRegistration, account.user_handle, now_ms);
    if (!challenge) {
      start.status = challenge.error();
      return start;
    }
    start.challenge = Base64UrlEncode(challenge.value());
    start.user_handle = account.user_handle;
    start.user_name = account.name;
    start.display_name = account.display_name.empty() ? display_name : account.display_name;
    const auto& allowed = verdict.requirements.allowed_algorithms;
    if (allowed.empty()) {
      start.algorithms.assign(std::begin(kDefaultPubKeyCredAlgorithms),
                              std::end(kDefaultPubKeyCredAlgorithms));
    } else {
      start.algorithms = allowed;
    }
    for (CredentialRecord& r : existing) start.exclude_credentials.push_back(std::move(r.id));
    start.user_verification = verdict.user_verification;
    start.attestation = verdict.requirements.require_trusted_attestation ? "direct" : "none";
    start.json = rp::CreationOptionsJson(options_, start);
  } catch (...) {
    start.status = Status::Internal("StartRegistration: exception");
  }
  return start;
}

RegistrationResult RelyingParty::FinishRegistration(std::string_view user_name,
                                                    std::string_view response_json) noexcept {
  RegistrationResult result;
  try {
    if (result.status = CheckName(user_name); !result.status.ok()) return result;
    const int64_t now_ms = options_.now_ms();
    std::optional<UserRecord> account;
    if (result.status = impl_->store->LookupUserByName(user_name, &account); !result.status.ok()) {
      return result;
    }
    if (!account) {
      // StartRegistration creates the account: without one, no challenge
      // can have been issued for this user.
      result.outcome = VerifyError::kChallengeUnknown;
      return result;
    }
    result.user_handle = account->user_handle;

    JsonScratch* scratch = ThreadScratch();
    RegistrationResponse response;
    if (result.outcome = ParseRegistrationResponseJson(response_json, scratch, &response);
        result.outcome != VerifyError::kOk) {
      return result;
    }
    CollectedClientData client_data;
    if (result.outcome = ParseClientData(response.client_data_json, scratch, &client_data);
        result.outcome != VerifyError::kOk) {
      return result;
    }
    const std::string challenge(client_data.challenge);
    storage::ChallengeCheck check;
    result.status = storage::RedeemChallengeText(impl_->sealer, impl_->store, challenge,
                                                 storage::CeremonyKind::kRegistration,
                                                 account->user_handle, now_ms, &check);
    if (!result.status.ok()) return result;
    if (result.outcome = storage::ToVerifyError(check); result.outcome != VerifyError::kOk) {
      return result;
    }
    Verdict verdict = Decide(options_, impl_->directory, user_name, &*account, true);
    if (!verdict.status.ok() || verdict.outcome != VerifyError::kOk) {
      result.status = verdict.status;
      result.outcome = verdict.outcome;
      return result;
    }

    RegistrationJob job;
    job.response_json = std::string(response_json);
    job.expected.challenge = challenge;
    job.expected.requirements = std::move(verdict.requirements);
    job.expected.verification_time = now_ms / 1000;
    job.user_handle = account->user_handle;
    job.now = now_ms / 1000;
    RegistrationOutcome outcome = impl_->pipeline.SubmitRegistration(std::move(job)).get();
    result.status = std::move(outcome.status);
    result.outcome = outcome.verdict;
    result.credential_id = std::move(outcome.credential.id);
    result.algorithm = outcome.credential.algorithm;
    result.attestation_format = std::move(outcome.credential.attestation_format);
  } catch (...) {
    result.status = Status::Internal("FinishRegistration: exception");
  }
  return result;
}

AuthenticationStart RelyingParty::StartAuthentication(
    std::optional<std::string_view> user_name) noexcept {
  AuthenticationStart start;
  try {
    const int64_t now_ms = options_.now_ms();
    std::optional<UserRecord> account;
    if (user_name) {
      if (start.status = CheckName(*user_name); !start.status.ok()) return start;
      if (start.status = impl_->store->LookupUserByName(*user_name, &account); !start.status.ok()) {
        return start;
      }
    }
    // Decided by the name typed, account or not: it is the login page's
    // decision (policy.md), which the policy makes from the name alone.
    Verdict verdict = Decide(options_, impl_->directory, user_name.value_or(""),
                             account ? &*account : nullptr, false);
    if (!verdict.status.ok() || verdict.outcome != VerifyError::kOk) {
      start.status = verdict.status;
      start.outcome = verdict.outcome;
      return start;
    }
    Bytes bound;
    if (account) {
      std::vector<CredentialRecord> credentials;
      if (start.status = impl_->store->ListForUser(account->user_handle, &credentials);
          !start.status.ok()) {
        return start;
      }
      for (CredentialRecord& r : credentials) start.allow_credentials.push_back(std::move(r.id));
      bound = account->user_handle;
    }
    auto challenge = impl_->sealer.Issue(storage::CeremonyKind::kAuthentication, bound, now_ms);
    if (!challenge) {
      start.status = challenge.error();
      return start;
    }
    start.challenge = Base64UrlEncode(challenge.value());
    start.user_verification = verdict.user_verification;
    start.json = rp::RequestOptionsJson(options_, start);
  } catch (...) {
    start.status = Status::Internal("StartAuthentication: exception");
  }
  return start;
}

Status RelyingParty::SubmitAuthentication(std::string response_json,
                                          AuthenticationCallback done) noexcept {
  try {
    // Back-pressure before any work: a login refused here has not spent its
    // challenge, so the client may simply send the same response again.
    if (impl_->pipeline.stats().in_flight >= options_.pipeline.max_in_flight) {
      return Status::Overloaded("relying party: the pipeline is full");
    }
    AuthenticationResult early;
    auto finish_early = [&]() {
      done(std::move(early));
      return Status::Ok();
    };
    const int64_t now_ms = options_.now_ms();
    JsonScratch* scratch = ThreadScratch();
    AuthenticationResponse response;
    if (early.outcome = ParseAuthenticationResponseJson(response_json, scratch, &response);
        early.outcome != VerifyError::kOk) {
      return finish_early();
    }
    early.credential_id = response.raw_id;
    CollectedClientData client_data;
    if (early.outcome = ParseClientData(response.client_data_json, scratch, &client_data);
        early.outcome != VerifyError::kOk) {
      return finish_early();
    }
    const std::string challenge(client_data.challenge);

    // The user: the handle the response names (discoverable credentials
    // always do), else the stored credential's owner.  The verifier checks
    // the two agree (A6), so a handle named falsely fails there.
    Bytes handle;
    if (response.user_handle && !response.user_handle->empty()) {
      handle = *response.user_handle;
    } else {
      std::vector<ByteView> ids = {response.raw_id};
      std::vector<std::optional<CredentialRecord>> found;
      if (early.status = impl_->store->MultiLookup(ids, &found); !early.status.ok()) {
        return finish_early();
      }
      if (found.size() == 1 && found[0]) handle = found[0]->user_handle;
    }
    std::optional<UserRecord> account;
    if (!handle.empty()) {
      if (early.status = impl_->store->LookupUserByHandle(handle, &account); !early.status.ok()) {
        return finish_early();
      }
    }
    early.user_handle = handle;
    if (account) early.user_name = account->name;

    storage::ChallengeCheck check;
    early.status = storage::RedeemChallengeText(impl_->sealer, impl_->store, challenge,
                                                storage::CeremonyKind::kAuthentication, handle,
                                                now_ms, &check);
    if (!early.status.ok()) return finish_early();
    if (early.outcome = storage::ToVerifyError(check); early.outcome != VerifyError::kOk) {
      return finish_early();
    }
    Verdict verdict = Decide(options_, impl_->directory, account ? account->name : "",
                             account ? &*account : nullptr, false);
    if (!verdict.status.ok() || verdict.outcome != VerifyError::kOk) {
      early.status = verdict.status;
      early.outcome = verdict.outcome;
      return finish_early();
    }

    AssertionJob job;
    job.response_json = std::move(response_json);
    job.expected.challenge = challenge;
    job.expected.requirements = std::move(verdict.requirements);
    if (!handle.empty()) job.expected.user_handle = handle;
    std::string name = early.user_name;
    return impl_->pipeline.SubmitAssertion(
        std::move(job), [done = std::move(done), name = std::move(name)](AssertionOutcome&& o) {
          AuthenticationResult result;
          result.status = std::move(o.status);
          result.outcome = o.verdict;
          result.user_handle = std::move(o.user_handle);
          if (!result.user_handle.empty()) result.user_name = name;
          result.credential_id = std::move(o.credential_id);
          result.sign_count = o.update.sign_count;
          result.user_verified = o.update.user_verified;
          result.sign_count_regressed = o.update.sign_count_regressed;
          done(std::move(result));
        });
  } catch (...) {
    return Status::Internal("SubmitAuthentication: exception");
  }
}

AuthenticationResult RelyingParty::FinishAuthentication(std::string_view response_json) noexcept {
  try {
    std::promise<AuthenticationResult> promise;
    std::future<AuthenticationResult> future = promise.get_future();
    Status s = SubmitAuthentication(std::string(response_json),
                                    [&promise](AuthenticationResult&& r) {
                                      promise.set_value(std::move(r));
                                    });
    if (!s.ok()) {
      AuthenticationResult refused;
      refused.status = std::move(s);
      return refused;
    }
    return future.get();
  } catch (...) {
    AuthenticationResult failed;
    failed.status = Status::Internal("FinishAuthentication: exception");
    return failed;
  }
}

}  // namespace keystorm
