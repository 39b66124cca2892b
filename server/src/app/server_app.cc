#include "keystorm/server/server_app.h"

#include <openssl/rand.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>

#include "keystorm/pipeline.h"
#include "keystorm/policy/directory_input.h"
#include "keystorm/policy/explain.h"
#include "keystorm/policy/policy.h"
#include "keystorm/policy/policy_store.h"
#include "keystorm/read_file.h"
#include "keystorm/server/admin_api.h"
#include "keystorm/server/api_error.h"
#include "keystorm/server/audit_log.h"
#include "keystorm/server/conformance_adapter.h"
#include "keystorm/server/default_policy.h"
#include "keystorm/server/pages.h"
#include "keystorm/server/secret_files.h"
#include "keystorm/server/webauthn_service.h"
#include "keystorm/storage/challenge_sealer.h"
#include "keystorm/storage/rocks_store.h"
#include "keystorm/storage/rocks_user_directory.h"
#include "keystorm/trust_store.h"
#include "keystorm/verifier.h"
#include "keystorm/server/json_log.h"
#include "keystorm/server/rate_limiter.h"
#include "server_metadata.h"

namespace keystorm::server {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The shipped folders, for a binary run from the build tree or the checkout.
std::string DefaultFolder(const char* name) {
#ifdef KEYSTORM_SERVER_SOURCE_DIR
  return (std::filesystem::path(KEYSTORM_SERVER_SOURCE_DIR) / name).string();
#else
  return (std::filesystem::path("server") / name).string();
#endif
}

// One JSON line per finished API request (the service log), at
// RequestLogLevel; a refusal or failure also carries its detail.
void LogEvent(JsonLog& log, const RequestEvent& event) {
  const LogLevel level = RequestLogLevel(event);
  if (level == LogLevel::kInfo) {
    log.Log(level, "request",
            {{"route", event.route}, {"status", event.status}, {"outcome", event.outcome},
             {"user", event.user}, {"client", event.client_address}, {"seconds", event.seconds}});
    return;
  }
  log.Log(level, "request",
          {{"route", event.route}, {"status", event.status}, {"outcome", event.outcome},
           {"detail", event.detail}, {"user", event.user}, {"client", event.client_address},
           {"seconds", event.seconds}});
}

HttpResponse TextResponse(int status, std::string body, std::string content_type) {
  HttpResponse response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  response.headers.emplace_back("cache-control", "no-store");
  return response;
}

}  // namespace

LogLevel RequestLogLevel(const RequestEvent& event) {
  if (event.status >= 500 && event.status != 503) return LogLevel::kError;
  return event.outcome == "ok" || event.status < 400 ? LogLevel::kInfo : LogLevel::kWarn;
}

class ServerApp::Impl {
 public:
  ServerConfig config;
  std::string admin_token_path;
  std::unique_ptr<storage::RocksCredentialStore> store;
  // The directory the policy decides by: the caller's, else our own in the
  // store's `directory` family (declared after the store: destroyed first).
  std::unique_ptr<storage::RocksUserDirectory> own_directory;
  UserDirectory* directory = nullptr;
  std::unique_ptr<policy::PolicyStore> policies;
  std::unique_ptr<ReloadableTrustStore> trust;
  std::unique_ptr<Verifier> verifier;
  std::unique_ptr<AuditLog> audit;
  std::unique_ptr<ServerMetadata> metadata;  // [metadata] only
  AppMetrics metrics;
  std::unique_ptr<RateLimiter> per_address;
  std::unique_ptr<RateLimiter> per_user;
  // stderr: the service log (journald under systemd), written every
  // [server] log_flush_ms.
  std::unique_ptr<JsonLog> log;
  std::unique_ptr<WebAuthnService> service;
  std::unique_ptr<Pages> pages;
  std::unique_ptr<AdminApi> admin;
  std::unique_ptr<ConformanceAdapter> conformance;  // [conformance].enabled only
  std::atomic<bool> ready{false};
  // Last: destroyed first, so the callbacks it drains still find the rest.
  std::unique_ptr<Pipeline> pipeline;

  ~Impl() {
    pipeline.reset();  // finish every accepted job before the service goes
  }

  Status ReloadPolicy(std::string* detail) {
    if (config.policy_file.empty()) {
      return Status::InvalidArgument("no [policy].file configured (the built-in policy is fixed)");
    }
    auto text = ReadConfiguredFile(config.policy_file);
    if (!text) return text.error();
    std::vector<policy::Diagnostic> diagnostics;
    Status status = policies->Reload(*text, &diagnostics);
    if (!status.ok()) return status;
    *detail = "policy version " + std::to_string(policies->Current()->version());
    return Status::Ok();
  }

