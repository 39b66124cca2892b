// ServerApp as `keystorm serve` builds it (RocksDB under a temporary data
// folder, generated secrets, routers), called through its routers without
// sockets; and the pipeline's overload refusal as the API answers it.
#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <mutex>

#include "app_test_support.h"
#include "keystorm/cose_key.h"
#include "keystorm/server/server_app.h"

namespace keystorm::server::testing {
namespace {

constexpr int64_t kEs256 = static_cast<int64_t>(CoseAlgorithm::kES256);

HttpResponse Route(Router& router, std::string method, std::string path, std::string body,
                   std::string query = "", std::string authorization = "") {
  bool known = false;
  const Handler* handler = router.Find(method, path, &known);
  if (handler == nullptr) {
    HttpResponse missing;
    missing.status = known ? 405 : 404;
    return missing;
  }
  HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.query = std::move(query);
  request.body = std::move(body);
  request.client_address = "192.0.2.9";
  if (!authorization.empty()) request.headers.emplace_back("authorization", authorization);
  auto promise = std::make_shared<std::promise<HttpResponse>>();
  auto answer = promise->get_future();
  (*handler)(std::move(request), Responder([promise](HttpResponse r) { promise->set_value(std::move(r)); }));
  return answer.get();
}

class ServerAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("keystorm-app-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    config_.data_dir = dir_.string();
    config_.rate_per_user = 0.001;  // effectively no refill during the test
    config_.burst_per_user = 3;
    config_.pipeline_workers = 1;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  ServerConfig config_;
};

TEST_F(ServerAppTest, CreatesItsDataAndServesEveryListener) {
  auto app = ServerApp::Create(config_, nullptr);
  ASSERT_TRUE(app.has_value()) << app.error().ToString();
  EXPECT_TRUE(std::filesystem::exists(dir_ / "store"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "challenge.key"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "admin.token"));

  Router public_router = (*app)->PublicRouter();
  HttpResponse start = Route(public_router, "POST", "/v1/login/start", R"({"username":"ann"})");
  EXPECT_EQ(JsonString(start.body, "action"), "register");
  HttpResponse page = Route(public_router, "GET", "/login", "");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Keystorm"), std::string::npos);
  EXPECT_EQ(Route(public_router, "POST", "/attestation/options", "{}").status, 404);  // off

  Router management = (*app)->ManagementRouter();
  EXPECT_EQ(Route(management, "GET", "/health/live", "").status, 200);
  EXPECT_EQ(Route(management, "GET", "/health/ready", "").status, 503);
  (*app)->SetReady(true);
  EXPECT_EQ(Route(management, "GET", "/health/ready", "").status, 200);
  HttpResponse metrics = Route(management, "GET", "/metrics", "");
  EXPECT_NE(metrics.body.find(
                R"(keystorm_requests_total{route="/v1/login/start",outcome="register"} 1)"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("keystorm_pipeline_queue_depth 0"), std::string::npos);
  EXPECT_NE(metrics.body.find("keystorm_store_estimated_keys{family="), std::string::npos);

  Router admin = (*app)->AdminRouter();
  EXPECT_EQ(Route(admin, "POST", "/admin/v1/users/reset", R"({"username":"ann"})").status, 401);
  std::ifstream token_file(dir_ / "admin.token");
  std::string token;
  std::getline(token_file, token);
  HttpResponse list = Route(admin, "GET", "/admin/v1/credentials", "", "username=ann",
                            "Bearer " + token);
  EXPECT_EQ(list.status, 404);  // login/start creates no account
}

TEST_F(ServerAppTest, PerUserRateLimitThrottlesOnlyThatUser) {
  auto app = ServerApp::Create(config_, nullptr);
  ASSERT_TRUE(app.has_value()) << app.error().ToString();
  Router router = (*app)->PublicRouter();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Route(router, "POST", "/v1/login/start", R"({"username":"ann"})").status, 200);
  }
  HttpResponse limited = Route(router, "POST", "/v1/login/start", R"({"username":"ann"})");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(ErrorCode(limited), "rate_limited");
  EXPECT_EQ(Route(router, "POST", "/v1/login/start", R"({"username":"bob"})").status, 200);
}

TEST_F(ServerAppTest, ChallengeKeyFileIsSharedAcrossRestarts) {
  {
    auto app = ServerApp::Create(config_, nullptr);
    ASSERT_TRUE(app.has_value()) << app.error().ToString();
  }
  std::ifstream in(dir_ / "challenge.key");
  std::stringstream before;
  before << in.rdbuf();
  auto again = ServerApp::Create(config_, nullptr);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  std::ifstream in2(dir_ / "challenge.key");
  std::stringstream after;
  after << in2.rdbuf();
  EXPECT_EQ(before.str(), after.str());
}

TEST_F(ServerAppTest, BadPolicyFileRefusesToStart) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / "policy.toml") << "format = 1\n[webauthn]\ndefault = \"sometimes\"\n";
  config_.policy_file = (dir_ / "policy.toml").string();
  auto app = ServerApp::Create(config_, nullptr);
  ASSERT_FALSE(app.has_value());
  EXPECT_NE(app.error().message().find("policy"), std::string_view::npos);
}

