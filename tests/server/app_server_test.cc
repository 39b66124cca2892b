// ServerApp as `keystorm serve` builds it (RocksDB under a temporary data
// folder, generated secrets, routers), called through its routers without
// sockets; and the pipeline's overload refusal as the API answers it.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <sstream>

#include "app_test_support.h"
#include "keystorm/cose_key.h"
#include "keystorm/metadata.h"
#include "keystorm/server/server_app.h"
#include "keystorm/test/test_mds.h"

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

// The service log's levels: a refusal is not a fault of the service, and
// neither is a 503 that sheds load; only other 5xx answers are errors.
TEST(RequestLogLevelTest, RefusalsAndSheddingAreWarningsFailuresAreErrors) {
  auto level = [](int status, std::string_view outcome) {
    RequestEvent event;
    event.status = status;
    event.outcome = outcome;
    return RequestLogLevel(event);
  };
  EXPECT_EQ(level(200, "ok"), LogLevel::kInfo);
  EXPECT_EQ(level(200, "register"), LogLevel::kInfo) << "a login/start decision";
  EXPECT_EQ(level(401, "sign_count_regression"), LogLevel::kWarn);
  EXPECT_EQ(level(429, "rate_limited"), LogLevel::kWarn);
  EXPECT_EQ(level(503, "overloaded"), LogLevel::kWarn);
  EXPECT_EQ(level(500, "internal_error"), LogLevel::kError);
  EXPECT_EQ(level(504, "timeout"), LogLevel::kError);
}

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
  EXPECT_NE(metrics.body.find("keystorm_store_commit_rereads_total 0\n"), std::string::npos);
  EXPECT_NE(metrics.body.find("keystorm_pipeline_batched_signatures_total 0\n"), std::string::npos);

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

TEST_F(ServerAppTest, DirectoryUsersFromTheAdminApiDecideLogins) {
  // serve passes no directory: the app keeps its own in the store.
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / "policy.toml") << R"toml(format = 1
[webauthn]
default = "required"

[redirect]
allowed_urls = ["https://finance.example.com/"]

[[group_mapping]]
attribute = "department"
value = "Finance"
groups = ["finance"]

[[rule]]
id = "suspended"
priority = 10
groups = ["suspended-accounts"]
target = "deny"

[[rule]]
id = "finance-portal"
priority = 20
groups = ["finance"]
target = { url = "https://finance.example.com/login" }
)toml";
  config_.policy_file = (dir_ / "policy.toml").string();
  config_.burst_per_user = 100;
  auto app = ServerApp::Create(config_, nullptr);
  ASSERT_TRUE(app.has_value()) << app.error().ToString();
  Router admin = (*app)->AdminRouter();
  Router public_router = (*app)->PublicRouter();
  std::ifstream token_file(dir_ / "admin.token");
  std::string token;
  std::getline(token_file, token);
  const std::string bearer = "Bearer " + token;
  auto action_for = [&](const std::string& name) {
    return JsonString(Route(public_router, "POST", "/v1/login/start",
                            R"({"username":")" + name + R"("})")
                          .body,
                      "action");
  };

  EXPECT_EQ(action_for("mallory"), "register");  // unknown to the directory
  ASSERT_EQ(Route(admin, "POST", "/admin/v1/directory/users",
                  R"({"username":"mallory","groups":["suspended-accounts"]})", "", bearer)
                .status,
            200);
  EXPECT_EQ(action_for("mallory"), "deny");
  // A group the policy maps from an attribute, not one stored directly.
  ASSERT_EQ(Route(admin, "POST", "/admin/v1/directory/users",
                  R"({"username":"fiona","attributes":{"department":"Finance"}})", "", bearer)
                .status,
            200);
  EXPECT_EQ(action_for("fiona"), "redirect");
  HttpResponse shown =
      Route(admin, "GET", "/admin/v1/directory/users", "", "username=fiona", bearer);
  EXPECT_EQ(JsonString(shown.body, "effectiveGroups.0"), "finance") << shown.body;

  ASSERT_EQ(Route(admin, "POST", "/admin/v1/directory/users/groups",
                  R"({"username":"mallory","groups":[]})", "", bearer)
                .status,
            200);
  EXPECT_EQ(action_for("mallory"), "register");
  ASSERT_EQ(Route(admin, "POST", "/admin/v1/directory/users/delete", R"({"username":"fiona"})",
                  "", bearer)
                .status,
            200);
  EXPECT_EQ(action_for("fiona"), "register");
}

// ---- FIDO metadata ---------------------------------------------------------

constexpr std::array<uint8_t, 16> kRevokedModel = {0x6d, 0x64, 0x73, 0x2d, 0x72, 0x65, 0x76, 0x6f,
                                                   0x6b, 0x65, 0x64, 0x2d, 0x30, 0x30, 0x30, 0x31};
