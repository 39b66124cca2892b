// Every case of the shared conformance corpus (shared/corpus/conformance:
// real authenticator captures, W3C vectors and derived negatives) must reach
// its `outcome` (shared/corpus/SCHEMA.md).  One gtest per case file.
//
// The corpus is third-party data that lives beside the repository, not in
// it: when KEYSTORM_CORPUS_DIR has no conformance folder, the suite says so
// and skips.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "keystorm/corpus/corpus_case.h"

namespace keystorm::corpus {
namespace {

// Attestation formats Keystorm does not implement, whose cases may answer
// unsupported_attestation_format.  Every format of the corpus is
// implemented, so nothing may.
const std::set<std::string> kExpectedUnsupportedFormats = {};

std::filesystem::path ConformanceDir() {
  return std::filesystem::path(KEYSTORM_CORPUS_DIR) / "conformance";
}

std::vector<std::string> CaseFiles() {
  std::vector<std::string> files;
  std::error_code ec;
  if (!std::filesystem::is_directory(ConformanceDir(), ec)) return files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(ConformanceDir(), ec)) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(ConformanceCorpus, IsPresent) {
  if (!std::filesystem::is_directory(ConformanceDir())) {
    GTEST_SKIP() << "no conformance corpus at " << ConformanceDir()
                 << " (set -DKEYSTORM_CORPUS_DIR); the corpus suite is skipped";
  }
  EXPECT_GE(CaseFiles().size(), 400u) << "the corpus looks truncated";
}

class ConformanceCase : public testing::TestWithParam<std::string> {};

TEST_P(ConformanceCase, ReachesItsOutcome) {
  CaseOptions options;
  options.expected_unsupported_formats = kExpectedUnsupportedFormats;
  Result<CaseResult> r = RunCaseFile(GetParam(), options);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  if (!r->is_case) GTEST_SKIP() << "not a case: " << r->note;
  EXPECT_TRUE(r->pass) << r->id << ": expected " << r->expected << ", got " << r->got;
  if (r->unsupported_format) {
    EXPECT_TRUE(kExpectedUnsupportedFormats.count(r->fmt)) << r->fmt;
  }
}

std::string CaseName(const testing::TestParamInfo<std::string>& info) {
  std::string name = std::filesystem::path(info.param).stem().string();
  for (char& c : name) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, ConformanceCase, testing::ValuesIn(CaseFiles()), CaseName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ConformanceCase);

}  // namespace
}  // namespace keystorm::corpus
