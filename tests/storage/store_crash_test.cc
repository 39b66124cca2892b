// The kill -9 crash loop (matrix STO-01, STO-03, STO-04).  Each cycle starts
// store_crash_writer on the same database, lets it run a write storm for a
// random time (sometimes only milliseconds, so that recovery itself is
// killed), kills it with SIGKILL, reopens the store and checks that
//   - it opens (0 failed reopens) and its integrity walk passes (every
//     registration all or nothing across column families);
//   - every acknowledged registration, counter update, deletion, user and
//     challenge consumption is there (0 lost acknowledged writes), and every
//     consumed challenge is refused again (0 replayable challenges).
// Everything acknowledged in earlier cycles is checked again every 25 cycles
// and at the end.
//
//   store_crash_test --writer PATH [--cycles 200] [--seed S] [--max-kill-ms 150]
//                    [--threads 4] [--dir DIR] [--keep]
//
// CI runs 200 cycles (about a minute); docs/storage_format.md describes the
// 1,000-cycle run.  Exits 0 only if every check of every cycle passed.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "crash_protocol.h"
#include "keystorm/storage/rocks_store.h"

namespace keystorm::storage::crash {
namespace {

struct Options {
  std::string writer;
  int cycles = 200;
  uint64_t seed = 0;
  int max_kill_ms = 150;
  int threads = 4;
  std::string dir;
  bool keep = false;
};

// What the acknowledgements say must be in the store.
struct Expected {
  struct Credential {
    Bytes user;
    uint32_t min_count = 0;
    bool deleted = false;
    bool delete_announced = false;  // absent is fine, present is fine
  };
  std::map<Bytes, Credential> credentials;
  std::map<std::string, Bytes> users;  // name -> handle
  std::vector<std::pair<Bytes, int64_t>> challenges;
  uint64_t acks = 0;
};

struct Totals {
  uint64_t acks = 0, failures = 0, early_exits = 0;
};

int failures_this_cycle = 0;
void Finding(int cycle, const std::string& what) {
  ++failures_this_cycle;
  if (failures_this_cycle <= 20) std::fprintf(stderr, "cycle %d: %s\n", cycle, what.c_str());
}

// Runs the writer for `run_ms`, kills it, returns its acknowledgement lines.
// *exited_early is set if it ended by itself (a finding: it never should).
std::vector<std::string> RunWriter(const Options& o, int cycle, int run_ms, bool* exited_early) {
  int fds[2];
  if (pipe(fds) != 0) std::abort();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::string c = std::to_string(cycle), t = std::to_string(o.threads),
                s = std::to_string(o.seed);
    std::string db = o.dir + "/db";
    execl(o.writer.c_str(), o.writer.c_str(), "--db", db.c_str(), "--cycle", c.c_str(), "--threads",
          t.c_str(), "--seed", s.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  // Read while it runs, so a full pipe never stalls the writer.
  std::string data;
  std::thread reader([&] {
    char buf[65536];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof(buf))) > 0) data.append(buf, static_cast<size_t>(n));
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(run_ms);
  int status = 0;
  *exited_early = false;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      *exited_early = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  if (!*exited_early) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    if (!WIFSIGNALED(status)) *exited_early = true;
  }
  reader.join();
  close(fds[0]);
  std::vector<std::string> lines;
  std::istringstream in(data);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  if (!data.empty() && data.back() != '\n' && !lines.empty()) lines.pop_back();  // never happens
  return lines;
}

// Acknowledgements among the lines (announcements are not).
size_t CountAcks(const std::vector<std::string>& lines) {
  return std::count_if(lines.begin(), lines.end(),
                       [](const std::string& l) { return l[0] != 'd'; });
}

// Applies one cycle's acknowledgements to the model; false on a bad line.
bool Apply(const std::vector<std::string>& lines, Expected* e, Expected* cycle) {
  for (const std::string& line : lines) {
    std::istringstream f(line);
    std::string kind, a, b, c;
    f >> kind >> a >> b >> c;
    Bytes x, y;
    if (kind == "R" && Unhex(a, &x) && Unhex(b, &y)) {
      e->credentials[x] = {y, static_cast<uint32_t>(std::stoul(c)), false, false};
      cycle->credentials[x] = e->credentials[x];
    } else if (kind == "C" && Unhex(a, &x)) {
      e->credentials[x].min_count = static_cast<uint32_t>(std::stoul(b));
      cycle->credentials[x] = e->credentials[x];
    } else if (kind == "d" && Unhex(a, &x)) {
      e->credentials[x].delete_announced = true;
      cycle->credentials[x] = e->credentials[x];
      continue;  // an announcement, not an acknowledgement
    } else if (kind == "D" && Unhex(a, &x)) {
      e->credentials[x].deleted = true;
      cycle->credentials[x] = e->credentials[x];
    } else if (kind == "X" && Unhex(a, &x)) {
      e->challenges.emplace_back(x, std::stoll(b));
      cycle->challenges.emplace_back(x, std::stoll(b));
    } else if (kind == "U" && Unhex(a, &x)) {
      e->users[b] = x;
      cycle->users[b] = x;
    } else {
      return false;
    }
    ++e->acks;
  }
  return true;
}

// Checks the store against `e`.
void Verify(int cycle, RocksCredentialStore* store, const Expected& e) {
  std::vector<ByteView> ids;
  std::vector<const Expected::Credential*> want;
  for (const auto& [id, cred] : e.credentials) {
    ids.push_back(id);
    want.push_back(&cred);
  }
  for (size_t start = 0; start < ids.size(); start += 512) {
    size_t n = std::min<size_t>(512, ids.size() - start);
    std::vector<std::optional<CredentialRecord>> got;
    Status s = store->MultiLookup(std::span<const ByteView>(ids.data() + start, n), &got);
    if (!s.ok()) {
      Finding(cycle, "lookup: " + s.ToString());
      return;
    }
    for (size_t i = 0; i < n; ++i) {
      const Expected::Credential& w = *want[start + i];
      const std::string id = Hex(ids[start + i]);
      if (w.deleted) {
        if (got[i]) Finding(cycle, "acknowledged deletion lost: " + id);
        continue;
      }
      if (!got[i]) {
        if (w.delete_announced) continue;  // killed between Delete and its ack
        Finding(cycle, "acknowledged registration lost: " + id);
        continue;
      }
      if (!Equal(got[i]->user_handle, w.user) ||
          got[i]->public_key_cose != KeyFor(ids[start + i])) {
        Finding(cycle, "registration stored wrong: " + id);
      }
      if (got[i]->sign_count < w.min_count) {
        Finding(cycle, "acknowledged counter update lost: " + id + " has " +
                           std::to_string(got[i]->sign_count) + ", acknowledged " +
                           std::to_string(w.min_count));
      }
    }
  }
  for (const auto& [name, handle] : e.users) {
    std::optional<UserRecord> u;
    Status s = store->LookupUserByName(name, &u);
    if (!s.ok() || !u || u->user_handle != handle)
      Finding(cycle, "acknowledged user lost: " + name);
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::vector<ChallengeUse> uses;
  for (const auto& [id, expiry] : e.challenges) uses.push_back({id, expiry});
  for (size_t start = 0; start < uses.size(); start += 512) {
    size_t n = std::min<size_t>(512, uses.size() - start);
    std::vector<ChallengeOutcome> out;
    Status s =
        store->ConsumeChallenges(std::span<const ChallengeUse>(uses.data() + start, n), now, &out);
    if (!s.ok()) {
      Finding(cycle, "consume: " + s.ToString());
      return;
    }
    for (size_t i = 0; i < n; ++i) {
      if (out[i] == ChallengeOutcome::kConsumed) {
        Finding(cycle, "consumed challenge replayable after the crash: " + Hex(uses[start + i].id));
      }
    }
  }
}

int Run(const Options& o) {
  std::mt19937_64 rng(o.seed);
  Expected all;
  Totals totals;
  StoreConfig config;
  config.path = o.dir + "/db";
  config.challenge_sweep_interval_ms = 0;
  const auto started = std::chrono::steady_clock::now();
  for (int cycle = 1; cycle <= o.cycles; ++cycle) {
    failures_this_cycle = 0;
    // One cycle in eight is killed within 20 ms: during open and recovery.
    int run_ms = (rng() % 8 == 0)
                     ? static_cast<int>(rng() % 20)
                     : 20 + static_cast<int>(rng() % static_cast<uint64_t>(o.max_kill_ms));
    bool exited_early = false;
    std::vector<std::string> lines = RunWriter(o, cycle, run_ms, &exited_early);
    if (exited_early) {
      ++totals.early_exits;
      Finding(cycle, "the writer ended by itself (a store error; see its message above)");
    }
    Expected this_cycle;
    if (!Apply(lines, &all, &this_cycle)) Finding(cycle, "unreadable acknowledgement");
    totals.acks += CountAcks(lines);

    auto store = RocksCredentialStore::Open(config);
    if (!store) {
      Finding(cycle, "reopen failed: " + store.error().ToString());
      totals.failures += failures_this_cycle;
      break;  // nothing more can be checked
    }
    IntegrityReport report;
    if (Status s = store.value()->CheckIntegrity(&report); !s.ok()) {
      Finding(cycle, "integrity: " + s.ToString());
    }
    Verify(cycle, store.value().get(), this_cycle);
    if (cycle % 25 == 0 || cycle == o.cycles) Verify(cycle, store.value().get(), all);
    totals.failures += failures_this_cycle;
    if (cycle % 20 == 0 || cycle == o.cycles) {
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::printf(
          "cycle %d/%d: %llu acknowledgements so far, %zu credentials, %llu failures, %.1f s\n",
          cycle, o.cycles, static_cast<unsigned long long>(totals.acks), all.credentials.size(),
          static_cast<unsigned long long>(totals.failures), s);
      std::fflush(stdout);
    }
  }
  std::printf("store_crash_test: %d cycles, seed %llu, %llu acknowledged writes, %llu failures\n",
              o.cycles, static_cast<unsigned long long>(o.seed),
              static_cast<unsigned long long>(totals.acks),
              static_cast<unsigned long long>(totals.failures));
  return totals.failures == 0 && totals.acks > 0 ? 0 : 1;
}

}  // namespace
}  // namespace keystorm::storage::crash