constexpr std::array<uint8_t, 16> kOtherModel = {0x6d, 0x64, 0x73, 0x2d, 0x6f, 0x74, 0x68, 0x65,
                                                 0x72, 0x2d, 0x30, 0x30, 0x30, 0x30, 0x30, 0x32};

class ServerMetadataTest : public ServerAppTest {
 protected:
  void SetUp() override {
    ServerAppTest::SetUp();
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "mds-root.pem") << mds_.RootPem();
    config_.metadata_root_file = (dir_ / "mds-root.pem").string();
    config_.metadata_blob_file = (dir_ / "blob.jwt").string();
    config_.rp_id = test::kRpId;
    config_.origins = {test::kOrigin};
    config_.burst_per_user = 100;
  }

  // Serial `no`, one entry per AAGUID with its latest status.
  void WriteBlob(int64_t no, const std::vector<std::pair<std::array<uint8_t, 16>, std::string>>&
                                 models) {
    std::vector<std::string> entries;
    for (const auto& [aaguid, status] : models) {
      test::MdsEntrySpec spec;
      spec.aaguid = test::AaguidText(aaguid);
      spec.reports = {{"FIDO_CERTIFIED", "2025-01-01"}};
      if (status != "FIDO_CERTIFIED") spec.reports.emplace_back(status, "2026-01-01");
      entries.push_back(test::MdsEntryJson(spec));
    }
    std::ofstream(dir_ / "blob.jwt", std::ios::trunc)
        << mds_.Sign(test::MdsPayloadJson(no, test::kMdsNextUpdate, entries));
  }

  std::string Metrics(ServerApp& app) {
    Router management = app.ManagementRouter();
    return Route(management, "GET", "/metrics", "").body;
  }

  std::string AuditText() {
    std::ifstream in(dir_ / "audit.log");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::string Bearer() {
    std::ifstream token_file(dir_ / "admin.token");
    std::string token;
    std::getline(token_file, token);
    return "Bearer " + token;
  }

  // Registration through the public API with a "none" statement that names
  // `aaguid`; returns the user handle (empty on failure).
  Bytes Enrol(Router& router, const std::string& name, const test::TestAuthenticator& key,
              const std::array<uint8_t, 16>& aaguid) {
    HttpResponse options = Route(router, "POST", "/v1/registration/options",
                                 R"({"username":")" + name + R"("})");
    if (options.status != 200) return {};
    test::RegistrationOptions reg;
    reg.client_data.challenge = JsonString(options.body, "challenge");
    reg.aaguid = aaguid;
    HttpResponse verified =
        Route(router, "POST", "/v1/registration/verify", key.Register(reg).Json());
    EXPECT_EQ(verified.status, 200) << verified.body;
    if (verified.status != 200) return {};
    return Decode(JsonString(options.body, "user.id"));
  }

  HttpResponse Login(Router& router, const std::string& name, const test::TestAuthenticator& key,
                     const Bytes& handle, uint32_t sign_count) {
    HttpResponse options = Route(router, "POST", "/v1/authentication/options",
                                 R"({"username":")" + name + R"("})");
    EXPECT_EQ(options.status, 200) << options.body;
    return Route(router, "POST", "/v1/authentication/verify",
                 AppFixture::AssertionFor(key, JsonString(options.body, "challenge"), handle,
                                          sign_count));
  }

  test::TestMds mds_;
};

