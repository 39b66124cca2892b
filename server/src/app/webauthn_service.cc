#include "keystorm/server/webauthn_service.h"

#include <openssl/rand.h>

#include <chrono>
#include <functional>
#include <atomic>
#include <memory>
#include <utility>

#include "keystorm/base64url.h"
#include "keystorm/default_algorithms.h"
#include "keystorm/client_data.h"
#include "keystorm/json_scratch.h"
#include "keystorm/json_writer.h"
#include "keystorm/policy/directory_input.h"
#include "keystorm/policy/decision.h"
#include "keystorm/policy/policy.h"
#include "keystorm/server/api_error.h"
#include "keystorm/storage/challenge_batcher.h"
#include "keystorm/storage/challenge_redeem.h"
#include "keystorm/webauthn_json.h"
#include "request_json.h"

namespace keystorm::server {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxUsernameBytes = 256;
constexpr size_t kUserHandleBytes = 32;

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string_view UserVerificationText(policy::UserVerification uv) {
  return policy::UserVerificationName(uv);
}

void WriteCredentialDescriptors(JsonWriter* json, const std::vector<CredentialRecord>& creds) {
  json->BeginArray();
  for (const CredentialRecord& credential : creds) {
    json->BeginObject();
    json->Key("type").String("public-key");
    json->Key("id").String(Base64UrlEncode(credential.id));
    if (!credential.transports.empty()) {
      json->Key("transports").BeginArray();
      for (const std::string& transport : credential.transports) json->String(transport);
      json->EndArray();
    }
    json->EndObject();
  }
  json->EndArray();
}

// The user the challenge says the ceremony is for (the bytes after the
// seal), and the seal itself.  False when the text cannot be one of ours.
bool SplitChallenge(std::string_view text, Bytes* sealed, Bytes* user_handle) {
  Bytes decoded;
  if (!Base64UrlDecode(text, &decoded) || decoded.size() < storage::kSealedChallengeBytes) {
    return false;
  }
  sealed->assign(decoded.begin(), decoded.begin() + storage::kSealedChallengeBytes);
  user_handle->assign(decoded.begin() + storage::kSealedChallengeBytes, decoded.end());
  return true;
}

}  // namespace

// The last entry of X-Forwarded-For when trusted, else the peer address.
static std::string ClientAddress(const HttpRequest& request, bool trust_forwarded_for) {
  if (!trust_forwarded_for) return request.client_address;
  std::string_view forwarded = request.Header("x-forwarded-for");
  size_t comma = forwarded.rfind(',');
  std::string_view last = comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1);
  size_t begin = last.find_first_not_of(' ');
  if (begin == std::string_view::npos) return request.client_address;
  last = last.substr(begin);
  last = last.substr(0, last.find_last_not_of(' ') + 1);
  return std::string(last);
}

class WebAuthnService::Impl {
 public:
  Impl(WebAuthnServiceOptions options, WebAuthnServiceDeps deps)
      : options_(std::move(options)), deps_(std::move(deps)) {
    if (!deps_.now_ms) deps_.now_ms = SystemNowMs;
    // The ledger writes its groups unsynced: every answer after a spend is
    // given after a sync, by the pipeline (before its callbacks) or by
    // SyncThenFinish* here, so one fsync covers challenge and counters.
    ledger_ = std::make_unique<storage::ChallengeBatcher>(
        deps_.store, 512, storage::ChallengeBatcher::LedgerSync::kDeferToCaller);
  }

  WebAuthnServiceOptions options_;
  WebAuthnServiceDeps deps_;

  // A place under max_verifications_in_flight.  Given back by Finish just
  // before the answer, so that a client that has its answer finds room for
  // its next request (given back when the last copy of the context went,
  // as until 2026-11-28, a client's immediate retry could meet a 503), or
  // when the last copy goes if no answer was given.
  class VerificationSlot {
   public:
    explicit VerificationSlot(std::atomic<size_t>* count) : count_(count) {}
    ~VerificationSlot() { Release(); }
    VerificationSlot(const VerificationSlot&) = delete;
    VerificationSlot& operator=(const VerificationSlot&) = delete;
    void Release() {
      if (!released_.exchange(true, std::memory_order_acq_rel)) {
        count_->fetch_sub(1, std::memory_order_acq_rel);
      }
    }