int main(int argc, char** argv) {
  using keystorm::storage::crash::Options;
  Options o;
  o.seed = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (flag == "--writer")
      o.writer = next();
    else if (flag == "--cycles")
      o.cycles = std::atoi(next().c_str());
    else if (flag == "--seed")
      o.seed = std::strtoull(next().c_str(), nullptr, 10);
    else if (flag == "--max-kill-ms")
      o.max_kill_ms = std::atoi(next().c_str());
    else if (flag == "--threads")
      o.threads = std::atoi(next().c_str());
    else if (flag == "--dir")
      o.dir = next();
    else if (flag == "--keep")
      o.keep = true;
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (o.writer.empty() || o.cycles < 1 || o.max_kill_ms < 1) {
    std::fprintf(
        stderr,
        "usage: store_crash_test --writer PATH [--cycles N] [--seed S] [--max-kill-ms MS]\n"
        "                        [--threads T] [--dir DIR] [--keep]\n");
    return 2;
  }
  bool made_dir = false;
  if (o.dir.empty()) {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/keystorm-crash-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) return 2;
    o.dir = pattern;
    made_dir = true;
  }
  std::printf("store_crash_test: dir %s, seed %llu\n", o.dir.c_str(),
              static_cast<unsigned long long>(o.seed));
  int rc = keystorm::storage::crash::Run(o);
  if (made_dir && !o.keep && rc == 0) {
    std::error_code ignored;
    std::filesystem::remove_all(o.dir, ignored);
  }
  return rc;
}
