// The credential store at scale (docs/performance.md, "Credential store").
//
// For each size N (default 10k, 1M, 10M generated credentials):
//   fill     import N credentials in synced batches of 10k; then compact
//   size     SST bytes of every family, bytes per credential on disk
//   check    1,000 random lookups must return exactly the generated records
//   lookup   --lookup-threads threads: MultiLookup of --batch random IDs
//   commit   one thread (the pipeline's dispatcher): CommitUpdates of --batch
//            counter updates, synced; then --commit-threads threads each
//            committing single updates (independent writers: group commit)
//   consume  --commit-threads threads: one challenge consumption per call
// Each timed phase runs --seconds and reports calls/s, items/s and the
// p50/p99/p99.9 latency of a call.  Output: one JSON object per size on
// stdout (and appended to --json FILE), plus a table on stderr.
//
//   store_scale_bench --dir DIR [--sizes 10000,1000000,10000000] [--batch 64]
//       [--seconds 5] [--lookup-threads 2] [--commit-threads 8] [--seed 1]
//       [--block-cache-mb 256] [--json FILE] [--keep]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "keystorm/json_writer.h"
#include "keystorm/storage/rocks_store.h"
#include "store_workload.h"

namespace keystorm::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string dir;
  std::vector<uint64_t> sizes = {10'000, 1'000'000, 10'000'000};
  size_t batch = 64;
  double seconds = 5;
  int lookup_threads = 2;
  int commit_threads = 8;
  uint64_t seed = 1;
  size_t block_cache_mb = 256;
  std::string json;
  bool keep = false;
};

struct Phase {
  std::string name;
  uint64_t calls = 0;
  uint64_t items = 0;
  double seconds = 0;
  double p50_us = 0, p99_us = 0, p999_us = 0;
};

// Runs `call(thread, rng)` on `threads` threads for `seconds`; each call
// returns how many items it handled (or -1 on failure, which aborts).
template <typename Call>
Phase Timed(const std::string& name, int threads, double seconds, uint64_t seed, Call call) {
  std::vector<std::vector<uint32_t>> latencies(threads);
  std::vector<uint64_t> items(threads, 0);
  std::atomic<bool> stop{false}, failed{false};
  std::vector<std::thread> workers;
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937_64 rng(seed * 7919 + t);
      while (!stop.load(std::memory_order_relaxed)) {
        auto t0 = Clock::now();
        long n = call(t, rng);
        auto t1 = Clock::now();
        if (n < 0) {
          failed.store(true);
          stop.store(true);
          return;
        }
        items[t] += static_cast<uint64_t>(n);
        latencies[t].push_back(static_cast<uint32_t>(std::min<int64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count(), UINT32_MAX)));
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop.store(true);
  for (auto& w : workers) w.join();
  Phase p;
  p.name = name;
  p.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<uint32_t> all;
  for (int t = 0; t < threads; ++t) {
    all.insert(all.end(), latencies[t].begin(), latencies[t].end());
    p.items += items[t];
  }
  if (failed.load()) {
    std::fprintf(stderr, "%s: a call failed\n", name.c_str());
    std::exit(1);
  }
  p.calls = all.size();
  std::sort(all.begin(), all.end());
  auto pct = [&](double q) {
    return all.empty() ? 0.0
                       : all[std::min(all.size() - 1, static_cast<size_t>(q * all.size()))] / 1e3;
  };
  p.p50_us = pct(0.50);
  p.p99_us = pct(0.99);
  p.p999_us = pct(0.999);
  return p;
}

uint64_t DirBytes(const std::string& dir) {
  uint64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) total += e.file_size();
  }
  return total;
}

std::unique_ptr<storage::RocksCredentialStore> Open(const Options& o, const std::string& path) {
  storage::StoreConfig config;
  config.path = path;
  config.block_cache_bytes = o.block_cache_mb << 20;
  config.challenge_sweep_interval_ms = 0;
  auto store = storage::RocksCredentialStore::Open(config);
  if (!store) {
    std::fprintf(stderr, "open %s: %s\n", path.c_str(), store.error().ToString().c_str());
    std::exit(1);
  }
  return std::move(store.value());
}

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "check failed: %s\n", what);
    std::exit(1);
  }
}

