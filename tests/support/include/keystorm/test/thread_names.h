// The names of this process's threads (keystorm/thread_name.h), as
// /proc/self/task/*/comm shows them to top -H and ps -L.
#ifndef KEYSTORM_TEST_THREAD_NAMES_H_
#define KEYSTORM_TEST_THREAD_NAMES_H_

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

namespace keystorm::test {

inline std::multiset<std::string> ThreadNames() {
  std::multiset<std::string> names;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    if (std::getline(comm, name)) names.insert(name);
  }
  return names;
}

// Whether a thread named `name` appears within a minute: a thread names
// itself once it runs, a moment after it was started.
inline bool ThreadNamedAppears(const std::string& name) {
  for (int i = 0; i < 6000; ++i) {
    if (ThreadNames().count(name) > 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace keystorm::test

#endif  // KEYSTORM_TEST_THREAD_NAMES_H_
