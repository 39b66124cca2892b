// Google Benchmark front of the pipeline harness (bench/harness): one
// benchmark per workload and thread count, each reporting the pipeline's
// rate, the raw P-256 ceiling measured in the same run and their ratio as
// counters.  `keystorm bench pipeline` prints the same figures as JSON with
// latency percentiles; this binary exists so the figures can sit next to
// the other micro-benchmarks in Google Benchmark's formats.
#include <benchmark/benchmark.h>

#include <string>
#include <thread>

#include "keystorm/bench/pipeline_bench.h"
#include "keystorm/usable_cores.h"

namespace {

void BM_Pipeline(benchmark::State& state, const std::string& workload) {
  keystorm::bench::PipelineBenchOptions options;
  options.max_threads = static_cast<int>(state.range(0));
  options.seconds = 1.0;
  options.repetitions = 1;
  options.latency = false;
  options.workloads = {workload};
  keystorm::bench::PipelineBenchResult result;
  for (auto _ : state) {
    auto r = keystorm::bench::RunPipelineBench(options);
    if (!r) {
      state.SkipWithError(r.error().ToString().c_str());
      return;
    }
    result = *r;
  }
  for (const auto& wf : result.figures) {
    if (wf.threads != options.max_threads) continue;
    state.counters["pipeline_per_s"] = wf.pipeline_per_s;
    state.counters["ceiling_p256_per_s"] = wf.ceiling_p256_per_s;
    state.counters["ratio"] = wf.pipeline_per_s / wf.ceiling_p256_per_s;
  }
}

void Register() {
  int max = keystorm::UsableCores();
  for (const char* w : {"es256", "eddsa", "rs256", "mix"}) {
    auto* b = benchmark::RegisterBenchmark((std::string("BM_Pipeline/") + w).c_str(),
                                           [w](benchmark::State& s) { BM_Pipeline(s, w); });
    b->Arg(1)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
    if (max > 1) b->Arg(max);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Register();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
