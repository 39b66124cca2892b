#include "keystorm/usable_cores.h"

#include <sched.h>

#include <algorithm>
#include <charconv>
#include <thread>

#include "keystorm/read_file.h"

namespace keystorm {
namespace {

bool ParseUnsigned(std::string_view text, unsigned long long* out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::string ReadSmallFile(const std::string& path) {
  return ReadWholeFile(path).value_or(std::string());
}

// The cores in the calling thread's affinity mask; 0 if it cannot be read.
int AffinityCores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return 0;
  return CPU_COUNT(&set);
}

}  // namespace

int CoresFromCpuMax(std::string_view cpu_max) {
  while (!cpu_max.empty() && (cpu_max.back() == '\n' || cpu_max.back() == ' ')) {
    cpu_max.remove_suffix(1);
  }
  size_t space = cpu_max.find(' ');
  if (space == std::string_view::npos) return 0;
  unsigned long long quota = 0, period = 0;
  // "max PERIOD": no limit; the parse of "max" fails and says so.
  if (!ParseUnsigned(cpu_max.substr(0, space), &quota)) return 0;
  if (!ParseUnsigned(cpu_max.substr(space + 1), &period) || period == 0) return 0;
  unsigned long long cores = (quota + period - 1) / period;
  return static_cast<int>(std::clamp<unsigned long long>(cores, 1, 1 << 20));
}

int CgroupV2CoreLimit(std::string_view proc_self_cgroup, const std::string& cgroup_root) {
  // The v2 line is "0::/path"; v1 lines ("N:controllers:/path") are skipped.
  std::string_view path;
  bool found = false;
  while (!proc_self_cgroup.empty()) {
    size_t eol = proc_self_cgroup.find('\n');
    std::string_view line = proc_self_cgroup.substr(0, eol);
    proc_self_cgroup.remove_prefix(eol == std::string_view::npos ? proc_self_cgroup.size() : eol + 1);
    if (line.substr(0, 3) == "0::") {
      path = line.substr(3);
      found = true;
      break;
    }
  }
  if (!found || path.empty() || path.front() != '/') return 0;
  // A cgroup outside the process's cgroup namespace shows as "/../..":
  // its ancestors are not under the mount, so nothing there applies.
  if (path.find("/..") != std::string_view::npos) return 0;
  int limit = 0;
  // From the process's own cgroup up to the root: each level's cpu.max caps
  // everything below it.  The root cgroup has no cpu.max; a missing file is
  // no limit.
  std::string dir(path);
  while (true) {
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    int cores = CoresFromCpuMax(ReadSmallFile(cgroup_root + dir + "/cpu.max"));
    if (cores > 0) limit = limit == 0 ? cores : std::min(limit, cores);
    if (dir == "/") break;
    dir.erase(dir.rfind('/') == 0 ? 1 : dir.rfind('/'));
  }
  return limit;
}

int UsableCores() {
  int cores = AffinityCores();
  if (cores <= 0) cores = static_cast<int>(std::thread::hardware_concurrency());
  int quota = CgroupV2CoreLimit(ReadSmallFile("/proc/self/cgroup"), "/sys/fs/cgroup");
  if (quota > 0) cores = cores > 0 ? std::min(cores, quota) : quota;
  return std::max(cores, 1);
}

}  // namespace keystorm