std::string RunSize(const Options& o, uint64_t n) {
  const std::string path = o.dir + "/n" + std::to_string(n);
  std::filesystem::remove_all(path);
  auto store = Open(o, path);

  // Fill.
  const auto fill_start = Clock::now();
  constexpr uint64_t kImportBatch = 10'000;
  for (uint64_t i = 0; i < n; i += kImportBatch) {
    storage::ImportBatch batch;
    for (uint64_t j = i; j < std::min(n, i + kImportBatch); ++j) {
      batch.credentials.push_back(GeneratedCredential(o.seed, j));
    }
    Status s = store->Import(batch);
    Check(s.ok(), "import");
  }
  const double fill_s = std::chrono::duration<double>(Clock::now() - fill_start).count();
  const auto compact_start = Clock::now();
  Check(store->CompactAll().ok(), "compact");
  const double compact_s = std::chrono::duration<double>(Clock::now() - compact_start).count();
  storage::StoreStats stats;
  Check(store->GetStats(false, &stats).ok(), "stats");
  uint64_t sst_total = 0, sst_credentials = 0, sst_index = 0;
  for (const auto& f : stats.families) {
    sst_total += f.sst_bytes;
    if (f.name == "credentials") sst_credentials = f.sst_bytes;
    if (f.name == "user_credentials") sst_index = f.sst_bytes;
  }
  const uint64_t dir_bytes = DirBytes(path);

  // Reopen: the timed phases start from files and a cold block cache.
  store.reset();
  store = Open(o, path);

  // Check the answers before timing anything.
  std::mt19937_64 rng(o.seed);
  for (int k = 0; k < 1000; ++k) {
    uint64_t i = rng() % n;
    CredentialRecord want = GeneratedCredential(o.seed, i);
    std::vector<ByteView> ids = {want.id};
    std::vector<std::optional<CredentialRecord>> out;
    Check(store->MultiLookup(ids, &out).ok() && out[0].has_value(), "lookup finds the record");
    Check(out[0]->public_key_cose == want.public_key_cose &&
              out[0]->user_handle == want.user_handle && out[0]->sign_count == want.sign_count,
          "lookup returns the generated record");
  }

  const size_t b = o.batch;
  Phase lookup =
      Timed("lookup", o.lookup_threads, o.seconds, o.seed, [&](int, std::mt19937_64& r) -> long {
        std::vector<Bytes> keys(b);
        std::vector<ByteView> ids(b);
        for (size_t k = 0; k < b; ++k) {
          keys[k] = GeneratedId(o.seed, r() % n);
          ids[k] = keys[k];
        }
        std::vector<std::optional<CredentialRecord>> out;
        if (!store->MultiLookup(ids, &out).ok()) return -1;
        for (const auto& rec : out) {
          if (!rec) return -1;
        }
        return static_cast<long>(b);
      });

  // Counters strictly above any generated one, and rising: every update applies
  // unless two threads pick one credential in the same instant.
  std::atomic<uint32_t> next_count{1'000'000};
  std::atomic<uint64_t> applied{0};
  auto commit = [&](size_t batch) {
    return [&, batch](int, std::mt19937_64& r) -> long {
      std::vector<Bytes> keys(batch);
      std::vector<CounterUpdate> updates(batch);
      for (size_t k = 0; k < batch; ++k) {
        keys[k] = GeneratedId(o.seed, r() % n);
        updates[k].credential_id = keys[k];
        updates[k].sign_count = next_count.fetch_add(1);
        updates[k].backup_state = true;
        updates[k].used_at = 1'790'000'000;
      }
      std::vector<CommitOutcome> outcomes;
      if (!store->CommitUpdates(updates, &outcomes).ok()) return -1;
      for (CommitOutcome c : outcomes) applied += c == CommitOutcome::kApplied;
      return static_cast<long>(batch);
    };
  };
  Phase commit_batch = Timed("commit_batch", 1, o.seconds, o.seed, commit(b));
  Phase commit_one = Timed("commit_single", o.commit_threads, o.seconds, o.seed + 1, commit(1));
  std::atomic<uint64_t> challenge_seq{0};
  Phase consume = Timed(
      "consume_challenge", o.commit_threads, o.seconds, o.seed, [&](int, std::mt19937_64&) -> long {
        Bytes id(32);
        FillBytes(o.seed ^ (challenge_seq.fetch_add(1) << 8), id.data(), id.size());
        ChallengeUse use{id, 4'102'444'800'000};
        std::vector<ChallengeOutcome> out;
        if (!store
                 ->ConsumeChallenges(std::span<const ChallengeUse>(&use, 1), 1'800'000'000'000,
                                     &out)
                 .ok() ||
            out[0] != ChallengeOutcome::kConsumed) {
          return -1;
        }
        return 1;
      });

  JsonWriter w;
  // clang-format off
  w.BeginObject()
      .Key("credentials").Uint(n)
      .Key("batch").Uint(b)
      .Key("lookup_threads").Int(o.lookup_threads)
      .Key("commit_threads").Int(o.commit_threads)
      .Key("fill_seconds").Double(fill_s)
      .Key("fill_per_second").Double(n / fill_s)
      .Key("compact_seconds").Double(compact_s)
      .Key("sst_bytes").Uint(sst_total)
      .Key("sst_bytes_credentials").Uint(sst_credentials)
      .Key("sst_bytes_user_index").Uint(sst_index)
      .Key("dir_bytes").Uint(dir_bytes)
      .Key("bytes_per_credential").Double(static_cast<double>(sst_total) / n)
      .Key("counter_updates_applied").Uint(applied.load())
      .Key("phases").BeginArray();
  // clang-format on
  for (const Phase* p : {&lookup, &commit_batch, &commit_one, &consume}) {
    // clang-format off
    w.BeginObject()
        .Key("name").String(p->name)
        .Key("calls_per_second").Double(p->calls / p->seconds)
        .Key("items_per_second").Double(p->items / p->seconds)
        .Key("p50_us").Double(p->p50_us)
        .Key("p99_us").Double(p->p99_us)
        .Key("p999_us").Double(p->p999_us)
        .EndObject();
    // clang-format on
    std::fprintf(stderr,
                 "%10llu  %-18s %10.0f calls/s %12.0f items/s  p50 %8.1f us  p99 %8.1f us\n",
                 static_cast<unsigned long long>(n), p->name.c_str(), p->calls / p->seconds,
                 p->items / p->seconds, p->p50_us, p->p99_us);
  }
  w.EndArray().EndObject();
  std::fprintf(
      stderr,
      "%10llu  fill %.1f s (%.0f/s), compact %.1f s, %.1f bytes/credential (SST), dir %.1f MB\n",
      static_cast<unsigned long long>(n), fill_s, n / fill_s, compact_s,
      static_cast<double>(sst_total) / n, dir_bytes / 1e6);
  store.reset();
  if (!o.keep) std::filesystem::remove_all(path);
  return w.str();
}

}  // namespace
}  // namespace keystorm::bench

