// keystorm bench pipeline: the pipeline benchmark (bench/harness), printed as
// JSON.  Options follow RocksDB's db_bench: --threads --seconds --seed --batch.
#include <iostream>
#include <sstream>

#include "commands.h"
#include "keystorm/bench/pipeline_bench.h"

namespace keystorm::cli {

void AddBenchCommand(CLI::App* app, int* exit_code) {
  auto* bench = app->add_subcommand("bench", "Benchmarks");
  bench->require_subcommand(1);
  auto* pipeline = bench->add_subcommand(
      "pipeline", "Pipeline throughput vs the raw P-256 ceiling, scaling and latency (JSON)");
  static bench::PipelineBenchOptions options;
  static std::string workloads = "es256,eddsa,rs256,mix";
  static bool no_latency = false;
  pipeline->add_option("--threads", options.max_threads, "Most worker threads (0: all cores)");
  pipeline->add_option("--seconds", options.seconds, "Seconds per measurement round");
  pipeline->add_option("--repetitions", options.repetitions, "Rounds per figure (median)");
  pipeline->add_option("--batch", options.batch, "Pipeline batch size");
  pipeline->add_option("--seed", options.seed, "Workload seed");
  pipeline->add_option("--workloads", workloads, "Comma list of es256,eddsa,rs256,mix");
  pipeline->add_option("--curve", options.extra_thread_counts,
                       "Extra thread counts to measure (scaling curve)")
      ->delimiter(',');
  pipeline->add_flag("--no-latency", no_latency, "Skip the latency runs");
  pipeline->callback([exit_code] {
    options.latency = !no_latency;
    options.workloads.clear();
    std::stringstream ss(workloads);
    for (std::string w; std::getline(ss, w, ',');) options.workloads.push_back(w);
    Result<bench::PipelineBenchResult> r = bench::RunPipelineBench(options);
    if (!r) {
      std::cerr << "bench pipeline: " << r.error().ToString() << "\n";
      *exit_code = 1;
      return;
    }
    std::cout << bench::PipelineBenchJson(*r) << "\n";
  });
  AddBenchReplayCommand(bench, exit_code);
}

}  // namespace keystorm::cli
