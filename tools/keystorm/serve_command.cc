// keystorm serve [--config FILE] [--data DIR]: runs the relying party with
// three listeners (public WebAuthn API and pages, admin API, management:
// health and /metrics) until SIGTERM/SIGINT, then drains and stops.
// Every setting is in the TOML file (docs/configuration.md); --data
// overrides [server].data_dir, where the RocksDB store, the challenge key,
// the admin token and the audit log live by default.
#include <chrono>
#include <iostream>
#include <string>

#include "commands.h"
#include "keystorm/server/http_metrics.h"
#include "keystorm/server/http_server.h"
#include "keystorm/server/server_app.h"
#include "keystorm/server/server_config.h"
#include "keystorm/server/systemd_notify.h"

namespace keystorm::cli {
namespace {

struct ServeArgs {
  std::string config_file;
  std::string data_dir;
  int drain_seconds = 10;
};

server::ListenerOptions Listener(std::string name, const server::ListenAddress& address,
                                 const server::ServerConfig& config) {
  server::ListenerOptions options;
  options.name = std::move(name);
  options.address = address.host == "localhost" ? "127.0.0.1" : address.host;
  options.port = address.port;
  options.max_connections = static_cast<size_t>(config.max_connections);
  options.max_connections_per_address = static_cast<size_t>(config.max_connections_per_address);
  return options;
}

int Serve(const ServeArgs& args) {
  server::ServerConfig config;
  if (!args.config_file.empty()) {
    auto loaded = server::LoadServerConfigFile(args.config_file);
    if (!loaded) {
      std::cerr << "keystorm serve: " << loaded.error().message() << "\n";
      return 2;
    }
    config = std::move(*loaded);
  }
  if (!args.data_dir.empty()) config.data_dir = args.data_dir;

  // No directory of ours: the app keeps the user directory in its store
  // (filled by `keystorm directory import` or the admin API).
  auto app = server::ServerApp::Create(config, /*directory=*/nullptr);
  if (!app) {
    std::cerr << "keystorm serve: " << app.error().ToString() << "\n";
    return 1;
  }
  server::HttpServer http(config.io_threads);
  auto public_port = http.AddListener(Listener("public", config.public_listen, config), (*app)->PublicRouter());
  if (!public_port) {
    std::cerr << "keystorm serve: public listener: " << public_port.error().ToString() << "\n";
    return 1;
  }
  auto admin_port = http.AddListener(Listener("admin", config.admin_listen, config), (*app)->AdminRouter());
  if (!admin_port) {
    std::cerr << "keystorm serve: admin listener: " << admin_port.error().ToString() << "\n";
    return 1;
  }
  auto management_port =
      http.AddListener(Listener("management", config.management_listen, config), (*app)->ManagementRouter());
  if (!management_port) {
    std::cerr << "keystorm serve: management listener: " << management_port.error().ToString()
              << "\n";
    return 1;
  }
  server::AddHttpServerMetrics((*app)->metrics().registry(), http);
  http.Start();
  (*app)->SetReady(true);
  // Type=notify: systemd starts dependants only now (docs/operations.md).
  Status notified = server::SystemdNotify(server::kSystemdReady);
  if (!notified.ok()) std::cerr << "keystorm serve: sd_notify: " << notified.ToString() << "\n";
  std::cout << "Keystorm is serving.\n"
            << "  demo:       http://localhost:" << *public_port << "/login\n"
            << "  admin:      http://" << config.admin_listen.host << ":" << *admin_port
            << "/admin/v1/ (token in " << (*app)->admin_token_path() << ")\n"
            << "  management: http://" << config.management_listen.host << ":"
            << *management_port << "/metrics\n"
            << std::flush;
  http.RunUntilSignal(std::chrono::seconds(args.drain_seconds), [&app] {
    // Before the drain: not ready any more, and systemd knows we stop.
    (*app)->SetReady(false);
    (void)server::SystemdNotify(server::kSystemdStopping);
  });
  std::cout << "Keystorm stopped.\n";
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App* app, int* exit_code) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* serve = app->add_subcommand("serve", "Run the relying-party server");
  serve->add_option("--config", args->config_file, "TOML configuration (docs/configuration.md)")
      ->check(CLI::ExistingFile);
  serve->add_option("--data", args->data_dir, "data folder (overrides [server].data_dir)");
  serve->add_option("--drain-seconds", args->drain_seconds,
                    "on SIGTERM, how long in-flight requests may finish")
      ->check(CLI::Range(0, 600));
  serve->callback([args, exit_code] { *exit_code = Serve(*args); });
}

}  // namespace keystorm::cli