TEST_F(ServerAppTest, AdminReloadsPolicyAndTrustAnchors) {
  std::filesystem::create_directories(dir_ / "anchors");
  std::ofstream(dir_ / "policy.toml") << "format = 1\n";
  config_.policy_file = (dir_ / "policy.toml").string();
  config_.trust_anchors_dir = (dir_ / "anchors").string();
  auto app = ServerApp::Create(config_, nullptr);
  ASSERT_TRUE(app.has_value()) << app.error().ToString();
  Router admin = (*app)->AdminRouter();
  Router management = (*app)->ManagementRouter();
  std::ifstream token_file(dir_ / "admin.token");
  std::string token;
  std::getline(token_file, token);
  const std::string bearer = "Bearer " + token;

  std::ofstream(dir_ / "policy.toml") << "format = 1\n[webauthn]\ndefault = \"disabled\"\n";
  EXPECT_EQ(Route(admin, "POST", "/admin/v1/policy/reload", "", "", bearer).status, 200);
  EXPECT_NE(Route(management, "GET", "/metrics", "").body.find("keystorm_policy_version 2"),
            std::string::npos);
  Router public_router = (*app)->PublicRouter();
  EXPECT_EQ(JsonString(Route(public_router, "POST", "/v1/login/start", R"({"username":"x"})").body,
                       "action"),
            "password");

  // A file that does not compile leaves the running policy in place.
  std::ofstream(dir_ / "policy.toml") << "format = 7\n";
  EXPECT_EQ(Route(admin, "POST", "/admin/v1/policy/reload", "", "", bearer).status, 400);
  EXPECT_NE(Route(management, "GET", "/metrics", "").body.find("keystorm_policy_version 2"),
            std::string::npos);

  EXPECT_EQ(Route(admin, "POST", "/admin/v1/trust/reload", "", "", bearer).status, 200);
  std::ifstream audit(dir_ / "audit.log");
  std::stringstream lines;
  lines << audit.rdbuf();
  EXPECT_NE(lines.str().find(R"("action":"reload_trust_anchors","outcome":"ok")"),
            std::string::npos)
      << lines.str();
}