  Status ReloadTrust(std::string* detail) {
    if (!trust) return Status::InvalidArgument("no [trust].anchors_dir configured");
    Status status = trust->Reload();
    if (status.ok()) *detail = "trust anchors reloaded";
    return status;
  }

  // The groups the running policy gives a directory user: stored plus
  // mapped (the admin API shows them; the same mapping decides logins).
  std::vector<std::string> EffectiveGroups(const DirectoryUser& user) {
    policy::DirectoryPolicyInput input(user);
    auto explained = policy::Explain(*policies->Current(), input.Get(NowMs() / 1000));
    return explained ? explained.value().groups : user.groups;
  }

  void CollectPipelineAndStore(MetricsWriter& out) {
    PipelineStats stats = pipeline->stats();
    out.Family("keystorm_pipeline_jobs_total", "Ceremonies the pipeline verified.",
               MetricType::kCounter);
    out.Sample("keystorm_pipeline_jobs_total", {}, static_cast<double>(stats.jobs));
    out.Family("keystorm_pipeline_batches_total", "Batches the pipeline ran.",
               MetricType::kCounter);
    out.Sample("keystorm_pipeline_batches_total", {}, static_cast<double>(stats.batches));
    out.Family("keystorm_pipeline_batch_size_mean",
               "Mean jobs per batch since start (jobs_total / batches_total).",
               MetricType::kGauge);
    out.Sample("keystorm_pipeline_batch_size_mean", {},
               stats.batches == 0
                   ? 0.0
                   : static_cast<double>(stats.jobs) / static_cast<double>(stats.batches));
    out.Family("keystorm_pipeline_batched_signatures_total",
               "ES256 signatures verified with one modular inversion shared by their chunk.",
               MetricType::kCounter);
    out.Sample("keystorm_pipeline_batched_signatures_total", {},
               static_cast<double>(stats.batched_signatures));
    out.Family("keystorm_pipeline_refused_total",
               "Submissions refused at once because max_in_flight was reached (503).",
               MetricType::kCounter);
    out.Sample("keystorm_pipeline_refused_total", {}, static_cast<double>(stats.refused));
    out.Family("keystorm_pipeline_queue_depth",
               "Ceremonies in the pipeline not yet answered (places taken under max_in_flight).",
               MetricType::kGauge);
    out.Sample("keystorm_pipeline_queue_depth", {}, static_cast<double>(stats.in_flight));

    storage::StoreStats store_stats;
    if (store->GetStats(false, &store_stats).ok()) {
      out.Family("keystorm_store_estimated_keys", "Estimated keys per RocksDB column family.",
                 MetricType::kGauge);
      for (const auto& family : store_stats.families) {
        out.Sample("keystorm_store_estimated_keys", {{"family", family.name}},
                   static_cast<double>(family.estimated_keys));
      }
      out.Family("keystorm_store_sst_bytes", "SST file bytes per column family.",
                 MetricType::kGauge);
      for (const auto& family : store_stats.families) {
        out.Sample("keystorm_store_sst_bytes", {{"family", family.name}},
                   static_cast<double>(family.sst_bytes));
      }
      out.Family("keystorm_store_block_cache_usage_bytes", "Block cache in use.",
                 MetricType::kGauge);
      out.Sample("keystorm_store_block_cache_usage_bytes", {},
                 static_cast<double>(store_stats.block_cache_usage_bytes));
    }
    out.Family("keystorm_store_commit_rereads_total",
               "Credentials a commit read again because a write may have overtaken their "
               "lookup (the rest were committed against the looked-up record).",
               MetricType::kCounter);
    out.Sample("keystorm_store_commit_rereads_total", {},
               static_cast<double>(store->commit_rereads()));
    out.Family("keystorm_policy_version", "Version of the running policy.", MetricType::kGauge);
    out.Sample("keystorm_policy_version", {},
               static_cast<double>(policies->Current()->version()));
  }
};

