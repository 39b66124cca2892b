// keystorm verify-corpus DIR...: verifies every conformance case file under
// the folders and prints `<id> <expected> <got> PASS|FAIL` per case, then
// `N passed, N failed`.  Exit status 0 only if every case passes.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "commands.h"
#include "keystorm/corpus/corpus_case.h"

namespace keystorm::cli {
namespace {

std::vector<std::filesystem::path> CaseFiles(const std::vector<std::string>& roots, int* errors) {
  std::vector<std::filesystem::path> files;
  for (const std::string& root : roots) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(root, ec)) {
      files.emplace_back(root);
      continue;
    }
    if (!std::filesystem::is_directory(root, ec)) {
      std::cerr << "verify-corpus: no such folder: " << root << "\n";
      ++*errors;
      continue;
    }
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

int Run(const std::vector<std::string>& roots, const std::vector<std::string>& unsupported_formats) {
  corpus::CaseOptions options;
  options.expected_unsupported_formats.insert(unsupported_formats.begin(), unsupported_formats.end());
  int errors = 0;
  std::vector<std::filesystem::path> files = CaseFiles(roots, &errors);
  int passed = 0, failed = errors, unsupported_alg = 0, unsupported_fmt = 0, skipped = 0;
  for (const auto& file : files) {
    Result<corpus::CaseResult> r = corpus::RunCaseFile(file, options);
    if (!r) {
      std::cout << file.stem().string() << " - error FAIL (" << r.error().ToString() << ")\n";
      ++failed;
      continue;
    }
    if (!r->is_case) {
      std::cout << "# skipped " << file.string() << ": " << r->note << "\n";
      ++skipped;
      continue;
    }
    std::cout << r->id << " " << r->expected << " " << r->got << " " << (r->pass ? "PASS" : "FAIL");
    if (!r->note.empty()) std::cout << " (" << r->note << ")";
    std::cout << "\n";
    if (r->pass) {
      ++passed;
    } else {
      ++failed;
    }
    unsupported_alg += r->unsupported_algorithm;
    unsupported_fmt += r->unsupported_format;
  }
  if (skipped > 0) std::cout << "# " << skipped << " files were not cases and were skipped\n";
  if (unsupported_fmt > 0) {
    std::cout << "# " << unsupported_fmt
              << " cases of expected-unsupported attestation formats answered "
                 "unsupported_attestation_format\n";
  }
  std::cout << "# " << unsupported_alg
            << " cases need an algorithm Keystorm does not implement and answered "
               "unsupported_algorithm\n";
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace

void AddVerifyCorpusCommand(CLI::App* app, int* exit_code) {
  auto* cmd = app->add_subcommand("verify-corpus",
                                  "Verify every conformance case file under the folders");
  static std::vector<std::string> roots;
  static std::vector<std::string> unsupported_formats;
  cmd->add_option("DIR", roots, "Folders (or files) of case JSON files")->required();
  cmd->add_option("--expect-unsupported-format", unsupported_formats,
                  "Attestation formats known to be missing: their cases pass when answered "
                  "unsupported_attestation_format")
      ->delimiter(',');
  cmd->callback([exit_code] { *exit_code = Run(roots, unsupported_formats); });
}

}  // namespace keystorm::cli