   private:
    std::atomic<size_t>* count_;
    std::atomic<bool> released_{false};
  };

  // Everything one request needs to report itself when it ends.
  struct Context {
    std::string route;
    std::string user;
    std::string client_address;
    Clock::time_point start = Clock::now();
    // A verify request's place under max_verifications_in_flight, shared by
    // every copy of the context (continuations, the pipeline's callback).
    std::shared_ptr<VerificationSlot> verification_slot;
  };

  // Takes a place under max_verifications_in_flight for the request, or
  // answers 503 (false).  Before the spend: a refused request has spent
  // nothing and may be sent again.
  bool EnterVerification(Context* context, const Responder& respond) {
    const size_t bound = options_.max_verifications_in_flight;
    if (bound == 0) return true;
    if (verifying_.fetch_add(1, std::memory_order_acq_rel) >= bound) {
      verifying_.fetch_sub(1, std::memory_order_acq_rel);
      Finish(*context, respond, OverloadedResponse(options_.retry_after_seconds),
             kCodeOverloaded, "verifications in flight at max_verifications_in_flight");
      return false;
    }
    context->verification_slot = std::make_shared<VerificationSlot>(&verifying_);
    return true;
  }

  void Finish(const Context& context, const Responder& respond, HttpResponse response,
              std::string_view outcome, std::string_view detail) {
    if (deps_.events) {
      RequestEvent event;
      event.route = context.route;
      event.outcome = outcome;
      event.detail = detail;
      event.user = context.user;
      event.client_address = context.client_address;
      event.status = response.status;
      event.seconds = SecondsSince(context.start);
      deps_.events(event);
    }
    if (context.verification_slot) context.verification_slot->Release();
    respond(std::move(response));
  }

  void FinishError(const Context& context, const Responder& respond, int status,
                   std::string_view code, std::string_view message, std::string_view detail) {
    Finish(context, respond, ErrorResponse(status, code, message), code, detail);
  }

  void FinishVerdict(const Context& context, const Responder& respond, VerifyError verdict,
                     Ceremony ceremony, std::string_view detail) {
    Finish(context, respond, VerdictError(verdict, ceremony), VerifyErrorName(verdict), detail);
  }

  void FinishInternal(const Context& context, const Responder& respond, const Status& status) {
    FinishError(context, respond, 500, kCodeInternal, "The service failed; try again later.",
                status.ToString());
  }

  // Answers given after the request's challenge was spent but before (or
  // instead of) the pipeline, which would have synced: the spend is made
  // durable first (the ledger defers its fsync).  They run on the ledger's
  // thread, its only unsynced writer, so the first of a group pays the
  // fsync and the rest find nothing pending.
  void SyncThenFinishVerdict(const Context& context, const Responder& respond,
                             VerifyError verdict, Ceremony ceremony, std::string_view detail) {
    if (Status synced = deps_.store->SyncWrites(); !synced.ok()) {
      return FinishInternal(context, respond, synced);
    }
    FinishVerdict(context, respond, verdict, ceremony, detail);
  }

  void SyncThenFinishInternal(const Context& context, const Responder& respond,
                              const Status& status) {
    (void)deps_.store->SyncWrites();  // the answer is this error either way
    FinishInternal(context, respond, status);
  }

  // 0: admitted; else answered 429 already.
  bool Admit(const Context& context, const Responder& respond) {
    if (!deps_.admission) return true;
    int wait = deps_.admission(context.client_address, context.user);
    if (wait == 0) return true;
    Finish(context, respond, RateLimitedResponse(wait), kCodeRateLimited, "token bucket empty");
    return false;
  }

  Result<std::string> IssueChallenge(storage::CeremonyKind kind, ByteView user_handle) {
    auto sealed = deps_.sealer->Issue(kind, user_handle, deps_.now_ms());
    if (!sealed) return sealed.error();
    Bytes challenge = std::move(*sealed);
    challenge.insert(challenge.end(), user_handle.begin(), user_handle.end());
    return Base64UrlEncode(challenge);
  }

  Result<LoginDecision> Decide(std::string_view username,
                               const std::optional<std::vector<std::string>>& stated_groups) {
    std::optional<UserRecord> user;
    Status status = deps_.store->LookupUserByName(username, &user);
    if (!status.ok()) return status;
    std::vector<CredentialRecord> credentials;
    if (user) {
      status = deps_.store->ListForUser(user->user_handle, &credentials);
      if (!status.ok()) return status;
    }
    return DecideFor(username, stated_groups, std::move(user), std::move(credentials));
  }

