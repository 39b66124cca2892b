// A WebAuthnService over an in-memory store, a real pipeline and a policy,
// called directly (no sockets), with a clock the test moves.
#ifndef KEYSTORM_TESTS_SERVER_APP_TEST_SUPPORT_H_
#define KEYSTORM_TESTS_SERVER_APP_TEST_SUPPORT_H_

#include <simdjson.h>

#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "keystorm/base64url.h"
#include "keystorm/pipeline.h"
#include "keystorm/policy/policy.h"
#include "keystorm/policy/policy_store.h"
#include "keystorm/server/default_policy.h"
#include "keystorm/server/http.h"
#include "keystorm/server/webauthn_service.h"
#include "keystorm/storage/challenge_sealer.h"
#include "keystorm/storage/memory_store.h"
#include "keystorm/test/forwarding_store.h"
#include "keystorm/test/test_authenticator.h"

namespace keystorm::server::testing {

// Calls a handler and waits for its answer (it may come from a pipeline
// thread).
template <typename HandlerFn>
HttpResponse Call(HandlerFn&& handler, std::string body, std::string client = "192.0.2.1") {
  HttpRequest request;
  request.method = "POST";
  request.body = std::move(body);
  request.client_address = std::move(client);
  auto promise = std::make_shared<std::promise<HttpResponse>>();
  std::future<HttpResponse> answer = promise->get_future();
  handler(std::move(request), Responder([promise](HttpResponse r) { promise->set_value(std::move(r)); }));
  return answer.get();
}

// A string member of a JSON answer ("" when absent); path is "a" or "a.b".
inline std::string JsonString(const std::string& json, std::string_view path) {
  simdjson::dom::parser parser;
  simdjson::dom::element element;
  if (parser.parse(json).get(element) != simdjson::SUCCESS) return "";
  std::string pointer = "/" + std::string(path);
  for (char& c : pointer) {
    if (c == '.') c = '/';
  }
  std::string_view out;
  if (element.at_pointer(pointer).get_string().get(out) != simdjson::SUCCESS) return "";
  return std::string(out);
}

inline std::string ErrorCode(const HttpResponse& response) {
  return JsonString(response.body, "error.code");
}

inline Bytes Decode(std::string_view base64url) {
  Bytes out;
  Base64UrlDecode(base64url, &out);
  return out;
}

using test::ForwardingStore;
using test::LookupGateStore;

// Counts challenge spends made without a sync (ConsumeChallengesUnsynced)
// and the ones a sync has covered since (SyncWrites, or SyncWritesUpTo a
// mark, the mark being the spends counted so far): the difference is what
// a power cut would lose.
class SpendTrackingStore final : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  int unsynced_spends() const { return spends_.load() - synced_.load(); }
  int total_unsynced_spends() const { return spends_.load(); }

  Status ConsumeChallengesUnsynced(std::span<const ChallengeUse> uses, int64_t now_ms,
                                   std::vector<ChallengeOutcome>* outcomes) override {
    Status s = ForwardingStore::ConsumeChallengesUnsynced(uses, now_ms, outcomes);
    spends_.fetch_add(1);
    return s;
  }
  uint64_t WriteMark() override { return static_cast<uint64_t>(spends_.load()); }
  Status SyncWritesUpTo(uint64_t mark) override {
    // The inner store syncs everything it holds (its own marks are not ours).
    Status s = ForwardingStore::SyncWritesUpTo(ForwardingStore::WriteMark());
    int seen = synced_.load();
    while (seen < static_cast<int>(mark) && !synced_.compare_exchange_weak(seen, static_cast<int>(mark))) {
    }
    return s;
  }

 private:
  std::atomic<int> spends_{0};
  std::atomic<int> synced_{0};
};

