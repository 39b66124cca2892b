// keystorm bench replay: a replay corpus against Keystorm (bench/replay).
// Every verdict is checked first; any mismatch fails the run (exit 1, the
// mismatches on stderr, no figures).  Then the JSON report on stdout.
#include <fstream>
#include <iostream>

#include "commands.h"
#include "keystorm/bench/replay_driver.h"
#include "keystorm/corpus/replay_corpus.h"

namespace keystorm::cli {
namespace {

struct ReplayArgs {
  std::string corpus;
  std::string store = "memory";
  std::string http;
  std::string json_out;
  bench::ReplayOptions options;
};

int RunReplayCommand(ReplayArgs& args) {
  if (!args.http.empty()) {
    std::cerr << "bench replay: --http is not wired yet (it needs `keystorm serve`, "
                 "docs/corpus_format.md \"HTTP mode\")\n";
    return 2;
  }
  if (args.store == "rocksdb") {
    args.options.store = bench::ReplayStore::kRocksDb;
  } else if (args.store != "memory") {
    std::cerr << "bench replay: --store is memory or rocksdb\n";
    return 2;
  }
  Result<corpus::ReplayCorpus> c = corpus::ReadReplayCorpusFile(args.corpus);
  if (!c) {
    std::cerr << "bench replay: " << c.error().ToString() << "\n";
    return 1;
  }
  Result<bench::ReplayResult> r = bench::RunReplay(*c, args.options);
  if (!r) {
    std::cerr << "bench replay: " << r.error().ToString() << "\n";
    return r.error().code() == Status::Code::kInvalidArgument ? 2 : 1;
  }
  if (!r->mismatches.empty()) {
    std::cerr << "bench replay: FAILED: " << r->mismatches.size() << " of " << r->logins
              << " verdicts differ from the corpus\n";
    for (const bench::ReplayMismatch& m : r->mismatches) {
      std::cerr << "  login " << m.login << " (" << corpus::FaultName(m.fault) << "): expected "
                << VerifyErrorName(m.expected) << ", got " << m.got << "\n";
    }
    return 1;
  }
  std::string json = bench::ReplayJson(*r);
  std::cout << json << "\n";
  if (!args.json_out.empty()) {
    std::ofstream out(args.json_out, std::ios::trunc);
    out << json << "\n";
    if (!out) {
      std::cerr << "bench replay: cannot write " << args.json_out << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace

void AddBenchReplayCommand(CLI::App* bench, int* exit_code) {
  static ReplayArgs a;
  auto* replay = bench->add_subcommand(
      "replay", "Replay a corpus (keystorm corpus generate): verdicts checked, then JSON figures");
  replay->add_option("--corpus", a.corpus, "Corpus file")->required();
  replay->add_option("--store", a.store, "memory or rocksdb");
  replay->add_option("--db", a.options.db_dir, "RocksDB directory (absent or empty)");
  replay->add_option("--threads", a.options.threads, "Pipeline workers (0: all cores)");
  replay->add_option("--duration", a.options.duration_s, "Seconds of timeline to replay (0: all)");
  replay->add_option("--rate", a.options.rate,
                     "Peak arrival rate the timeline is scaled to (0: as fast as possible)");
  replay->add_option("--limit", a.options.limit, "The first N logins only (0: all)");
  replay->add_option("--seed", a.options.seed, "Seed of the filler credentials");
  replay->add_option("--batch", a.options.batch, "Pipeline batch size");
  replay->add_option("--filler", a.options.filler_credentials,
                     "Generated credentials stored besides the corpus's (scale)");
  replay->add_option("--ceiling-seconds", a.options.ceiling_seconds, "Seconds per ceiling round");
  replay->add_option("--ceiling-repetitions", a.options.ceiling_repetitions,
                     "Ceiling rounds (median)");
  replay->add_option("--json", a.json_out, "Also write the JSON report here");
  replay->add_option("--http", a.http, "Drive `keystorm serve` at URL instead (not wired yet)");
  replay->callback([exit_code] { *exit_code = RunReplayCommand(a); });
}

}  // namespace keystorm::cli