  // The decision for a verify request, whose account was already read by
  // handle.  Its credentials are not listed: the pipeline looks up the one
  // credential the response names and checks that it belongs to this user
  // (A6), so "has no credential" cannot let a login through; listing them
  // is a prefix scan that cost more than the rest of the decision.
  Result<LoginDecision> DecideForVerify(UserRecord user) {
    std::string name = user.name;
    return DecideFor(name, std::nullopt, std::move(user), std::nullopt);
  }

  // `credentials`: the user's, or nullopt when they were not listed (verify).
  Result<LoginDecision> DecideFor(std::string_view username,
                                  const std::optional<std::vector<std::string>>& stated_groups,
                                  std::optional<UserRecord> user,
                                  std::optional<std::vector<CredentialRecord>> credentials) {
    LoginDecision out;
    const bool has_no_credentials = credentials && credentials->empty();
    if (credentials) out.credentials = std::move(*credentials);
    Status status;
    std::optional<DirectoryUser> directory_user;
    if (deps_.directory != nullptr && !stated_groups) {
      status = deps_.directory->FindByName(username, &directory_user);
      if (!status.ok()) return status;
    }
    // Who the policy sees: the groups a trusted backend stated, else the
    // directory's user (its attributes go through the policy's mappings,
    // DirectoryPolicyInput), else a user without groups.
    DirectoryUser subject;
    if (stated_groups) {
      subject.groups = *stated_groups;
    } else if (directory_user) {
      subject = std::move(*directory_user);
    }
    subject.name = std::string(username);
    policy::DirectoryPolicyInput policy_input(subject);
    policy::PolicyInput input =
        user ? policy_input.Get(deps_.now_ms() / 1000, user->bypass_until, user->must_reregister)
             : policy_input.Get(deps_.now_ms() / 1000);
    std::shared_ptr<const policy::CompiledPolicy> compiled = deps_.policies->Current();
    policy::Decision decision = compiled->Decide(input);

    out.reason = std::string(policy::DecisionReasonName(decision.reason));
    out.rule_id = std::string(decision.rule_id);
    out.policy_version = decision.policy_version;
    out.password_fallback = decision.password_fallback;
    out.login_template = std::string(decision.login_template);
    out.logout_template = std::string(decision.logout_template);
    if (decision.authenticator != nullptr) {
      out.requirements = decision.authenticator->requirements;
      out.user_verification =
          std::string(UserVerificationText(decision.authenticator->user_verification));
      out.attestation = decision.authenticator->attestation_required ? "direct" : "none";
      if (deps_.trust_store && !out.requirements.trust_anchors && !out.requirements.trust_store) {
        out.requirements.trust_store = deps_.trust_store();
      }
    } else {
      out.user_verification = "preferred";
      out.attestation = "none";
    }
    switch (decision.action) {
      case policy::Action::kDeny:
        out.action = "deny";
        break;
      case policy::Action::kRedirect:
        out.action = "redirect";
        out.target = std::string(decision.target);
        break;
      case policy::Action::kPassword:
        // Keystorm has no password store: a login that must end with a new
        // authenticator (after a reset) is sent to registration directly.
        out.action = decision.must_register ? "register" : "password";
        break;
      case policy::Action::kWebAuthn:
        out.action = (!user || has_no_credentials || decision.must_register) ? "register"
                                                                                 : "webauthn";
        break;
    }
    out.user = std::move(user);
    return out;
  }

  // The username member of an options or login body, normalised; answers
  // 400 itself when it is missing (and required) or unusable.
  bool ReadUsername(const RequestObject& body, bool required, Context* context,
                    const Responder& respond, std::string* username) {
    bool type_ok = true;
    std::optional<std::string> raw = body.String("username", &type_ok);
    if (!type_ok || (required && !raw)) {
      FinishVerdict(*context, respond, VerifyError::kMalformedRequest, Ceremony::kAuthentication,
                    "username missing or not a string");
      return false;
    }
    if (!raw) return true;
    *username = NormalizeUsername(*raw);
    if (username->empty()) {
      FinishVerdict(*context, respond, VerifyError::kMalformedRequest, Ceremony::kAuthentication,
                    "username unusable");
      return false;
    }
    context->user = *username;
    return true;
  }

