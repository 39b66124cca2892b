// Credential store micro-benchmarks (docs/performance.md, "Credential store").
// The scale runner (bench/store/store_scale_bench.cc) does 10k-10M fills;
// these are the per-call costs on a 10k store, for regressions.
//
//   BM_RocksMultiLookup/B        MultiLookup of B random stored IDs
//   BM_MemoryMultiLookup/B       the same on MemoryCredentialStore
//   BM_RocksCommit/B             CommitUpdates of B updates, synced (one fsync)
//     ->Threads(8)               ... eight threads at once: group commit
//   BM_RocksConsumeChallenge     one consumption, synced
//   BM_EncodeDecodeCredential    the record codec alone
//
// Before timing, a lookup of every benchmark's IDs must find the generated
// records.  The store lives in $TMPDIR and is removed at exit.
#include <benchmark/benchmark.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <random>

#include "keystorm/storage/memory_store.h"
#include "keystorm/storage/record_codec.h"
#include "keystorm/storage/rocks_store.h"
#include "store_workload.h"

namespace {

using namespace keystorm;
using keystorm::bench::GeneratedCredential;
using keystorm::bench::GeneratedId;

constexpr uint64_t kCredentials = 10'000;
constexpr uint64_t kSeed = 42;

struct Stores {
  Stores() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base && *base ? base : "/tmp") + "/keystorm-store-bench-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    dir = pattern;
    storage::StoreConfig config;
    config.path = dir + "/db";
    config.challenge_sweep_interval_ms = 0;
    auto opened = storage::RocksCredentialStore::Open(config);
    if (!opened) std::abort();
    rocks = std::move(opened.value());
    storage::ImportBatch batch;
    for (uint64_t i = 0; i < kCredentials; ++i) {
      batch.credentials.push_back(GeneratedCredential(kSeed, i));
      bool inserted = false;
      if (!memory.InsertCredentialIfAbsent(batch.credentials.back(), &inserted).ok()) std::abort();
    }
    if (!rocks->Import(batch).ok() || !rocks->Flush().ok()) std::abort();
    // Check the answers before anything is timed.
    for (uint64_t i = 0; i < kCredentials; i += 97) {
      Bytes id = GeneratedId(kSeed, i);
      std::vector<ByteView> ids = {id};
      std::vector<std::optional<CredentialRecord>> a, b;
      if (!rocks->MultiLookup(ids, &a).ok() || !memory.MultiLookup(ids, &b).ok() || !a[0] ||
          !b[0] || a[0]->public_key_cose != GeneratedCredential(kSeed, i).public_key_cose ||
          b[0]->public_key_cose != a[0]->public_key_cose) {
        std::abort();
      }
    }
  }
  ~Stores() {
    rocks.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  std::string dir;
  std::unique_ptr<storage::RocksCredentialStore> rocks;
  storage::MemoryCredentialStore memory;
};

Stores& Get() {
  static Stores stores;
  return stores;
}

void Lookups(benchmark::State& state, CredentialStore* store) {
  const size_t batch = static_cast<size_t>(state.range(0));
  std::mt19937_64 rng(kSeed);
  std::vector<Bytes> keys(batch);
  std::vector<ByteView> ids(batch);
  std::vector<std::optional<CredentialRecord>> out;
  for (auto _ : state) {
    state.PauseTiming();
    for (size_t k = 0; k < batch; ++k) {
      keys[k] = GeneratedId(kSeed, rng() % kCredentials);
      ids[k] = keys[k];
    }
    state.ResumeTiming();
    if (!store->MultiLookup(ids, &out).ok()) state.SkipWithError("lookup failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch));
}

void BM_RocksMultiLookup(benchmark::State& state) { Lookups(state, Get().rocks.get()); }
void BM_MemoryMultiLookup(benchmark::State& state) { Lookups(state, &Get().memory); }
BENCHMARK(BM_RocksMultiLookup)->Arg(1)->Arg(64)->Arg(256);
BENCHMARK(BM_MemoryMultiLookup)->Arg(1)->Arg(64)->Arg(256);

std::atomic<uint32_t> next_count{1'000'000};

void BM_RocksCommit(benchmark::State& state) {
  const size_t batch = static_cast<size_t>(state.range(0));
  storage::RocksCredentialStore* store = Get().rocks.get();
  std::mt19937_64 rng(kSeed + state.thread_index());
  std::vector<Bytes> keys(batch);
  std::vector<CounterUpdate> updates(batch);
  std::vector<CommitOutcome> outcomes;
  for (auto _ : state) {
    state.PauseTiming();
    for (size_t k = 0; k < batch; ++k) {
      keys[k] = GeneratedId(kSeed, rng() % kCredentials);
      updates[k].credential_id = keys[k];
      updates[k].sign_count = next_count.fetch_add(1);
      updates[k].used_at = 1'790'000'000;
    }
    state.ResumeTiming();
    if (!store->CommitUpdates(updates, &outcomes).ok()) state.SkipWithError("commit failed");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch));
}
BENCHMARK(BM_RocksCommit)->Arg(1)->Arg(64)->UseRealTime();
BENCHMARK(BM_RocksCommit)->Arg(1)->Threads(8)->UseRealTime();

std::atomic<uint64_t> next_challenge{0};

void BM_RocksConsumeChallenge(benchmark::State& state) {
  storage::RocksCredentialStore* store = Get().rocks.get();
  Bytes id(32);
  std::vector<ChallengeOutcome> out;
  for (auto _ : state) {
    keystorm::bench::FillBytes(next_challenge.fetch_add(1) << 8, id.data(), id.size());
    ChallengeUse use{id, 4'102'444'800'000};
    if (!store->ConsumeChallenges(std::span<const ChallengeUse>(&use, 1), 1'800'000'000'000, &out)
             .ok() ||
        out[0] != ChallengeOutcome::kConsumed) {
      state.SkipWithError("consume failed");
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RocksConsumeChallenge)->UseRealTime();
BENCHMARK(BM_RocksConsumeChallenge)->Threads(8)->UseRealTime();

void BM_EncodeDecodeCredential(benchmark::State& state) {
  CredentialRecord r = GeneratedCredential(kSeed, 7);
  std::string value;
  CredentialRecord back;
  for (auto _ : state) {
    value.clear();
    storage::EncodeCredentialValue(r, &value);
    if (!storage::DecodeCredentialValue(r.id, value, &back).ok()) state.SkipWithError("decode");
    benchmark::DoNotOptimize(back.sign_count);
  }
  state.counters["value_bytes"] = static_cast<double>(value.size());
}
BENCHMARK(BM_EncodeDecodeCredential);

}  // namespace

BENCHMARK_MAIN();
