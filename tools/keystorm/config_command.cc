// keystorm config check FILE: parses a `keystorm serve` configuration with
// the server's own parser; prints "FILE: OK" or the first error (naming the
// key) and exits 1.  Also compiles the policy file the configuration names,
// so that a deployment is checked in one step.
#include <iostream>
#include <string>

#include "commands.h"
#include "keystorm/policy/policy.h"
#include "keystorm/read_file.h"
#include "keystorm/server/server_config.h"

namespace keystorm::cli {
namespace {

int Check(const std::string& path) {
  auto config = server::LoadServerConfigFile(path);
  if (!config) {
    std::cerr << config.error().message() << "\n";
    return 1;
  }
  if (!config->policy_file.empty()) {
    std::optional<std::string> text = ReadWholeFile(config->policy_file);
    if (!text) {
      std::cerr << path << ": policy.file " << config->policy_file << " cannot be read\n";
      return 1;
    }
    auto compiled = policy::LoadPolicy(*text, 1, nullptr);
    if (!compiled) {
      std::cerr << config->policy_file << ": " << compiled.error().message()
                << " (keystorm policy check shows every diagnostic)\n";
      return 1;
    }
  }
  std::cout << path << ": OK\n";
  return 0;
}

}  // namespace

void AddConfigCommand(CLI::App* app, int* exit_code) {
  CLI::App* config = app->add_subcommand("config", "Check a keystorm serve configuration");
  config->require_subcommand(1);
  auto file = std::make_shared<std::string>();
  CLI::App* check = config->add_subcommand("check", "Parse FILE; print OK or the first error");
  check->add_option("FILE", *file, "the TOML configuration")->required();
  check->callback([file, exit_code] { *exit_code = Check(*file); });
}

}  // namespace keystorm::cli