  void WriteRequestOptions(JsonWriter* json, const std::string& challenge,
                           const std::vector<CredentialRecord>& credentials,
                           std::string_view user_verification) {
    json->Key("challenge").String(challenge);
    json->Key("timeout").Int(options_.timeout_ms);
    json->Key("rpId").String(options_.rp_id);
    json->Key("allowCredentials");
    WriteCredentialDescriptors(json, credentials);
    json->Key("userVerification").String(user_verification);
  }

  void LoginStart(HttpRequest&& request, Responder respond) {
    Context context{"/v1/login/start", "", ClientAddress(request, options_.trust_forwarded_for)};
    auto body = RequestObject::Parse(request.body);
    if (!body) {
      return FinishVerdict(context, respond, VerifyError::kMalformedRequest,
                           Ceremony::kAuthentication, "body is not a JSON object");
    }
    std::string username;
    if (!ReadUsername(*body, true, &context, respond, &username)) return;
    std::optional<std::vector<std::string>> groups;
    if (const auto* stated = body->Find("groups")) {
      if (!options_.trusted_backend_enabled || options_.trusted_backend_secret.empty() ||
          !ConstantTimeEqual(AsBytes(request.Header(options_.trusted_backend_header)),
                             AsBytes(options_.trusted_backend_secret))) {
        return FinishError(context, respond, 401, kCodeUnauthorized,
                           "Only a trusted backend may state groups.",
                           "groups without a valid backend secret");
      }
      if (stated->kind != RequestObject::Member::Kind::kStringArray) {
        return FinishVerdict(context, respond, VerifyError::kMalformedRequest,
                             Ceremony::kAuthentication, "groups is not an array of strings");
      }
      groups = stated->strings;
    }
    if (!Admit(context, respond)) return;
    auto decision = Decide(username, groups);
    if (!decision) return FinishInternal(context, respond, decision.error());

    JsonWriter json;
    json.BeginObject();
    json.Key("action").String(decision->action);
    json.Key("username").String(username);
    if (decision->action == "redirect") json.Key("target").String(decision->target);
    if (decision->action == "webauthn") {
      json.Key("passwordFallback").Bool(decision->password_fallback);
      auto challenge =
          IssueChallenge(storage::CeremonyKind::kAuthentication, decision->user->user_handle);
      if (!challenge) return FinishInternal(context, respond, challenge.error());
      json.Key("options").BeginObject();
      WriteRequestOptions(&json, *challenge, decision->credentials,
                          decision->user_verification);
      json.EndObject();
    }
    json.Key("loginTemplate").String(decision->login_template);
    json.Key("logoutTemplate").String(decision->logout_template);
    json.EndObject();
    std::string detail = "rule=" + decision->rule_id + " reason=" + decision->reason +
                         " policy_version=" + std::to_string(decision->policy_version);
    Finish(context, respond, JsonResponse(json.str()), decision->action, detail);
  }

  // Creates the account of a new user (a random 32-byte user handle).
  Result<UserRecord> CreateUser(const std::string& username, const std::string& display_name) {
    UserRecord user;
    user.user_handle.resize(kUserHandleBytes);
    if (RAND_bytes(user.user_handle.data(), user.user_handle.size()) != 1) {
      return Status::Internal("CSPRNG failed");
    }
    user.name = username;
    user.display_name = display_name.empty() ? username : display_name;
    user.created_at = deps_.now_ms() / 1000;
    UserInsertOutcome outcome{};
    Status status = deps_.store->InsertUserIfAbsent(user, &outcome);
    if (!status.ok()) return status;
    if (outcome == UserInsertOutcome::kInserted) return user;
    // Another request created the name first: use that account.
    std::optional<UserRecord> existing;
    status = deps_.store->LookupUserByName(username, &existing);
    if (!status.ok()) return status;
    if (!existing) return Status::Internal("user vanished after insert race");
    return *existing;
  }