class AppFixture {
 public:
  explicit AppFixture(std::string_view policy_toml = kDefaultPolicyToml,
                      WebAuthnServiceOptions options = DefaultOptions(),
                      UserDirectory* directory = nullptr)
      : verifier_(RelyingPartyConfig{.rp_id = test::kRpId, .origins = {test::kOrigin}}),
        pipeline_(&verifier_, &tracked_store_, PipelineOptions{.workers = 1}) {
    auto compiled = policy::LoadPolicy(policy_toml, 1, nullptr);
    if (!compiled) std::abort();
    policies_ = std::make_unique<policy::PolicyStore>(*compiled);
    storage::ChallengeKey key;
    key.id = 7;
    key.secret.fill(0x42);
    auto sealer = storage::ChallengeSealer::Create({key}, 300'000);
    if (!sealer) std::abort();
    WebAuthnServiceDeps deps;
    deps.store = &tracked_store_;
    deps.pipeline = &pipeline_;
    deps.policies = policies_.get();
    deps.directory = directory;
    deps.sealer = std::make_shared<const storage::ChallengeSealer>(std::move(*sealer));
    deps.now_ms = [this] { return now_ms_.load(); };
    deps.admission = [this](std::string_view address, std::string_view) {
      std::lock_guard<std::mutex> lock(address_mu_);
      last_address_ = std::string(address);
      return admission_wait_.load();
    };
    service_ = std::make_unique<WebAuthnService>(std::move(options), std::move(deps));
  }

  static WebAuthnServiceOptions DefaultOptions() {
    WebAuthnServiceOptions options;
    options.rp_id = test::kRpId;
    return options;
  }

  WebAuthnService& service() { return *service_; }
  storage::MemoryCredentialStore& store() { return store_; }
  // The service's and the pipeline's view of store(), counting spends.
  const SpendTrackingStore& tracked_store() const { return tracked_store_; }
  policy::PolicyStore& policies() { return *policies_; }
  void AdvanceMs(int64_t ms) { now_ms_ += ms; }
  void SetAdmissionWait(int seconds) { admission_wait_ = seconds; }
  int64_t now_seconds() const { return now_ms_.load() / 1000; }
  // The client address the last rate-limit check was made for.
  std::string last_admitted_address() {
    std::lock_guard<std::mutex> lock(address_mu_);
    return last_address_;
  }

  HttpResponse LoginStart(const std::string& body) {
    return Call([this](HttpRequest&& r, Responder s) { service_->LoginStart(std::move(r), s); }, body);
  }
  HttpResponse RegistrationOptions(const std::string& body) {
    return Call([this](HttpRequest&& r, Responder s) { service_->RegistrationOptions(std::move(r), s); },
                body);
  }
  HttpResponse RegistrationVerify(const std::string& body) {
    return Call([this](HttpRequest&& r, Responder s) {
                  service_->RegistrationVerify(std::move(r), NotingSpends(std::move(s)));
                },
                body);
  }
  HttpResponse AuthenticationOptions(const std::string& body) {
    return Call(
        [this](HttpRequest&& r, Responder s) { service_->AuthenticationOptions(std::move(r), s); },
        body);
  }
  HttpResponse AuthenticationVerify(const std::string& body) {
    return Call(
        [this](HttpRequest&& r, Responder s) {
          service_->AuthenticationVerify(std::move(r), NotingSpends(std::move(s)));
        },
        body);
  }
  // tracked_store().unsynced_spends() when the last verify answer was sent:
  // what a power cut at that moment would have lost.
  int unsynced_spends_at_last_answer() const { return unsynced_at_answer_.load(); }

  // Registers `authenticator` for `username` through the API; returns the
  // user handle the server chose (empty on failure).
  Bytes Enrol(const std::string& username, const test::TestAuthenticator& authenticator) {
    HttpResponse options = RegistrationOptions(R"({"username":")" + username + R"("})");
    if (options.status != 200) return {};
    test::RegistrationOptions reg;
    reg.client_data.challenge = JsonString(options.body, "challenge");
    HttpResponse verified = RegistrationVerify(authenticator.Register(reg).Json());
    if (verified.status != 200) return {};
    return Decode(JsonString(options.body, "user.id"));
  }

  // An assertion answering the challenge of `options_json` (a request
  // options object, or a login/start answer with "options").
  static std::string AssertionFor(const test::TestAuthenticator& authenticator,
                                  const std::string& challenge, const Bytes& user_handle,
                                  uint32_t sign_count) {
    test::AssertionOptions options;
    options.client_data.challenge = challenge;
    options.user_handle = user_handle;
    options.sign_count = sign_count;
    return authenticator.Assert(options).Json();
  }

 private:
  Responder NotingSpends(Responder respond) {
    return Responder([this, respond](HttpResponse response) {
      unsynced_at_answer_.store(tracked_store_.unsynced_spends());
      respond(std::move(response));
    });
  }

  storage::MemoryCredentialStore store_;
  SpendTrackingStore tracked_store_{&store_};
  std::atomic<int> unsynced_at_answer_{-1};
  Verifier verifier_;
  std::unique_ptr<policy::PolicyStore> policies_;
  std::atomic<int64_t> now_ms_{1'800'000'000'000};
  std::atomic<int> admission_wait_{0};
  std::mutex address_mu_;
  std::string last_address_;
  std::unique_ptr<WebAuthnService> service_;
  // Last: destroyed first, so its draining callbacks still find the service.
  Pipeline pipeline_;
};

}  // namespace keystorm::server::testing

#endif  // KEYSTORM_TESTS_SERVER_APP_TEST_SUPPORT_H_