TEST_F(ServerMetadataTest, ReloadRevokesStoredCredentialsAndABadBlobKeepsTheOld) {
  WriteBlob(1, {{kOtherModel, "FIDO_CERTIFIED"}});
  auto app = ServerApp::Create(config_, nullptr);
  ASSERT_TRUE(app.has_value()) << app.error().ToString();
  std::string metrics = Metrics(**app);
  EXPECT_NE(metrics.find("keystorm_metadata_entries 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("keystorm_metadata_revoked_entries 0\n"), std::string::npos);
  EXPECT_NE(metrics.find("keystorm_metadata_next_update_seconds 1896134400\n"), std::string::npos);
  EXPECT_NE(metrics.find("keystorm_metadata_load_failures_total 0\n"), std::string::npos);

  Router router = (*app)->PublicRouter();
  Router admin = (*app)->AdminRouter();
  test::TestAuthenticator alice_key(kEs256, 0);
  test::TestAuthenticator bob_key(kEs256, 1);
  Bytes alice = Enrol(router, "alice", alice_key, kRevokedModel);
  Bytes bob = Enrol(router, "bob", bob_key, kOtherModel);
  ASSERT_FALSE(alice.empty());
  ASSERT_FALSE(bob.empty());
  EXPECT_EQ(Login(router, "alice", alice_key, alice, 1).status, 200);
  // Her ES256 login went through the pipeline's shared inversion.
  EXPECT_NE(Metrics(**app).find("keystorm_pipeline_batched_signatures_total 1\n"),
            std::string::npos);

  // The operator installs a BLOB that revokes alice's model.
  WriteBlob(2, {{kOtherModel, "FIDO_CERTIFIED"}, {kRevokedModel, "REVOKED"}});
  HttpResponse reloaded = Route(admin, "POST", "/admin/v1/metadata/reload", "", "", Bearer());
  ASSERT_EQ(reloaded.status, 200) << reloaded.body;
  EXPECT_NE(JsonString(reloaded.body, "detail").find("2 credentials checked, 1 revoked"),
            std::string::npos)
      << reloaded.body;
  const std::string audit = AuditText();
  EXPECT_NE(audit.find(R"("action":"credential_authenticator_revoked")"), std::string::npos)
      << audit;
  EXPECT_NE(audit.find(Base64UrlEncode(alice_key.credential_id())), std::string::npos);
  EXPECT_EQ(audit.find(Base64UrlEncode(bob_key.credential_id())), std::string::npos);

  HttpResponse refused = Login(router, "alice", alice_key, alice, 2);
  EXPECT_EQ(refused.status, 401) << refused.body;
  EXPECT_EQ(ErrorCode(refused), "attestation_revoked");
  EXPECT_EQ(Login(router, "bob", bob_key, bob, 1).status, 200);
  EXPECT_NE(Metrics(**app).find("keystorm_metadata_revoked_entries 1\n"), std::string::npos);

  // A BLOB that does not verify: 400, audited, and serial 2 stays in force.
  std::ofstream(dir_ / "blob.jwt", std::ios::trunc) << "not.a.jwt";
  HttpResponse bad = Route(admin, "POST", "/admin/v1/metadata/reload", "", "", Bearer());
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(ErrorCode(bad), "invalid_argument");
  EXPECT_NE(AuditText().find(R"("action":"reload_metadata","outcome":"invalid_argument")"),
            std::string::npos)
      << AuditText();
  metrics = Metrics(**app);
  EXPECT_NE(metrics.find("keystorm_metadata_serial 2\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("keystorm_metadata_load_failures_total 1\n"), std::string::npos);
  EXPECT_EQ(ErrorCode(Login(router, "alice", alice_key, alice, 3)), "attestation_revoked");
}

TEST_F(ServerMetadataTest, ABadBlobAtStartRefusesToStart) {
  std::ofstream(dir_ / "blob.jwt") << "not.a.jwt";
  auto app = ServerApp::Create(config_, nullptr);
  ASSERT_FALSE(app.has_value());
  EXPECT_NE(app.error().message().find("metadata.blob_file"), std::string_view::npos)
      << app.error().ToString();

  // Signed by another MDS root than the configured one.
  test::TestMds stranger(-257, 1);
  std::ofstream(dir_ / "blob.jwt", std::ios::trunc)
      << stranger.Sign(test::MdsPayloadJson(1, test::kMdsNextUpdate, {}));
  EXPECT_FALSE(ServerApp::Create(config_, nullptr).has_value());
}

TEST_F(ServerAppTest, MetadataReloadIsNotImplementedWithoutMetadata) {
  auto app = ServerApp::Create(config_, nullptr);
  ASSERT_TRUE(app.has_value()) << app.error().ToString();
  Router admin = (*app)->AdminRouter();
  std::ifstream token_file(dir_ / "admin.token");
  std::string token;
  std::getline(token_file, token);
  EXPECT_EQ(Route(admin, "POST", "/admin/v1/metadata/reload", "", "", "Bearer " + token).status,
            501);
}

// A service over a pipeline of capacity one whose store lookups are held
// (LookupGateStore), so that one login stays in the pipeline while the test sends
// another.  Users are enrolled through a normal fixture's store first.
class OverloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    handle_ = setup_.Enrol("alice", key_);
    ASSERT_FALSE(handle_.empty());
    storage::ChallengeKey challenge_key;
    challenge_key.id = 1;
    deps_.store = &tracked_;
    deps_.policies = &policies_;
    deps_.sealer = std::make_shared<const storage::ChallengeSealer>(
        std::move(storage::ChallengeSealer::Create({challenge_key}, 300'000).value()));
    deps_.pipeline = pipeline_.get();
  }
  void TearDown() override {
    gated_.Open();
    pipeline_.reset();  // drains before the service goes
  }

  void StartService(size_t max_verifications_in_flight) {
    WebAuthnServiceOptions options = AppFixture::DefaultOptions();
    options.retry_after_seconds = 2;
    options.max_verifications_in_flight = max_verifications_in_flight;
    service_ = std::make_unique<WebAuthnService>(options, deps_);
  }
  std::string Challenge() {
    return JsonString(
        Call([&](HttpRequest&& r, Responder s) { service_->AuthenticationOptions(std::move(r), s); },
             R"({"username":"alice"})")
            .body,
        "challenge");
  }
  // Sends a login that stays in the pipeline until gated_.Open().
  // on_answer runs when its answer is given, before the future is ready.
  std::future<HttpResponse> SendHeldLogin(uint32_t sign_count,
                                          std::function<void()> on_answer = nullptr) {
    auto held = std::make_shared<std::promise<HttpResponse>>();
    HttpRequest request;
    request.body = AppFixture::AssertionFor(key_, Challenge(), handle_, sign_count);
    service_->AuthenticationVerify(std::move(request),
                                   Responder([held, on_answer](HttpResponse r) {
                                     if (on_answer) on_answer();
                                     held->set_value(std::move(r));
                                   }));
    // Its challenge is spent on the ledger's thread, then it enters the
    // pipeline: wait until it is there, holding the pipeline's one place.
    for (int i = 0; i < 5000 && pipeline_->stats().in_flight == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    EXPECT_EQ(pipeline_->stats().in_flight, 1u);
    return held->get_future();
  }
  HttpResponse Verify(const std::string& body) {
    return Call([&](HttpRequest&& r, Responder s) { service_->AuthenticationVerify(std::move(r), s); },
                body);
  }
  static bool RetryAfterIs(const HttpResponse& r, std::string_view seconds) {
    bool found = false;
    for (const auto& [name, value] : r.headers) found |= name == "retry-after" && value == seconds;
    return found;
  }

  AppFixture setup_;
  test::TestAuthenticator key_{kEs256, 0};
  Bytes handle_;
  LookupGateStore gated_{&setup_.store()};
  SpendTrackingStore tracked_{&gated_};
  Verifier verifier_{RelyingPartyConfig{.rp_id = test::kRpId, .origins = {test::kOrigin}}};
  policy::PolicyStore policies_{*policy::LoadPolicy(kDefaultPolicyToml, 1, nullptr)};
  WebAuthnServiceDeps deps_;
  std::unique_ptr<WebAuthnService> service_;
  std::unique_ptr<Pipeline> pipeline_ = std::make_unique<Pipeline>(
      &verifier_, &tracked_, PipelineOptions{.workers = 1, .max_in_flight = 1});
};

// Without the service's own bound, the pipeline refuses after the spend:
// 503 all the same, and only after a sync.
TEST_F(OverloadTest, FullPipelineAnswers503WithRetryAfter) {
  StartService(/*max_verifications_in_flight=*/0);
  std::future<HttpResponse> held = SendHeldLogin(1);
  HttpResponse refused = Verify(AppFixture::AssertionFor(key_, Challenge(), handle_, 2));
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(ErrorCode(refused), "overloaded");
  EXPECT_TRUE(RetryAfterIs(refused, "2"));
  // Its challenge was spent: the 503 came after a sync.
  EXPECT_EQ(tracked_.unsynced_spends(), 0);
  gated_.Open();
  EXPECT_EQ(held.get().status, 200);
}

// With the bound at the pipeline's capacity (as keystorm serve sets it), the
// 503 comes before the spend, so the very same response succeeds once there
// is room: even when sent the moment the login holding the place has its
// answer (the service's place and the pipeline's are both free by then).
TEST_F(OverloadTest, A503BeforeTheSpendCanBeRetriedWithTheSameResponse) {
  StartService(/*max_verifications_in_flight=*/1);
  std::string body;
  std::promise<HttpResponse> retried;
  std::future<HttpResponse> held = SendHeldLogin(1, [&] {
    HttpRequest request;
    request.body = body;
    service_->AuthenticationVerify(
        std::move(request), Responder([&](HttpResponse r) { retried.set_value(std::move(r)); }));
  });
  const int spends = tracked_.total_unsynced_spends();
  body = AppFixture::AssertionFor(key_, Challenge(), handle_, 2);
  HttpResponse refused = Verify(body);
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(ErrorCode(refused), "overloaded");
  EXPECT_TRUE(RetryAfterIs(refused, "2"));
  EXPECT_EQ(tracked_.total_unsynced_spends(), spends) << "the refused request spent its challenge";
  gated_.Open();
  EXPECT_EQ(held.get().status, 200);
  HttpResponse again = retried.get_future().get();
  EXPECT_EQ(again.status, 200) << again.body;
}

}  // namespace
}  // namespace keystorm::server::testing