  void RegistrationOptions(HttpRequest&& request, Responder respond) {
    Context context{"/v1/registration/options", "", ClientAddress(request, options_.trust_forwarded_for)};
    auto body = RequestObject::Parse(request.body);
    if (!body) {
      return FinishVerdict(context, respond, VerifyError::kMalformedRequest,
                           Ceremony::kRegistration, "body is not a JSON object");
    }
    std::string username;
    if (!ReadUsername(*body, true, &context, respond, &username)) return;
    bool type_ok = true;
    std::string display_name = body->String("displayName", &type_ok).value_or("");
    if (!type_ok || display_name.size() > kMaxUsernameBytes) {
      return FinishVerdict(context, respond, VerifyError::kMalformedRequest,
                           Ceremony::kRegistration, "displayName not a short string");
    }
    if (!Admit(context, respond)) return;
    auto decision = Decide(username, std::nullopt);
    if (!decision) return FinishInternal(context, respond, decision.error());
    // Enrolment is for accounts without authenticators (new, or reset);
    // adding a second one needs a signed-in session (docs/decisions.md).
    if (decision->action != "register") {
      return FinishVerdict(context, respond, VerifyError::kPolicyDenied, Ceremony::kRegistration,
                           "registration refused: login action is " + decision->action);
    }
    UserRecord user;
    if (decision->user) {
      user = *decision->user;
    } else {
      if (!options_.open_registration) {
        return FinishVerdict(context, respond, VerifyError::kPolicyDenied,
                             Ceremony::kRegistration, "no account and open_registration off");
      }
      auto created = CreateUser(username, display_name);
      if (!created) return FinishInternal(context, respond, created.error());
      user = std::move(*created);
    }
    auto challenge = IssueChallenge(storage::CeremonyKind::kRegistration, user.user_handle);
    if (!challenge) return FinishInternal(context, respond, challenge.error());

    JsonWriter json;
    json.BeginObject();
    json.Key("rp").BeginObject().Key("id").String(options_.rp_id);
    json.Key("name").String(options_.rp_name).EndObject();
    json.Key("user").BeginObject();
    json.Key("id").String(Base64UrlEncode(user.user_handle));
    json.Key("name").String(user.name);
    json.Key("displayName").String(user.display_name.empty() ? user.name : user.display_name);
    json.EndObject();
    json.Key("challenge").String(*challenge);
    json.Key("pubKeyCredParams").BeginArray();
    auto write_param = [&json](int64_t alg) {
      json.BeginObject().Key("type").String("public-key").Key("alg").Int(alg).EndObject();
    };
    if (decision->requirements.allowed_algorithms.empty()) {
      for (int64_t alg : kDefaultPubKeyCredAlgorithms) write_param(alg);
    } else {
      for (int64_t alg : decision->requirements.allowed_algorithms) write_param(alg);
    }
    json.EndArray();
    json.Key("timeout").Int(options_.timeout_ms);
    json.Key("excludeCredentials");
    WriteCredentialDescriptors(&json, decision->credentials);
    json.Key("authenticatorSelection").BeginObject();
    json.Key("residentKey").String("preferred");
    json.Key("requireResidentKey").Bool(false);
    json.Key("userVerification").String(decision->user_verification);
    json.EndObject();
    json.Key("attestation").String(decision->attestation);
    json.EndObject();
    Finish(context, respond, JsonResponse(json.str()), "ok", "");
  }

  // What a verify handler does once its challenge is spent: the challenge as
  // the client echoed it and the user handle it was bound to (empty if none).
  using AfterRedeem = std::function<void(std::string challenge_text, Bytes user_handle)>;

  // Parses clientDataJSON far enough to find the challenge, splits it and
  // redeems it through the ledger's group write (ledger_), so that no
  // request thread waits for the store.  `then` runs on the ledger's writer
  // thread once the challenge is spent, not yet durably (LedgerSync::
  // kDeferToCaller): whatever `then` answers goes through the pipeline or
  // SyncThenFinish*.  Every refusal of the challenge itself is answered here.
  void RedeemFromClientData(const Context& context, const Responder& respond,
                            ByteView client_data_json, storage::CeremonyKind kind,
                            Ceremony ceremony, AfterRedeem then) {
    thread_local JsonScratch scratch;
    CollectedClientData client_data;
    VerifyError verdict = ParseClientData(client_data_json, &scratch, &client_data);
    if (verdict != VerifyError::kOk) {
      return FinishVerdict(context, respond, verdict, ceremony, "clientDataJSON unreadable");
    }
    std::string challenge_text(client_data.challenge);
    Bytes sealed, user_handle;
    if (!SplitChallenge(challenge_text, &sealed, &user_handle)) {
      return FinishVerdict(context, respond, VerifyError::kChallengeUnknown, ceremony,
                           "challenge is not a sealed challenge");
    }
    ledger_->Redeem(
        *deps_.sealer, sealed, kind, user_handle, deps_.now_ms(),
        [this, context, respond, ceremony, challenge_text = std::move(challenge_text),
         user_handle, then = std::move(then)](Status status,
                                              storage::ChallengeCheck check) mutable {
          if (!status.ok()) return FinishInternal(context, respond, status);
          if (check != storage::ChallengeCheck::kOk) {
            return FinishVerdict(context, respond, VerifyError::kChallengeUnknown, ceremony,
                                 std::string("challenge ") + storage::ChallengeCheckName(check));
          }
          then(std::move(challenge_text), std::move(user_handle));
        });
  }

