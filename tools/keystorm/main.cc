// keystorm: the command-line tool.  `keystorm --help` lists the subcommands.
#include <CLI/CLI.hpp>

#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Keystorm: a WebAuthn relying-party engine for login storms"};
  app.require_subcommand(1);
  int exit_code = 0;
  keystorm::cli::AddVerifyCorpusCommand(&app, &exit_code);
  keystorm::cli::AddPolicyCommand(&app, &exit_code);
  keystorm::cli::AddBenchCommand(&app, &exit_code);
  keystorm::cli::AddStoreCommand(&app, &exit_code);
  keystorm::cli::AddServeCommand(&app, &exit_code);
  keystorm::cli::AddConfigCommand(&app, &exit_code);
  keystorm::cli::AddDirectoryCommand(&app, &exit_code);
  keystorm::cli::AddMetadataCommand(&app, &exit_code);
  keystorm::cli::AddCorpusCommand(&app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
