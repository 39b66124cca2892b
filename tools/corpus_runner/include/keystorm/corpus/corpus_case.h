// Runs one conformance-corpus case file (shared/corpus/SCHEMA.md) through the
// engine: builds the relying party's expectations from `expected`, the stored
// credential from `credential`, verifies `response`, and compares the verdict
// with `outcome`.
#ifndef KEYSTORM_CORPUS_CORPUS_CASE_H_
#define KEYSTORM_CORPUS_CORPUS_CASE_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>

#include "keystorm/bytes.h"
#include "keystorm/status.h"
#include "keystorm/verifier.h"
#include "keystorm/webauthn_json.h"

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

// The stored credential of an authentication case.
struct StoredCase {
  Bytes id;                         // credential.id (may be empty)
  Bytes public_key_cose;
  uint32_t sign_count = 0;
  std::optional<Bytes> user_handle;  // absent: the case says nothing of the owner
  std::optional<bool> backup_eligible;
};

// A case file turned into engine inputs.
struct LoadedCase {
  bool is_case = false;  // false: not a case file (note says why)
  std::string note;
  std::string id, kind, expected_outcome;
  std::string requires_algorithm;  // empty when the case needs none
  RelyingPartyConfig rp;
  Requirements requirements;
  std::string challenge;
  std::optional<int64_t> verification_time;
  std::string response_json;  // the `response` member, minified
  std::optional<StoredCase> credential;  // authentication cases
};

// Reads one case file.  A Status error means it could not be read or is not
// a well-formed case.
Result<LoadedCase> LoadCaseFile(const std::filesystem::path& path);

// Verifies a loaded case with the single-job verifier.
CaseResult VerifyLoadedCase(const LoadedCase& c, const CaseOptions& options);

// Compares a verdict with the case's outcome (for other paths to a verdict,
// e.g. the pipeline): applies the requiresAlgorithm and expected-unsupported
// rules.  `result` carries id/kind/fmt already filled.
CaseResult JudgeVerdict(const LoadedCase& c, const CaseOptions& options, VerifyError verdict,
                        CaseResult result);

// The account handle and stored BE the single-job path uses for a case, so
// other paths can set up the same stored credential.
Bytes AccountHandle(const LoadedCase& c, const AuthenticationResponse& response);
bool StoredBackupEligible(const LoadedCase& c, const AuthenticationResponse& response);

// Reads and verifies one case file.  A Status error means the file could not
// be read or is not a well-formed case (I/O, bad JSON, missing members).
Result<CaseResult> RunCaseFile(const std::filesystem::path& path, const CaseOptions& options);

}  // namespace keystorm::corpus

#endif  // KEYSTORM_CORPUS_CORPUS_CASE_H_
