// The in-process replay driver behind `keystorm bench replay`: a replay
// corpus (corpus/include/keystorm/corpus/replay_corpus.h) against the
// Pipeline and a real store, open-loop on the corpus's storm timeline.
//
//   1. untimed: the store is opened (memory, or RocksDB with synced writes),
//      optionally filled with generated credentials (scale runs), and every
//      corpus registration is verified and stored through the Pipeline;
//      every login's request is built;
//   2. the raw P-256 ceiling is measured on the corpus's own ES256 logins;
//   3. timed: a pacing thread releases each login at its arrival time (the
//      timeline scaled so that its peak is `rate`; rate 0: all at once), a
//      challenge thread redeems the login's challenge in the store
//      (ConsumeChallengesUnsynced, one call for all that are waiting; the
//      Pipeline's per-batch sync makes them durable before the verdict, as
//      keystorm serve does; a replayed challenge is refused here,
//      challenge_unknown) and submits the rest to the Pipeline, in arrival
//      order;
//   4. every verdict is compared with the corpus's expected one.
//
// Latency is from a login's scheduled arrival to its verdict, so queueing
// behind a slow stage counts (no coordinated omission).  With rate 0 the
// arrival is the moment it was released, so latency is then only indicative.
#ifndef KEYSTORM_BENCH_REPLAY_DRIVER_H_
#define KEYSTORM_BENCH_REPLAY_DRIVER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "keystorm/corpus/replay_corpus.h"
#include "keystorm/status.h"

namespace keystorm::bench {

enum class ReplayStore : uint8_t { kMemory, kRocksDb };

struct ReplayOptions {
  ReplayStore store = ReplayStore::kMemory;
  std::string db_dir;          // RocksDB: a directory that is absent or empty
  int threads = 0;             // pipeline workers; 0: UsableCores()
  double duration_s = 0;       // stop releasing logins after this much timeline; 0: all
  size_t limit = 0;            // the first `limit` logins only; 0: all
  double rate = 0;             // the storm's peak, logins/s; 0: as fast as possible
  size_t batch = 0;            // PipelineOptions::max_batch; 0: DefaultMaxBatch
  uint64_t seed = 1;           // the filler credentials
  // Generated credentials stored besides the corpus's; with RocksDB the
  // store is then compacted (untimed), so the replay meets it at rest.
  size_t filler_credentials = 0;
  double ceiling_seconds = 1;  // per ceiling round
  int ceiling_repetitions = 3;  // the median is reported
};

struct ReplayMismatch {
  size_t login = 0;
  corpus::Fault fault = corpus::Fault::kNone;
  VerifyError expected = VerifyError::kOk;
  std::string got;  // a verdict name, or the system failure
};

struct LatencySummary {
  double p50_us = 0, p90_us = 0, p99_us = 0, p999_us = 0, max_us = 0;
};

struct ReplayResult {
  std::string mode = "in-process";  // or "http"
  std::string machine;
  std::string store;
  int threads = 0;
  size_t registrations = 0;
  size_t stored_credentials = 0;  // corpus + filler
  double setup_s = 0;             // registrations and filler, untimed
  size_t logins = 0;              // released and completed
  double offered_peak_per_s = 0;  // 0: as fast as possible
  double elapsed_s = 0;           // first release to last verdict
  double throughput_per_s = 0;
  LatencySummary latency;
  std::map<std::string, uint64_t> verdicts;  // outcome code -> count
  std::vector<ReplayMismatch> mismatches;    // all of them
  uint64_t backpressure = 0;  // Submit refused (Overloaded) and retried
  // In process: the batch bound, the jobs the pipeline ran and the batches
  // they ran in.
  uint64_t max_batch = 0, pipeline_jobs = 0, pipeline_batches = 0;
  // HTTP mode: keep-alive connections still open when the last answer came
  // (every one of them was held through the run); 0 in process.
  uint64_t connections_held = 0;
  // HTTP mode: the load generator's own CPU seconds (user + system) over the
  // timed run.  It shares the machine with the server; the server's CPU is
  // read by bench/replay/http_bench.sh from /proc.
  double load_generator_cpu_s = 0;
  double cpu_user_s = 0, cpu_system_s = 0;   // getrusage over the timed phase
  double ceiling_p256_per_s = 0;     // at `threads` threads, median
  double ceiling_p256_1t_per_s = 0;  // at one thread, median
  double ceiling_p256_per_cpu_s = 0;  // per CPU second (one core), median
  std::vector<uint32_t> completions_per_second;  // verdicts in second k of the run
};

// Runs the replay.  The result's mismatches say whether it passed; a non-OK
// Status is a failure of the harness or the store (or bad options:
// InvalidArgument, and then nothing was written).
Result<ReplayResult> RunReplay(const corpus::ReplayCorpus& corpus, const ReplayOptions& options);

// The JSON report (docs/performance.md, "Replay and peers", lists the fields).
std::string ReplayJson(const ReplayResult& result);

}  // namespace keystorm::bench

#endif  // KEYSTORM_BENCH_REPLAY_DRIVER_H_
