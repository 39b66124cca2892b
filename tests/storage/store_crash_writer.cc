// The child of the crash loop (store_crash_test): opens the store and runs a
// write storm from several threads until it is killed, acknowledging every
// write that the store acknowledged (crash_protocol.h).
//
//   store_crash_writer --db DIR --cycle N [--threads 4] [--seed S]
//
// Exit codes: 2 the store did not open, 3 a write failed (both are findings;
// the parent reports them).  Otherwise it never exits on its own.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "crash_protocol.h"
#include "keystorm/storage/rocks_store.h"

namespace keystorm::storage::crash {
namespace {

void Ack(const std::string& line) {
  // One write(2) per line: a pipe write of at most PIPE_BUF bytes is atomic,
  // so the parent never sees half an acknowledgement.
  ssize_t n = write(STDOUT_FILENO, line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) _exit(4);
}

[[noreturn]] void Fail(const char* what, const Status& s) {
  std::fprintf(stderr, "store_crash_writer: %s: %s\n", what, s.ToString().c_str());
  _exit(3);
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Owned {
  Bytes id;
  uint32_t count;
};

void Storm(RocksCredentialStore* store, int cycle, int thread, uint64_t seed) {
  std::mt19937_64 rng(seed * 1000003 + cycle * 101 + thread);
  const std::string tag = "k" + std::to_string(cycle) + "-t" + std::to_string(thread) + "-";
  const Bytes handle = [&] {
    std::string h = "crash-user-" + std::to_string(thread);
    return Bytes(h.begin(), h.end());
  }();
  std::vector<Owned> mine;
  for (uint64_t n = 0;; ++n) {
    int op = static_cast<int>(rng() % 100);
    if (op < 35 || mine.empty()) {
      CredentialRecord r;
      std::string id = tag + std::to_string(n);
      r.id.assign(id.begin(), id.end());
      r.user_handle = handle;
      r.public_key_cose = KeyFor(r.id);
      r.algorithm = -7;
      r.sign_count = static_cast<uint32_t>(rng() % 3);
      r.transports = {"internal"};
      r.attestation_format = "none";
      r.created_at = NowMs() / 1000;
      bool inserted = false;
      if (Status s = store->InsertCredentialIfAbsent(r, &inserted); !s.ok()) Fail("insert", s);
      if (!inserted) Fail("insert", Status::Internal("fresh id already present"));
      Ack("R " + Hex(r.id) + " " + Hex(handle) + " " + std::to_string(r.sign_count) + "\n");
      mine.push_back({r.id, r.sign_count});
    } else if (op < 70) {
      // A batch of 1-4 counter updates over this thread's credentials.
      size_t k = 1 + rng() % 4;
      std::vector<CounterUpdate> updates;
      std::vector<size_t> which;
      for (size_t i = 0; i < k; ++i) {
        size_t j = rng() % mine.size();
        if (std::find(which.begin(), which.end(), j) != which.end()) continue;
        mine[j].count += 1 + static_cast<uint32_t>(rng() % 3);
        CounterUpdate u;
        u.credential_id = mine[j].id;
        u.sign_count = mine[j].count;
        u.used_at = NowMs() / 1000;
        updates.push_back(std::move(u));
        which.push_back(j);
      }
      std::vector<CommitOutcome> outcomes;
      if (Status s = store->CommitUpdates(updates, &outcomes); !s.ok()) Fail("commit", s);
      for (size_t i = 0; i < updates.size(); ++i) {
        if (outcomes[i] != CommitOutcome::kApplied) Fail("commit", Status::Internal("not applied"));
        Ack("C " + Hex(updates[i].credential_id) + " " + std::to_string(updates[i].sign_count) +
            "\n");
      }
    } else if (op < 90) {
      Bytes id(32);
      for (auto& b : id) b = static_cast<uint8_t>(rng());
      int64_t now = NowMs();
      ChallengeUse use{id, now + 600'000};
      std::vector<ChallengeOutcome> out;
      if (Status s = store->ConsumeChallenges(std::span<const ChallengeUse>(&use, 1), now, &out);
          !s.ok()) {
        Fail("consume", s);
      }
      if (out[0] != ChallengeOutcome::kConsumed) Fail("consume", Status::Internal("not consumed"));
      Ack("X " + Hex(id) + " " + std::to_string(use.expires_at_ms) + "\n");
    } else if (op < 95) {
      UserRecord u;
      std::string h = "u-" + tag + std::to_string(n);
      u.user_handle.assign(h.begin(), h.end());
      u.name = "name-" + tag + std::to_string(n);
      u.created_at = NowMs() / 1000;
      UserInsertOutcome outcome{};
      if (Status s = store->InsertUserIfAbsent(u, &outcome); !s.ok()) Fail("user", s);
      if (outcome != UserInsertOutcome::kInserted) Fail("user", Status::Internal("not inserted"));
      Ack("U " + Hex(u.user_handle) + " " + u.name + "\n");
    } else {
      size_t j = rng() % mine.size();
      // Announced first: a kill between the deletion and its acknowledgement
      // leaves the credential legitimately absent.
      Ack("d " + Hex(mine[j].id) + "\n");
      if (Status s = store->Delete(mine[j].id); !s.ok()) Fail("delete", s);
      Ack("D " + Hex(mine[j].id) + "\n");
      mine.erase(mine.begin() + static_cast<std::ptrdiff_t>(j));
    }
  }
}

}  // namespace
}  // namespace keystorm::storage::crash

int main(int argc, char** argv) {
  using namespace keystorm::storage;
  std::string db;
  int cycle = 0, threads = 4;
  uint64_t seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--db")
      db = argv[i + 1];
    else if (flag == "--cycle")
      cycle = std::atoi(argv[i + 1]);
    else if (flag == "--threads")
      threads = std::atoi(argv[i + 1]);
    else if (flag == "--seed")
      seed = std::strtoull(argv[i + 1], nullptr, 10);
  }
  if (db.empty() || threads < 1) {
    std::fprintf(stderr, "usage: store_crash_writer --db DIR --cycle N [--threads T] [--seed S]\n");
    return 1;
  }
  StoreConfig config;
  config.path = db;
  config.challenge_sweep_interval_ms = 0;
  config.write_buffer_bytes = 1 << 20;  // small: flushes and compactions get killed too
  auto store = RocksCredentialStore::Open(config);
  if (!store) {
    std::fprintf(stderr, "store_crash_writer: open: %s\n", store.error().ToString().c_str());
    return 2;
  }
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back(crash::Storm, store.value().get(), cycle, t, seed);
  }
  for (std::thread& w : workers) w.join();  // never: killed first
  return 0;
}
