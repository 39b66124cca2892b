// How many CPU cores this process may use: what "0 = all cores" means for
// the pipeline's workers (PipelineOptions::workers, [pipeline] workers) and
// the replay's --threads.
//
// std::thread::hardware_concurrency() counts the cores the machine has
// online.  A process started under taskset or a cpuset (docker
// --cpuset-cpus, Kubernetes' static CPU manager), or under a cgroup v2 CPU
// quota (docker --cpus, a Kubernetes CPU limit), may use fewer.  One worker
// per machine core then oversubscribes the cores it has: a batch waits for
// its preempted workers, and a quota throttles the whole process for the
// rest of each period.
//
// The answer is the smaller of
//   - the cores in the calling thread's affinity mask (sched_getaffinity),
//   - ceil(quota / period) of every cgroup v2 `cpu.max` from the process's
//     own cgroup up to the root (a parent's limit binds its children),
// and never less than 1.  cgroup v1 quotas (cpu.cfs_quota_us) are not read:
// docs/decisions.md, "All cores means the usable ones".
#ifndef KEYSTORM_USABLE_CORES_H_
#define KEYSTORM_USABLE_CORES_H_

#include <string>
#include <string_view>

#include "keystorm/export.h"

namespace keystorm {

// The cores this process may use now (see above).  Reads /proc and
// /sys/fs/cgroup each call: call it once, at start-up.
KEYSTORM_EXPORT int UsableCores();

// The parts, exposed for tests.

// The cores a cgroup v2 `cpu.max` line allows: "max 100000" (no limit) and
// anything unparsable give 0; "150000 100000" gives 2 (a part-core quota
// still runs a thread, so it rounds up).
KEYSTORM_EXPORT int CoresFromCpuMax(std::string_view cpu_max);

// The tightest cpu.max limit along the process's cgroup v2 path, 0 for
// none.  `proc_self_cgroup` is the text of /proc/self/cgroup (its "0::PATH"
// line names the v2 cgroup); `cgroup_root` is where the v2 hierarchy is
// mounted (/sys/fs/cgroup).
KEYSTORM_EXPORT int CgroupV2CoreLimit(std::string_view proc_self_cgroup,
                                      const std::string& cgroup_root);

}  // namespace keystorm

#endif  // KEYSTORM_USABLE_CORES_H_