Result<std::unique_ptr<ServerApp>> ServerApp::Create(const ServerConfig& config_in,
                                                     UserDirectory* directory) {
  auto impl = std::make_unique<Impl>();
  impl->config = config_in;
  impl->log = std::make_unique<JsonLog>(2, LogLevel::kInfo, nullptr,
                                        std::chrono::milliseconds(impl->config.log_flush_ms));
  ServerConfig& config = impl->config;
  if (config.templates_dir.empty()) config.templates_dir = DefaultFolder("templates");
  if (config.static_dir.empty()) config.static_dir = DefaultFolder("static");
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return Status::IOError(config.data_dir + ": " + ec.message());

  // Secrets.
  const int64_t now_ms = NowMs();
  auto keys = LoadOrCreateChallengeKeys(ResolveDataPath(config, config.challenge_key_file), now_ms);
  if (!keys) return keys.error();
  auto sealer = storage::ChallengeSealer::Create(std::move(*keys),
                                                 config.challenge_ttl_seconds * 1000);
  if (!sealer) return sealer.error();
  impl->admin_token_path = ResolveDataPath(config, config.admin_token_file);
  auto admin_token = LoadOrCreateToken(impl->admin_token_path);
  if (!admin_token) return admin_token.error();
  std::string backend_secret;
  if (config.trusted_backend_enabled) {
    auto secret = ReadSecretFile(ResolveDataPath(config, config.trusted_backend_secret_file));
    if (!secret) return secret.error();
    backend_secret = std::move(*secret);
  }

  // Policy.
  std::string policy_text(kDefaultPolicyToml);
  if (!config.policy_file.empty()) {
    auto text = ReadConfiguredFile(config.policy_file);
    if (!text) return text.error();
    policy_text = std::move(*text);
  }
  std::vector<policy::Diagnostic> diagnostics;
  auto compiled = policy::LoadPolicy(policy_text, 1, &diagnostics);
  if (!compiled) {
    return Status::InvalidArgument("policy: " + std::string(compiled.error().message()));
  }
  impl->policies = std::make_unique<policy::PolicyStore>(std::move(*compiled));

  if (!config.trust_anchors_dir.empty()) {
    impl->trust = std::make_unique<ReloadableTrustStore>(config.trust_anchors_dir);
    Status loaded = impl->trust->Reload();
    if (!loaded.ok()) return loaded;
  }

  // Store, verifier, pipeline.
  storage::StoreConfig store_config;
  store_config.path = ResolveDataPath(config, config.store_path);
  auto store = storage::RocksCredentialStore::Open(store_config);
  if (!store) return store.error();
  impl->store = std::move(*store);
  impl->directory = directory;
  if (impl->directory == nullptr) {
    impl->own_directory = std::make_unique<storage::RocksUserDirectory>(impl->store.get());
    impl->directory = impl->own_directory.get();
  }
  impl->verifier = std::make_unique<Verifier>(
      RelyingPartyConfig{.rp_id = config.rp_id, .origins = config.origins});
  PipelineOptions pipeline_options;
  pipeline_options.workers = config.pipeline_workers;
  pipeline_options.max_batch = static_cast<size_t>(config.pipeline_max_batch);
  pipeline_options.max_in_flight = static_cast<size_t>(config.pipeline_max_in_flight);
  pipeline_options.linger = std::chrono::microseconds(config.pipeline_linger_us);
  impl->pipeline =
      std::make_unique<Pipeline>(impl->verifier.get(), impl->store.get(), pipeline_options);

  auto audit = AuditLog::Open(ResolveDataPath(config, config.audit_log_file));
  if (!audit) return audit.error();
  impl->audit = std::move(*audit);

  if (!config.metadata_blob_file.empty()) {
    impl->metadata = std::make_unique<ServerMetadata>(
        config.metadata_blob_file, config.metadata_root_file, impl->store.get(), impl->audit.get());
    Status loaded = impl->metadata->LoadAtStart(now_ms / 1000);
    if (!loaded.ok()) return loaded;
  }

  auto per_address = RateLimiter::Create(
      RateLimiterOptions{.per_second = config.rate_per_address, .burst = config.burst_per_address});
  if (!per_address) return Status::InvalidArgument("rate_limit.per_address_*: " +
                                                   std::string(per_address.error().message()));
  impl->per_address = std::move(*per_address);
  auto per_user = RateLimiter::Create(
      RateLimiterOptions{.per_second = config.rate_per_user, .burst = config.burst_per_user});
  if (!per_user) return Status::InvalidArgument("rate_limit.per_user_*: " +
                                                std::string(per_user.error().message()));
  impl->per_user = std::move(*per_user);

  Impl* raw = impl.get();
  WebAuthnServiceOptions service_options;
  service_options.rp_id = config.rp_id;
  service_options.rp_name = config.rp_name;
  service_options.timeout_ms = config.ceremony_timeout_ms;
  service_options.open_registration = config.open_registration;
  service_options.retry_after_seconds = static_cast<int>(config.retry_after_seconds);
  service_options.max_verifications_in_flight = pipeline_options.max_in_flight;
  service_options.trust_forwarded_for = config.trust_forwarded_for;
  service_options.trusted_backend_enabled = config.trusted_backend_enabled;
  service_options.trusted_backend_header = config.trusted_backend_header;
  service_options.trusted_backend_secret = backend_secret;
  WebAuthnServiceDeps deps;
  deps.store = raw->store.get();
  deps.pipeline = raw->pipeline.get();
  deps.policies = raw->policies.get();
  auto shared_sealer = std::make_shared<const storage::ChallengeSealer>(std::move(*sealer));
  deps.sealer = shared_sealer;
  deps.directory = raw->directory;
  deps.events = [raw](const RequestEvent& event) {
    raw->metrics.Record(event);
    LogEvent(*raw->log, event);
  };
  deps.admission = [raw](std::string_view address, std::string_view user) {
    const auto now = RateLimiter::Clock::now();
    if (!raw->per_address->TryTake(address, now)) {
      return std::max(1, raw->per_address->SecondsUntilToken(address, now));
    }
    if (user.empty()) return 0;
    const std::string key = AddressUserKey(address, user);
    if (raw->per_user->TryTake(key, now)) return 0;
    return std::max(1, raw->per_user->SecondsUntilToken(key, now));
  };
  if (raw->trust) {
    deps.trust_store = [raw] { return raw->trust->Current(); };
  }
  std::function<std::shared_ptr<const MetadataBlob>()> current_metadata;
  if (raw->metadata) {
    current_metadata = [raw] { return raw->metadata->Current(); };
  }
  deps.metadata = current_metadata;
  impl->service = std::make_unique<WebAuthnService>(service_options, std::move(deps));
  impl->pages = std::make_unique<Pages>(
      PagesOptions{config.templates_dir, config.static_dir, config.product_name},
      impl->service.get());

  AdminApiOptions admin_options;
  admin_options.token = *admin_token;
  admin_options.reload_policy = [raw](std::string* detail) { return raw->ReloadPolicy(detail); };
  admin_options.reload_trust_anchors = [raw](std::string* detail) {
    return raw->ReloadTrust(detail);
  };
  if (raw->metadata) {
    // The re-check after a reload writes one audit entry per credential
    // whose model the new BLOB revokes; the answer carries the counts.
    admin_options.reload_metadata = [raw](std::string* detail) {
      return raw->metadata->Reload(NowMs() / 1000, detail);
    };
  }
  admin_options.directory = raw->directory;
  admin_options.effective_groups = [raw](const DirectoryUser& user) {
    return raw->EffectiveGroups(user);
  };
  impl->admin = std::make_unique<AdminApi>(admin_options, raw->store.get(), raw->audit.get());
  if (config.conformance_enabled) {
    // A second, process-local key seals the challenges of ceremonies that
    // require UV (conformance_adapter.h); it need not survive a restart.
    storage::ChallengeKey uv_key;
    uv_key.id = shared_sealer->issuing_key_id() ^ 0x80000000u;
    if (RAND_bytes(uv_key.secret.data(), uv_key.secret.size()) != 1) {
      return Status::Internal("CSPRNG failed");
    }
    auto uv_sealer = storage::ChallengeSealer::Create({uv_key}, config.challenge_ttl_seconds * 1000);
    if (!uv_sealer) return uv_sealer.error();
    impl->conformance = std::make_unique<ConformanceAdapter>(
        ConformanceAdapterOptions{config.rp_id, config.rp_name, config.ceremony_timeout_ms, nullptr,
                                  current_metadata},
        raw->store.get(), raw->pipeline.get(), shared_sealer,
        std::make_shared<const storage::ChallengeSealer>(std::move(*uv_sealer)));
  }
  impl->metrics.registry().AddCollector(
      [raw](MetricsWriter& out) { raw->CollectPipelineAndStore(out); });
  if (raw->metadata) {
    impl->metrics.registry().AddCollector(
        [raw](MetricsWriter& out) { raw->metadata->Collect(out); });
  }
  return std::unique_ptr<ServerApp>(new ServerApp(std::move(impl)));
}

