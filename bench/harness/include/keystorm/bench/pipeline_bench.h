// The pipeline benchmark (issue #4): in one run, on the same keys and
// messages, it measures
//   - the raw ceiling: BoringSSL P-256 ECDSA_verify on pre-parsed keys,
//   - the pipeline end to end, AuthenticationResponseJSON text to verdict
//     with an in-memory store, for ES256, Ed25519, RS256 and a mix
//     (80% ES256, 10% EdDSA, 10% RS256),
// each at one thread and at `max_threads`, every figure the median of
// `repetitions` rounds; then latency percentiles per job at 50% and 90% of
// the measured capacity (open-loop arrivals).  Every verdict is checked
// before anything is reported: a run with a wrong verdict fails.
//
// Workloads: assertions carry signCount 0 (synced passkeys, most of real
// traffic), so every job is accepted and can be replayed; the commit stage
// still runs for each batch.
#ifndef KEYSTORM_BENCH_PIPELINE_BENCH_H_
#define KEYSTORM_BENCH_PIPELINE_BENCH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "keystorm/status.h"

namespace keystorm::bench {

struct PipelineBenchOptions {
  int max_threads = 0;     // 0: hardware concurrency
  double seconds = 2.0;    // per measurement round
  int repetitions = 3;     // rounds per figure; the median is reported
  size_t batch = 256;      // PipelineOptions::max_batch
  uint64_t seed = 1;
  bool latency = true;
  // Threads to measure at, besides 1 and max_threads (a scaling curve).
  std::vector<int> extra_thread_counts;
  std::vector<std::string> workloads = {"es256", "eddsa", "rs256", "mix"};
};

struct LatencyFigures {
  double load_fraction = 0;  // of measured capacity
  double offered_per_s = 0;
  double p50_us = 0, p90_us = 0, p99_us = 0, p999_us = 0;
  uint64_t jobs = 0;
};

struct WorkloadFigures {
  std::string name;
  int threads = 0;
  double pipeline_per_s = 0;  // median
  double ceiling_p256_per_s = 0;  // median, same thread count
  std::vector<double> rounds;     // every round's pipeline rate
};

struct PipelineBenchResult {
  int max_threads = 0;
  std::vector<WorkloadFigures> figures;   // per workload and thread count
  std::vector<LatencyFigures> latency;    // ES256 at max_threads
  std::string machine;                    // CPU model, cores
};

// Runs the benchmark; Status::Internal if any verdict was wrong.
Result<PipelineBenchResult> RunPipelineBench(const PipelineBenchOptions& options);

// The JSON report: `ceiling_p256_per_s`, `pipeline_es256_per_s`, `ratio`,
// `threads`, `scaling` at the top (for max_threads), then every figure.
std::string PipelineBenchJson(const PipelineBenchResult& result);

}  // namespace keystorm::bench

#endif  // KEYSTORM_BENCH_PIPELINE_BENCH_H_
