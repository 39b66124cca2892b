// A scratch directory of one's own: tests run side by side (ctest -j runs
// each TEST as its own process, and two builds' suites may share /tmp), so a
// fixed name under TempDir() lets one test delete another's files.
#ifndef KEYSTORM_TEST_SCRATCH_DIR_H_
#define KEYSTORM_TEST_SCRATCH_DIR_H_

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

namespace keystorm::test {

// A fresh directory under $TMPDIR (or /tmp), made by mkdtemp, removed with
// everything in it when the object goes.
class ScratchDir {
 public:
  explicit ScratchDir(std::string_view prefix = "keystorm-test") {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base && *base ? base : "/tmp") + "/" + std::string(prefix) + "-XXXXXX";
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }  // empty if creation failed
  std::string Sub(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

}  // namespace keystorm::test

#endif  // KEYSTORM_TEST_SCRATCH_DIR_H_
