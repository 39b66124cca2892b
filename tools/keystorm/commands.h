// Private: the `keystorm` subcommands.  Each registers itself on the CLI11 app
// and returns the callback's exit status through *exit_code.
#ifndef KEYSTORM_TOOLS_KEYSTORM_COMMANDS_H_
#define KEYSTORM_TOOLS_KEYSTORM_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace keystorm::cli {

void AddVerifyCorpusCommand(CLI::App* app, int* exit_code);
void AddPolicyCommand(CLI::App* app, int* exit_code);
void AddBenchCommand(CLI::App* app, int* exit_code);
void AddStoreCommand(CLI::App* app, int* exit_code);
void AddServeCommand(CLI::App* app, int* exit_code);
void AddConfigCommand(CLI::App* app, int* exit_code);
void AddDirectoryCommand(CLI::App* app, int* exit_code);
void AddMetadataCommand(CLI::App* app, int* exit_code);
void AddCorpusCommand(CLI::App* app, int* exit_code);
// `keystorm bench replay`, under the `bench` command.
void AddBenchReplayCommand(CLI::App* bench, int* exit_code);

}  // namespace keystorm::cli

#endif  // KEYSTORM_TOOLS_KEYSTORM_COMMANDS_H_
