// Every example under docs/examples/policy/ compiles with no error and no
// warning (they are what administrators copy).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "policy_test_util.h"

namespace keystorm::policy::testing {
namespace {

namespace fs = std::filesystem;

TEST(ExamplesTest, EveryExamplePolicyCompilesCleanly) {
  int files = 0;
  for (const auto& entry :
       fs::directory_iterator(fs::path(KEYSTORM_SOURCE_DIR) / "docs/examples/policy")) {
    if (entry.path().extension() != ".toml") continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    std::vector<Diagnostic> diagnostics;
    auto policy = LoadPolicy(text.str(), 1, &diagnostics);
    EXPECT_TRUE(policy.has_value()) << entry.path();
    for (const Diagnostic& d : diagnostics) {
      ADD_FAILURE() << FormatDiagnostic(entry.path().filename().string(), d);
    }
  }
  EXPECT_GE(files, 5);
}

}  // namespace
}  // namespace keystorm::policy::testing