int main(int argc, char** argv) {
  keystorm::bench::Options o;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (flag == "--dir")
      o.dir = next();
    else if (flag == "--sizes") {
      o.sizes.clear();
      std::stringstream ss(next());
      for (std::string s; std::getline(ss, s, ',');) o.sizes.push_back(std::stoull(s));
    } else if (flag == "--batch")
      o.batch = std::stoul(next());
    else if (flag == "--seconds")
      o.seconds = std::stod(next());
    else if (flag == "--lookup-threads")
      o.lookup_threads = std::stoi(next());
    else if (flag == "--commit-threads")
      o.commit_threads = std::stoi(next());
    else if (flag == "--seed")
      o.seed = std::stoull(next());
    else if (flag == "--block-cache-mb")
      o.block_cache_mb = std::stoul(next());
    else if (flag == "--json")
      o.json = next();
    else if (flag == "--keep")
      o.keep = true;
    else {
      std::fprintf(stderr, "unknown flag %s (see the comment at the top of store_scale_bench.cc)\n",
                   flag.c_str());
      return 2;
    }
  }
  if (o.dir.empty() || o.sizes.empty() || o.batch == 0 || o.lookup_threads < 1 ||
      o.commit_threads < 1) {
    std::fprintf(
        stderr, "usage: store_scale_bench --dir DIR [--sizes N,N] [--batch B] [--seconds S] ...\n");
    return 2;
  }
  std::filesystem::create_directories(o.dir);
  for (uint64_t n : o.sizes) {
    std::string line = keystorm::bench::RunSize(o, n);
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
    if (!o.json.empty()) std::ofstream(o.json, std::ios::app) << line << "\n";
  }
  return 0;
}
