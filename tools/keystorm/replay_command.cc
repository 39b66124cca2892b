// keystorm bench replay: a replay corpus against Keystorm (bench/replay).
// Every verdict is checked first; any mismatch fails the run (exit 1, the
// mismatches on stderr, no figures).  Then the JSON report on stdout.
#include <fstream>
#include <memory>
#include <iostream>

#include "commands.h"
#include "keystorm/bench/http_replay.h"
#include "keystorm/bench/p256_ceiling.h"
#include "keystorm/bench/replay_driver.h"
#include "keystorm/corpus/replay_corpus.h"
#include "keystorm/read_file.h"
#include "keystorm/server/secret_files.h"

namespace keystorm::cli {
namespace {

struct ReplayArgs {
  std::string corpus;
  std::string store = "memory";
  std::string http;
  std::string prepare_server_db;
  std::string challenge_key_file;
  int connections = 64;
  std::string json_out;
  bench::ReplayOptions options;
};

// The server's challenge_key_file (server/src/app/secret_files.cc): one
// "<key id> <64 hex>" a line, the first line issues.  Parsed by the server's
// own parser, so the driver cannot drift from the server's format again.
Result<std::shared_ptr<const storage::ChallengeSealer>> LoadChallengeKeyFile(
    const std::string& path) {
  std::optional<std::string> text = ReadWholeFile(path);
  if (!text) return Status::IOError("cannot read " + path);
  // Only the issuing key is needed; the others are marked retired "now",
  // which Issue ignores.
  Result<std::vector<storage::ChallengeKey>> keys =
      server::ParseChallengeKeys(*text, /*retired_at_ms=*/0);
  if (!keys) return Status::InvalidArgument(path + ": " + std::string(keys.error().message()));
  Result<storage::ChallengeSealer> sealer =
      storage::ChallengeSealer::Create(std::move(*keys), 3600 * 1000);
  if (!sealer) return sealer.error();
  return std::make_shared<const storage::ChallengeSealer>(std::move(*sealer));
}

// HTTP mode: re-sign every login over a challenge sealed with the server's
// key, then drive the server.  Setup (--prepare-server-db) is a separate
// call made before the server starts.
Result<bench::ReplayResult> RunHttp(const corpus::ReplayCorpus& c, ReplayArgs& args) {
  bench::HttpReplayOptions o;
  Status st = bench::ParseHttpUrl(args.http, &o);
  if (!st.ok()) return st;
  o.connections = args.connections;
  o.rate = args.options.rate;
  o.limit = args.options.limit;
  if (args.challenge_key_file.empty()) {
    return Status::InvalidArgument("--http needs --challenge-key-file (the server's)");
  }
  Result<std::shared_ptr<const storage::ChallengeSealer>> sealer =
      LoadChallengeKeyFile(args.challenge_key_file);
  if (!sealer) return sealer.error();
  Result<std::vector<std::string>> bodies =
      bench::PresignLogins(c, o.limit, bench::SealedChallengeIssuer(c, *sealer));
  if (!bodies) return bodies.error();
  Result<bench::ReplayResult> r = bench::RunHttpReplay(c, *bodies, o);
  if (r) r->machine = bench::MachineDescription();
  return r;
}

int RunReplayCommand(ReplayArgs& args) {
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
  if (!args.prepare_server_db.empty()) {
    Status st = bench::ImportCorpusIntoStore(*c, args.prepare_server_db);
    if (!st.ok()) {
      std::cerr << "bench replay: " << st.ToString() << "\n";
      return st.code() == Status::Code::kInvalidArgument ? 2 : 1;
    }
    std::cerr << "imported " << c->credentials.size() << " users and credentials into "
              << args.prepare_server_db << "\n";
    return 0;
  }
  Result<bench::ReplayResult> r =
      args.http.empty() ? bench::RunReplay(*c, args.options) : RunHttp(*c, args);
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
  replay->add_option("--threads", a.options.threads, "Pipeline workers (0: all usable cores: affinity mask, cgroup v2 quota)");
  replay->add_option("--duration", a.options.duration_s, "Seconds of timeline to replay (0: all)");
  replay->add_option("--rate", a.options.rate,
                     "Peak arrival rate the timeline is scaled to (0: as fast as possible)");
  replay->add_option("--limit", a.options.limit, "The first N logins only (0: all)");
  replay->add_option("--seed", a.options.seed, "Seed of the filler credentials");
  replay->add_option("--batch", a.options.batch, "Pipeline batch bound (0: 64 per worker, 256-4096)");
  replay->add_option("--filler", a.options.filler_credentials,
                     "Generated credentials stored besides the corpus's (scale)");
  replay->add_option("--ceiling-seconds", a.options.ceiling_seconds, "Seconds per ceiling round");
  replay->add_option("--ceiling-repetitions", a.options.ceiling_repetitions,
                     "Ceiling rounds (median)");
  replay->add_option("--json", a.json_out, "Also write the JSON report here");
  replay->add_option("--http", a.http,
                     "Drive `keystorm serve` at http://host:port instead (docs/corpus_format.md, "
                     "\"HTTP mode\")");
  replay->add_option("--challenge-key-file", a.challenge_key_file,
                     "HTTP mode: the server's challenge key file");
  replay->add_option("--connections", a.connections, "HTTP mode: keep-alive connections");
  replay->add_option("--prepare-server-db", a.prepare_server_db,
                     "Import the corpus's users and credentials into this fresh RocksDB "
                     "directory for the server, then exit");
  replay->callback([exit_code] { *exit_code = RunReplayCommand(a); });
}

}  // namespace keystorm::cli