  void RegistrationVerify(HttpRequest&& request, Responder respond) {
    Context context{"/v1/registration/verify", "", ClientAddress(request, options_.trust_forwarded_for)};
    thread_local JsonScratch scratch;
    RegistrationResponse parsed;
    VerifyError verdict = ParseRegistrationResponseJson(request.body, &scratch, &parsed);
    if (verdict != VerifyError::kOk) {
      return FinishVerdict(context, respond, verdict, Ceremony::kRegistration, "envelope");
    }
    if (!Admit(context, respond)) return;
    if (!EnterVerification(&context, respond)) return;
    RedeemFromClientData(
        context, respond, parsed.client_data_json, storage::CeremonyKind::kRegistration,
        Ceremony::kRegistration,
        [this, context, respond, body = std::move(request.body)](
            std::string challenge, Bytes user_handle) mutable {
          SubmitRegistration(std::move(context), respond, std::move(body), std::move(challenge),
                             std::move(user_handle));
        });
  }

  // The registration after its challenge is spent: the user, the policy,
  // then the pipeline.
  void SubmitRegistration(Context context, const Responder& respond, std::string body,
                          std::string challenge, Bytes user_handle) {
    std::optional<UserRecord> user;
    Status status = deps_.store->LookupUserByHandle(user_handle, &user);
    if (!status.ok()) return SyncThenFinishInternal(context, respond, status);
    if (!user) {
      return SyncThenFinishVerdict(context, respond, VerifyError::kChallengeUnknown,
                           Ceremony::kRegistration, "challenge names a user that is gone");
    }
    context.user = user->name;
    auto decision = Decide(user->name, std::nullopt);
    if (!decision) return SyncThenFinishInternal(context, respond, decision.error());
    if (decision->action != "register") {
      return SyncThenFinishVerdict(context, respond, VerifyError::kPolicyDenied, Ceremony::kRegistration,
                           "registration refused: login action is " + decision->action);
    }
    RegistrationJob job;
    job.response_json = std::move(body);
    job.expected.challenge = challenge;
    job.expected.requirements = decision->requirements;
    if (deps_.metadata) job.expected.requirements.metadata = deps_.metadata();
    job.user_handle = user_handle;
    job.now = deps_.now_ms() / 1000;
    auto done = [this, context, respond](RegistrationOutcome&& outcome) {
      if (!outcome.status.ok()) return FinishInternal(context, respond, outcome.status);
      if (outcome.verdict != VerifyError::kOk) {
        return FinishVerdict(context, respond, outcome.verdict, Ceremony::kRegistration,
                             "pipeline verdict");
      }
      JsonWriter json;
      json.BeginObject();
      json.Key("verified").Bool(true);
      json.Key("username").String(context.user);
      json.Key("credentialId").String(Base64UrlEncode(outcome.credential.id));
      json.Key("attestationFormat").String(outcome.credential.attestation_format);
      json.Key("backupEligible").Bool(outcome.credential.backup_eligible);
      json.EndObject();
      Finish(context, respond, JsonResponse(json.str()), "ok", "");
    };
    Status submitted = deps_.pipeline->SubmitRegistration(std::move(job), std::move(done));
    if (!submitted.ok()) RefusedAfterSpend(context, respond, submitted);
  }

  void RefusedAfterSpend(const Context& context, const Responder& respond, const Status& status) {
    if (Status synced = deps_.store->SyncWrites(); !synced.ok()) {
      return FinishInternal(context, respond, synced);
    }
    Refused(context, respond, status);
  }

