// Every VerifyError code the engine decides has a test that expects it.
// Reads tests/engine/*.cc at run time and looks for
// EXPECT_VERDICT(VerifyError::kName, ...); the code list comes from the
// KEYSTORM_VERIFY_ERRORS X-macro, so a new code without a test fails here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "keystorm/verify_error.h"

namespace keystorm {
namespace {

// Codes no engine component decides yet, each with the issue that adds it.
// Remove an entry when its issue lands; the test below insists on that.
const std::map<std::string, std::string>& Pending() {
  static const auto* pending = new std::map<std::string, std::string>{};
  return *pending;
}

// Codes the store decides, not the verifier: each must be asserted as a
// verdict (VerifyError::kX) in the named test file.
const std::map<std::string, std::string>& DecidedByTheStore() {
  static const auto* store = new std::map<std::string, std::string>{
      {"kCredentialAlreadyRegistered", "tests/storage/rejection_test.cc"},
      {"kChallengeUnknown", "tests/storage/challenge_test.cc"},
  };
  return *store;
}

std::vector<std::string> AllCodes() {
  return {
#define KEYSTORM_X_NAME(e, name, step, doc) #e,
      KEYSTORM_VERIFY_ERRORS(KEYSTORM_X_NAME)
#undef KEYSTORM_X_NAME
  };
}

// Codes named as the expected verdict in any tests/engine/*.cc.
std::set<std::string> CoveredCodes(const std::filesystem::path& dir) {
  static const std::regex kVerdict(R"(EXPECT_VERDICT\(\s*VerifyError::(k[A-Za-z0-9]+))");
  std::set<std::string> covered;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".cc") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    // Commented-out assertions do not count.
    static const std::regex kLineComment(R"((^|\n)[ \t]*//[^\n]*)");
    std::string source = std::regex_replace(text.str(), kLineComment, "$1");
    for (auto it = std::sregex_iterator(source.begin(), source.end(), kVerdict);
         it != std::sregex_iterator(); ++it) {
      covered.insert((*it)[1].str());
    }
  }
  return covered;
}

TEST(OutcomeCoverageTest, EveryDecidedCodeHasAVerdictTest) {
  std::filesystem::path dir = std::filesystem::path(KEYSTORM_SOURCE_DIR) / "tests" / "engine";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  std::set<std::string> covered = CoveredCodes(dir);
  // The scan must see the suites at all (guards against a wrong path or a
  // regex that matches nothing).
  ASSERT_TRUE(covered.count("kOk")) << "no EXPECT_VERDICT(VerifyError::kOk, ...) found in " << dir;
  for (const std::string& code : AllCodes()) {
    auto pending = Pending().find(code);
    if (DecidedByTheStore().count(code)) continue;  // StoreDecidedCodesHaveTests
    if (pending == Pending().end()) {
      EXPECT_TRUE(covered.count(code)) << code << " has no EXPECT_VERDICT(VerifyError::" << code
                                       << ", ...) in " << dir.string() << "/*.cc";
    } else {
      EXPECT_FALSE(covered.count(code))
          << code << " is now tested: remove it from Pending() (" << pending->second << ")";
    }
  }
}

TEST(OutcomeCoverageTest, StoreDecidedCodesHaveTests) {
  static const std::regex kLineComment(R"((^|\n)[ \t]*//[^\n]*)");
  for (const auto& [code, file] : DecidedByTheStore()) {
    std::filesystem::path path = std::filesystem::path(KEYSTORM_SOURCE_DIR) / file;
    std::ifstream in(path);
    ASSERT_TRUE(in) << path;
    std::stringstream text;
    text << in.rdbuf();
    std::string source = std::regex_replace(text.str(), kLineComment, "$1");
    EXPECT_NE(source.find("VerifyError::" + code), std::string::npos)
        << code << " has no assertion in " << file;
  }
}

TEST(OutcomeCoverageTest, PendingCodesAreRealCodes) {
  std::vector<std::string> codes = AllCodes();
  for (const auto& [code, issue] : Pending()) {
    EXPECT_NE(std::find(codes.begin(), codes.end(), code), codes.end())
        << code << " (" << issue << ")";
  }
}

}  // namespace
}  // namespace keystorm
