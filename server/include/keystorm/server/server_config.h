// The `keystorm serve` configuration: one TOML file, every key optional and
// defaulted (docs/configuration.md lists them all with their defaults).
//
// Parsing is strict: an unknown table or key, a value of the wrong type or
// out of range is an error naming the key, so a typo cannot silently leave a
// default in force.  `keystorm config check FILE` runs exactly this parser.
#ifndef KEYSTORM_SERVER_SERVER_CONFIG_H_
#define KEYSTORM_SERVER_SERVER_CONFIG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "keystorm/status.h"

namespace keystorm::server {

// "host:port"; port 0 asks the kernel for a free port (tests).
struct ListenAddress {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
};

struct ServerConfig {
  // [server]
  ListenAddress public_listen{"127.0.0.1", 8080};      // WebAuthn API and pages
  ListenAddress admin_listen{"127.0.0.1", 8081};       // admin API (bearer token)
  ListenAddress management_listen{"127.0.0.1", 8082};  // health and /metrics
  int io_threads = 2;
  // The service log's write interval (JsonLog's flush_interval); 0 writes
  // each line at once.
  int64_t log_flush_ms = 20;
  std::string product_name = "Keystorm";
  std::string templates_dir;  // empty: the templates shipped in server/templates
  std::string static_dir;     // empty: server/static
  std::string data_dir = "keystorm-data";  // relative paths below resolve here
  bool trust_forwarded_for = false;  // client address from X-Forwarded-For (behind an LB)
  // Open connections per listener, in all and per client address (beyond:
  // 503 and close).  The defaults are ListenerOptions'; a load balancer or a
  // load generator on one address needs the per-address one raised.
  int64_t max_connections = 10000;
  int64_t max_connections_per_address = 256;

  // [webauthn]
  std::string rp_id = "localhost";
  std::string rp_name = "Keystorm";
  std::vector<std::string> origins = {"http://localhost:8080"};
  std::string challenge_key_file = "challenge.key";  // created on first start
  int64_t challenge_ttl_seconds = 300;
  int64_t ceremony_timeout_ms = 60'000;  // `timeout` sent to the browser
  // Anyone may enrol the first passkey of an account that has none (a new
  // account, or one an administrator reset).  false: the admin API must
  // create accounts first (docs/decisions.md, "Enrolment").
  bool open_registration = true;

  // [store]
  std::string store_path = "store";  // the RocksDB directory

  // [policy]
  std::string policy_file;  // empty: the built-in default policy

  // [trust]
  std::string trust_anchors_dir;  // empty: attestation trust not required

  // [metadata] FIDO MDS3 (engine metadata.h): a BLOB downloaded out of band
  // and the root that signs it.  Both or neither; empty: no metadata checks.
  std::string metadata_blob_file;
  std::string metadata_root_file;  // PEM

  // [pipeline]
  int pipeline_workers = 0;  // 0: UsableCores()
  int64_t pipeline_max_batch = 0;
  int64_t pipeline_max_in_flight = 16384;
  int64_t pipeline_linger_us = 0;
  int64_t retry_after_seconds = 1;  // Retry-After of a 503 on overload

  // [admin]
  std::string admin_token_file = "admin.token";  // created on first start
  std::string audit_log_file = "audit.log";      // JSON lines, appended

  // [rate_limit] token buckets on the options and verify endpoints
  double rate_per_address = 50;  // tokens per second per client address
  double burst_per_address = 100;
  double rate_per_user = 5;  // per (address, user name)
  double burst_per_user = 20;

  // [trusted_backend] a backend that states a user's groups per call
  bool trusted_backend_enabled = false;
  std::string trusted_backend_secret_file;
  std::string trusted_backend_header = "x-keystorm-backend-secret";

  // [conformance] the FIDO conformance tool's endpoints
  bool conformance_enabled = false;
};

// Parses `toml_text` over the defaults.  InvalidArgument names the first
// offending key ("webauthn.origins: expected an array of strings").
Result<ServerConfig> ParseServerConfig(std::string_view toml_text);

// Reads and parses a file; a missing file is InvalidArgument naming it.
Result<ServerConfig> LoadServerConfigFile(const std::string& path);

// `path` resolved against data_dir unless absolute (or empty).
std::string ResolveDataPath(const ServerConfig& config, const std::string& path);

// "host:port" -> ListenAddress; InvalidArgument when it is not one.
Result<ListenAddress> ParseListenAddress(std::string_view text);

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_SERVER_CONFIG_H_
