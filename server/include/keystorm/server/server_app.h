// Everything `keystorm serve` runs, built from a ServerConfig: the RocksDB
// store under the data folder, the verifier and its batched pipeline, the
// policy (file or built-in default), the challenge sealer (key file), the
// trust anchors, the WebAuthn API, pages, admin API, audit log, metrics and
// rate limits — and one Router per listener:
//
//   public      the WebAuthn API (/v1/...), the pages, /static, and the FIDO
//               conformance endpoints when [conformance].enabled
//   admin       /admin/v1/... (bearer token)
//   management  /health/live, /health/ready, /metrics
//
// Lifetime: stop the HttpServer before destroying the ServerApp (handlers
// point into it); the destructor drains the pipeline, then closes the store.
#ifndef KEYSTORM_SERVER_SERVER_APP_H_
#define KEYSTORM_SERVER_SERVER_APP_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "keystorm/server/app_metrics.h"
#include "keystorm/server/http.h"
#include "keystorm/server/server_config.h"
#include "keystorm/status.h"
#include "keystorm/user_directory.h"

namespace keystorm::server {

class ServerApp {
 public:
  // Creates the data folder, generates the challenge key and admin token
  // files when absent, opens the store and loads the policy and, when
  // [metadata] names a BLOB, the FIDO metadata (a BLOB that fails its checks
  // is an error: the server does not start).  `directory` supplies groups
  // and must outlive the app; null: the app keeps its own directory in the
  // store (storage::RocksUserDirectory), managed through the admin API.
  static Result<std::unique_ptr<ServerApp>> Create(const ServerConfig& config,
                                                   UserDirectory* directory);
  ~ServerApp();
  ServerApp(const ServerApp&) = delete;
  ServerApp& operator=(const ServerApp&) = delete;

  Router PublicRouter();
  Router AdminRouter();
  Router ManagementRouter();

  // /health/ready answers 200 only between SetReady(true) and SetReady(false).
  void SetReady(bool ready);

  // Extra metrics families (for example the HTTP listeners' statistics).
  AppMetrics& metrics();

  // Where the admin token lives (printed by `keystorm serve`).
  const std::string& admin_token_path() const;

  class Impl;

 private:
  explicit ServerApp(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_SERVER_APP_H_