ServerApp::ServerApp(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ServerApp::~ServerApp() = default;

Router ServerApp::PublicRouter() {
  Router router;
  impl_->service->AddRoutes(&router);
  impl_->pages->AddRoutes(&router);
  if (impl_->conformance) impl_->conformance->AddRoutes(&router);
  return router;
}

Router ServerApp::AdminRouter() {
  Router router;
  impl_->admin->AddRoutes(&router);
  return router;
}

Router ServerApp::ManagementRouter() {
  Router router;
  Impl* impl = impl_.get();
  router.Add("GET", "/health/live", [](HttpRequest&&, Responder respond) {
    respond(TextResponse(200, "{\"status\":\"live\"}", "application/json"));
  });
  router.Add("GET", "/health/ready", [impl](HttpRequest&&, Responder respond) {
    if (!impl->ready.load()) {
      return respond(TextResponse(503, "{\"status\":\"not_ready\"}", "application/json"));
    }
    respond(TextResponse(200, "{\"status\":\"ready\"}", "application/json"));
  });
  router.Add("GET", "/metrics", [impl](HttpRequest&&, Responder respond) {
    respond(TextResponse(200, impl->metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"));
  });
  return router;
}

void ServerApp::SetReady(bool ready) { impl_->ready = ready; }
AppMetrics& ServerApp::metrics() { return impl_->metrics; }
const std::string& ServerApp::admin_token_path() const { return impl_->admin_token_path; }

}  // namespace keystorm::server
