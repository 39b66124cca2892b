// A smoke test of the pipeline benchmark harness itself: short rounds, every
// workload, and the JSON report carries the fields the issue names.
#include <gtest/gtest.h>

#include "keystorm/bench/pipeline_bench.h"

namespace keystorm::bench {
namespace {

TEST(PipelineBenchHarness, ShortRunReportsEveryFigure) {
  PipelineBenchOptions o;
  o.max_threads = 2;
  o.seconds = 0.1;
  o.repetitions = 1;
  o.batch = 32;
  Result<PipelineBenchResult> r = RunPipelineBench(o);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  // 4 workloads at 1 and 2 threads.
  ASSERT_EQ(r->figures.size(), 8u);
  for (const WorkloadFigures& wf : r->figures) {
    EXPECT_GT(wf.pipeline_per_s, 0) << wf.name;
    EXPECT_GT(wf.ceiling_p256_per_s, 0) << wf.name;
  }
  ASSERT_EQ(r->latency.size(), 2u);
  EXPECT_GT(r->latency[0].jobs, 0u);
  EXPECT_LE(r->latency[0].p50_us, r->latency[0].p99_us);
  std::string json = PipelineBenchJson(*r);
  for (const char* key : {"\"ceiling_p256_per_s\"", "\"pipeline_es256_per_s\"", "\"ratio\"",
                          "\"threads\"", "\"scaling\"", "\"latency_es256\""}) {
    EXPECT_NE(json.find(key), std::string::npos) << key;
  }
}

}  // namespace
}  // namespace keystorm::bench