  void Refused(const Context& context, const Responder& respond, const Status& status) {
    if (status.code() == Status::Code::kOverloaded || status.code() == Status::Code::kUnavailable) {
      return Finish(context, respond, OverloadedResponse(options_.retry_after_seconds),
                    kCodeOverloaded, status.ToString());
    }
    FinishInternal(context, respond, status);
  }

  void AuthenticationOptions(HttpRequest&& request, Responder respond) {
    Context context{"/v1/authentication/options", "", ClientAddress(request, options_.trust_forwarded_for)};
    auto body = RequestObject::Parse(request.body);
    if (!body) {
      return FinishVerdict(context, respond, VerifyError::kMalformedRequest,
                           Ceremony::kAuthentication, "body is not a JSON object");
    }
    std::string username;
    if (!ReadUsername(*body, false, &context, respond, &username)) return;
    if (!Admit(context, respond)) return;
    std::string user_verification = "preferred";
    std::vector<CredentialRecord> credentials;
    Bytes user_handle;
    if (!username.empty()) {
      auto decision = Decide(username, std::nullopt);
      if (!decision) return FinishInternal(context, respond, decision.error());
      if (decision->action != "webauthn") {
        return FinishVerdict(context, respond, VerifyError::kPolicyDenied,
                             Ceremony::kAuthentication,
                             "authentication refused: login action is " + decision->action);
      }
      user_verification = decision->user_verification;
      credentials = std::move(decision->credentials);
      user_handle = decision->user->user_handle;
    }
    auto challenge = IssueChallenge(storage::CeremonyKind::kAuthentication, user_handle);
    if (!challenge) return FinishInternal(context, respond, challenge.error());
    JsonWriter json;
    json.BeginObject();
    WriteRequestOptions(&json, *challenge, credentials, user_verification);
    json.EndObject();
    Finish(context, respond, JsonResponse(json.str()), "ok", "");
  }

  void AuthenticationVerify(HttpRequest&& request, Responder respond) {
    Context context{"/v1/authentication/verify", "", ClientAddress(request, options_.trust_forwarded_for)};
    thread_local JsonScratch scratch;
    AuthenticationResponse parsed;
    VerifyError verdict = ParseAuthenticationResponseJson(request.body, &scratch, &parsed);
    if (verdict != VerifyError::kOk) {
      return FinishVerdict(context, respond, verdict, Ceremony::kAuthentication, "envelope");
    }
    if (!Admit(context, respond)) return;
    if (!EnterVerification(&context, respond)) return;
    // The decoded response goes to the pipeline, which then does not parse
    // the body again.  The view stays valid when `parsed` moves into the
    // continuation: a moved vector keeps its buffer.
    ByteView client_data_json(parsed.client_data_json);
    RedeemFromClientData(
        context, respond, client_data_json, storage::CeremonyKind::kAuthentication,
        Ceremony::kAuthentication,
        [this, context, respond, parsed = std::move(parsed)](std::string challenge,
                                                             Bytes bound_handle) mutable {
          SubmitAssertion(std::move(context), respond, std::move(parsed), std::move(challenge),
                          std::move(bound_handle));
        });
  }