// A store whose lookups wait until the test opens the gate, so that a
// ceremony stays in the pipeline.
class GatedStore final : public CredentialStore {
 public:
  explicit GatedStore(CredentialStore* inner) : inner_(inner) {}
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  Status MultiLookup(std::span<const ByteView> ids,
                     std::vector<std::optional<CredentialRecord>>* out) override {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return open_; });
    return inner_->MultiLookup(ids, out);
  }
  Status CommitUpdates(std::span<const CounterUpdate> u, std::vector<CommitOutcome>* o) override {
    return inner_->CommitUpdates(u, o);
  }
  Status InsertCredentialIfAbsent(const CredentialRecord& r, bool* inserted) override {
    return inner_->InsertCredentialIfAbsent(r, inserted);
  }
  Status ListForUser(ByteView h, std::vector<CredentialRecord>* out) override {
    return inner_->ListForUser(h, out);
  }
  Status Delete(ByteView id) override { return inner_->Delete(id); }
  Status InsertUserIfAbsent(const UserRecord& u, UserInsertOutcome* o) override {
    return inner_->InsertUserIfAbsent(u, o);
  }
  Status LookupUserByName(std::string_view n, std::optional<UserRecord>* out) override {
    return inner_->LookupUserByName(n, out);
  }
  Status LookupUserByHandle(ByteView h, std::optional<UserRecord>* out) override {
    return inner_->LookupUserByHandle(h, out);
  }
  Status ConsumeChallenges(std::span<const ChallengeUse> uses, int64_t now_ms,
                           std::vector<ChallengeOutcome>* outcomes) override {
    return inner_->ConsumeChallenges(uses, now_ms, outcomes);
  }

 private:
  CredentialStore* inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

TEST(OverloadTest, FullPipelineAnswers503WithRetryAfter) {
  // Enrol through a normal fixture's store, then verify through a pipeline
  // of capacity one whose store lookups are held.
  AppFixture setup;
  test::TestAuthenticator key(kEs256, 0);
  Bytes handle = setup.Enrol("alice", key);
  ASSERT_FALSE(handle.empty());

  GatedStore gated(&setup.store());
  Verifier verifier(RelyingPartyConfig{.rp_id = test::kRpId, .origins = {test::kOrigin}});
  auto compiled = policy::LoadPolicy(kDefaultPolicyToml, 1, nullptr);
  policy::PolicyStore policies(*compiled);
  storage::ChallengeKey challenge_key;
  challenge_key.id = 1;
  WebAuthnServiceDeps deps;
  deps.store = &gated;
  deps.policies = &policies;
  deps.sealer = std::make_shared<const storage::ChallengeSealer>(
      std::move(storage::ChallengeSealer::Create({challenge_key}, 300'000).value()));
  WebAuthnServiceOptions options = AppFixture::DefaultOptions();
  options.retry_after_seconds = 2;
  std::unique_ptr<WebAuthnService> service;
  {
    Pipeline pipeline(&verifier, &gated, PipelineOptions{.workers = 1, .max_in_flight = 1});
    deps.pipeline = &pipeline;
    service = std::make_unique<WebAuthnService>(options, deps);
    auto options_for = [&] {
      return Call([&](HttpRequest&& r, Responder s) { service->AuthenticationOptions(std::move(r), s); },
                  R"({"username":"alice"})");
    };
    std::string first = JsonString(options_for().body, "challenge");
    std::string second = JsonString(options_for().body, "challenge");

    auto held = std::make_shared<std::promise<HttpResponse>>();
    HttpRequest request;
    request.body = AppFixture::AssertionFor(key, first, handle, 1);
    service->AuthenticationVerify(std::move(request),
                                  Responder([held](HttpResponse r) { held->set_value(std::move(r)); }));
    HttpResponse refused = Call(
        [&](HttpRequest&& r, Responder s) { service->AuthenticationVerify(std::move(r), s); },
        AppFixture::AssertionFor(key, second, handle, 2));
    EXPECT_EQ(refused.status, 503);
    EXPECT_EQ(ErrorCode(refused), "overloaded");
    bool retry_after = false;
    for (const auto& [name, value] : refused.headers) retry_after |= name == "retry-after" && value == "2";
    EXPECT_TRUE(retry_after);
    gated.Open();
    EXPECT_EQ(held->get_future().get().status, 200);
  }  // the pipeline drains before the service goes
}

}  // namespace
}  // namespace keystorm::server::testing
