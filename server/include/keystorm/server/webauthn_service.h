// The public WebAuthn API (docs/openapi.yaml):
//
//   POST /v1/login/start              {username}  -> what the policy says this
//                                     user does: webauthn (with request
//                                     options), register, password, redirect, deny
//   POST /v1/registration/options     {username, displayName?} ->
//                                     PublicKeyCredentialCreationOptionsJSON
//   POST /v1/registration/verify      RegistrationResponseJSON
//   POST /v1/authentication/options   {username?} -> PublicKeyCredentialRequestOptionsJSON
//                                     (no username: usernameless, discoverable)
//   POST /v1/authentication/verify    AuthenticationResponseJSON
//
// Stateless between options and verify.  A challenge is a sealed challenge
// (storage/challenge_sealer.h: 95 bytes), followed, when the ceremony is for
// a known user, by that user's handle:
//
//   challenge = sealed(ceremony, SHA-256 binding of handle) ‖ user handle
//
// The seal binds the appended handle (Open checks it), so verify learns the
// user from the response alone, and the request bodies stay exactly the W3C
// JSON types.  Verify redeems the challenge single-use in the store before
// the response is verified, then submits the ceremony to the batched
// Pipeline and answers from the pipeline's completion (no thread waits).
//
// Thread safety: every handler may run on any thread, concurrently.
#ifndef KEYSTORM_SERVER_WEBAUTHN_SERVICE_H_
#define KEYSTORM_SERVER_WEBAUTHN_SERVICE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keystorm/credential_store.h"
#include "keystorm/metadata.h"
#include "keystorm/pipeline.h"
#include "keystorm/policy/policy_store.h"
#include "keystorm/server/http.h"
#include "keystorm/server/json_log.h"
#include "keystorm/storage/challenge_sealer.h"
#include "keystorm/trust_store.h"
#include "keystorm/user_directory.h"
#include "keystorm/verifier.h"

namespace keystorm::server {

// One finished API request, for metrics and the log.  `outcome` is "ok" or
// an error code; `detail` the precise internal reason (never sent to the
// client); `seconds` the time from request to answer.
struct RequestEvent {
  std::string_view route;
  std::string_view outcome;
  std::string_view detail;
  std::string_view user;
  std::string_view client_address;
  int status = 0;
  double seconds = 0;
};
using EventSink = std::function<void(const RequestEvent&)>;

// The service log's level for a finished request: info when it succeeded,
// warn when it was refused (a bad response, a limit, a 503 that sheds load
// or a shutdown: none is a fault of the service), error for any other 5xx.
LogLevel RequestLogLevel(const RequestEvent& event);

// Token-bucket admission for the options and verify endpoints: 0 admits the
// request, otherwise the seconds the client should wait.  `user` is empty
// when the request names none.  Failures throttle; they never lock an
// account (the buckets refill by themselves).
using Admission = std::function<int(std::string_view client_address, std::string_view user)>;

struct WebAuthnServiceOptions {
  std::string rp_id = "localhost";
  std::string rp_name = "Keystorm";
  int64_t timeout_ms = 60'000;
  bool open_registration = true;
  int retry_after_seconds = 1;
  // Verify requests past the rate limit and not yet answered, at most; 0:
  // no bound here.  Beyond it verify answers 503 `overloaded` before it
  // spends the challenge, so the client may send the same response again.
  // Set it to the pipeline's max_in_flight (keystorm serve does): the
  // pipeline then never refuses a request whose challenge is already spent.
  size_t max_verifications_in_flight = 0;
  // Behind a load balancer: the client address (rate limits, logs) is the
  // last X-Forwarded-For entry, the one the balancer appended.  Only with a
  // balancer that always sets it, else clients choose their own address.
  bool trust_forwarded_for = false;
  // A trusted backend may state the user's groups in /v1/login/start
  // ("groups": [...]) when it sends this header with this secret.
  bool trusted_backend_enabled = false;
  std::string trusted_backend_header = "x-keystorm-backend-secret";
  std::string trusted_backend_secret;
};

struct WebAuthnServiceDeps {
  CredentialStore* store = nullptr;   // required
  Pipeline* pipeline = nullptr;       // required; uses `store`
  const policy::PolicyStore* policies = nullptr;  // required
  std::shared_ptr<const storage::ChallengeSealer> sealer;  // required
  UserDirectory* directory = nullptr;  // optional: groups for the policy
  std::function<int64_t()> now_ms;     // default: the system clock
  EventSink events;                    // optional
  Admission admission;                 // optional: admit everything
  // Optional: the operator's attestation trust anchors, read per ceremony
  // (reloadable); used where the policy's profile names none.
  std::function<std::shared_ptr<const TrustStore>()> trust_store;
  // Optional: the FIDO metadata in force (ReloadableMetadata::Current), read
  // once per ceremony.  The snapshot travels in the job's Requirements, so a
  // reload during the ceremony neither frees it nor changes its verdict.
  std::function<std::shared_ptr<const MetadataBlob>()> metadata;
};

// What the policy decided for one login, copied out of the policy.
struct LoginDecision {
  // "webauthn", "register", "password", "redirect" or "deny".
  std::string action;
  std::string reason;  // policy::DecisionReasonName
  std::string rule_id;
  uint64_t policy_version = 0;
  std::string target;  // redirect only
  bool password_fallback = false;
  std::string login_template;
  std::string logout_template;
  std::string user_verification;  // "required" / "preferred" / "discouraged"
  std::string attestation;        // "none" or "direct"
  Requirements requirements;
  std::optional<UserRecord> user;  // nullopt: no such account
  std::vector<CredentialRecord> credentials;
};

class WebAuthnService {
 public:
  WebAuthnService(WebAuthnServiceOptions options, WebAuthnServiceDeps deps);
  ~WebAuthnService();
  WebAuthnService(const WebAuthnService&) = delete;
  WebAuthnService& operator=(const WebAuthnService&) = delete;

  // Routes the five endpoints above.
  void AddRoutes(Router* router);

  void LoginStart(HttpRequest&& request, Responder respond);
  void RegistrationOptions(HttpRequest&& request, Responder respond);
  void RegistrationVerify(HttpRequest&& request, Responder respond);
  void AuthenticationOptions(HttpRequest&& request, Responder respond);
  void AuthenticationVerify(HttpRequest&& request, Responder respond);

  // The policy's decision for `username` (already normalised), with the
  // account and its credentials.  `groups`: stated by a trusted backend;
  // nullopt takes them from the directory.  Pages use it to pick templates.
  Result<LoginDecision> Decide(std::string_view username,
                               const std::optional<std::vector<std::string>>& groups);

  // Login names are compared byte for byte by the store, so they are
  // normalised here: ASCII lower case, surrounding spaces trimmed.  Empty
  // when the name is unusable (empty, too long, control characters).
  static std::string NormalizeUsername(std::string_view name);

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_WEBAUTHN_SERVICE_H_