  // The login after its challenge is spent: the account (A6), the policy,
  // then the pipeline.
  void SubmitAssertion(Context context, const Responder& respond, AuthenticationResponse parsed,
                       std::string challenge, Bytes bound_handle) {
    const std::optional<Bytes>& response_user_handle = parsed.user_handle;
    // A6: the user was identified before the ceremony (bound challenge), or
    // the discoverable credential names its owner (userHandle).
    Bytes user_handle = bound_handle;
    if (user_handle.empty()) {
      if (!response_user_handle || response_user_handle->empty()) {
        return SyncThenFinishVerdict(context, respond, VerifyError::kUserHandleMismatch,
                             Ceremony::kAuthentication, "usernameless login without userHandle");
      }
      user_handle = *response_user_handle;
    }
    std::optional<UserRecord> user;
    Status status = deps_.store->LookupUserByHandle(user_handle, &user);
    if (!status.ok()) return SyncThenFinishInternal(context, respond, status);
    if (!user) {
      return SyncThenFinishVerdict(context, respond, VerifyError::kUnknownCredential,
                           Ceremony::kAuthentication, "no account with this user handle");
    }
    context.user = user->name;
    auto decision = DecideForVerify(std::move(*user));
    if (!decision) return SyncThenFinishInternal(context, respond, decision.error());
    if (decision->action != "webauthn") {
      return SyncThenFinishVerdict(context, respond, VerifyError::kPolicyDenied,
                           Ceremony::kAuthentication,
                           "authentication refused: login action is " + decision->action);
    }
    AssertionJob job;
    job.parsed_response = std::move(parsed);
    job.expected.challenge = challenge;
    job.expected.requirements = decision->requirements;
    if (deps_.metadata) job.expected.requirements.metadata = deps_.metadata();
    job.expected.user_handle = user_handle;
    auto done = [this, context, respond](AssertionOutcome&& outcome) {
      if (!outcome.status.ok()) return FinishInternal(context, respond, outcome.status);
      if (outcome.verdict != VerifyError::kOk) {
        return FinishVerdict(context, respond, outcome.verdict, Ceremony::kAuthentication,
                             "pipeline verdict");
      }
      JsonWriter json;
      json.BeginObject();
      json.Key("verified").Bool(true);
      json.Key("username").String(context.user);
      json.Key("credentialId").String(Base64UrlEncode(outcome.credential_id));
      json.Key("userVerified").Bool(outcome.update.user_verified);
      json.Key("signCount").Uint(outcome.update.sign_count);
      json.EndObject();
      Finish(context, respond, JsonResponse(json.str()), "ok", "");
    };
    Status submitted = deps_.pipeline->SubmitAssertion(std::move(job), std::move(done));
    if (!submitted.ok()) RefusedAfterSpend(context, respond, submitted);
  }

  // Verify requests holding a place under max_verifications_in_flight.
  std::atomic<size_t> verifying_{0};

  // Last, so that it goes first: its destructor spends what is queued and
  // runs those requests' continuations, which use everything above.
  std::unique_ptr<storage::ChallengeBatcher> ledger_;
};

WebAuthnService::WebAuthnService(WebAuthnServiceOptions options, WebAuthnServiceDeps deps)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(deps))) {}

WebAuthnService::~WebAuthnService() = default;

void WebAuthnService::AddRoutes(Router* router) {
  Impl* impl = impl_.get();
  router->Add("POST", "/v1/login/start",
              [impl](HttpRequest&& r, Responder s) { impl->LoginStart(std::move(r), s); });
  router->Add("POST", "/v1/registration/options", [impl](HttpRequest&& r, Responder s) {
    impl->RegistrationOptions(std::move(r), s);
  });
  router->Add("POST", "/v1/registration/verify", [impl](HttpRequest&& r, Responder s) {
    impl->RegistrationVerify(std::move(r), s);
  });
  router->Add("POST", "/v1/authentication/options", [impl](HttpRequest&& r, Responder s) {
    impl->AuthenticationOptions(std::move(r), s);
  });
  router->Add("POST", "/v1/authentication/verify", [impl](HttpRequest&& r, Responder s) {
    impl->AuthenticationVerify(std::move(r), s);
  });
}

void WebAuthnService::LoginStart(HttpRequest&& request, Responder respond) {
  impl_->LoginStart(std::move(request), std::move(respond));
}
void WebAuthnService::RegistrationOptions(HttpRequest&& request, Responder respond) {
  impl_->RegistrationOptions(std::move(request), std::move(respond));
}
void WebAuthnService::RegistrationVerify(HttpRequest&& request, Responder respond) {
  impl_->RegistrationVerify(std::move(request), std::move(respond));
}
void WebAuthnService::AuthenticationOptions(HttpRequest&& request, Responder respond) {
  impl_->AuthenticationOptions(std::move(request), std::move(respond));
}
void WebAuthnService::AuthenticationVerify(HttpRequest&& request, Responder respond) {
  impl_->AuthenticationVerify(std::move(request), std::move(respond));
}

Result<LoginDecision> WebAuthnService::Decide(
    std::string_view username, const std::optional<std::vector<std::string>>& groups) {
  return impl_->Decide(username, groups);
}

std::string WebAuthnService::NormalizeUsername(std::string_view name) {
  size_t begin = name.find_first_not_of(' ');
  size_t end = name.find_last_not_of(' ');
  if (begin == std::string_view::npos) return "";
  name = name.substr(begin, end - begin + 1);
  if (name.size() > kMaxUsernameBytes) return "";
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return "";
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

}  // namespace keystorm::server
