// Runs one conformance-corpus case file (shared/corpus/SCHEMA.md) through the
// engine: builds the relying party's expectations from `expected`, the stored
// credential from `credential`, verifies `response`, and compares the verdict
// with `outcome`.
#ifndef KEYSTORM_CORPUS_CORPUS_CASE_H_
#define KEYSTORM_CORPUS_CORPUS_CASE_H_

#include <filesystem>
#include <set>
#include <string>

#include "keystorm/status.h"

namespace keystorm::corpus {

struct CaseOptions {
  // Attestation formats the caller knows Keystorm lacks: a case of such a
  // format answered `unsupported_attestation_format` counts as expected.
  std::set<std::string> expected_unsupported_formats;
};

struct CaseResult {
  bool is_case = false;      // false: the file has no kind/outcome; skipped
  std::string id;
  std::string kind;          // registration | authentication
  std::string fmt;           // attestation format (registration), if known
  std::string expected;      // the case's outcome
  std::string got;           // Keystorm's verdict
  bool pass = false;
  // The case needs an algorithm Keystorm lacks and got unsupported_algorithm.
  bool unsupported_algorithm = false;
  // The case's format is expected-unsupported and got that verdict.
  bool unsupported_format = false;
  std::string note;
};

// Reads and verifies one case file.  A Status error means the file could not
// be read or is not a well-formed case (I/O, bad JSON, missing members).
Result<CaseResult> RunCaseFile(const std::filesystem::path& path, const CaseOptions& options);

}  // namespace keystorm::corpus

#endif  // KEYSTORM_CORPUS_CORPUS_CASE_H_
