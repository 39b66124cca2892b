// Logins per second through keystorm::RelyingParty (the embedding API), with
// the in-memory store (or, with --db, the RocksDB store with synced WAL):
// FinishAuthentication (submit and wait, per thread)
// against SubmitAuthentication (asynchronous, batched by the pipeline).
// Responses are signed before the clock starts (SyntheticAuthenticator), so
// the figure is the relying party's cost: parse, redeem the sealed
// challenge, verify, commit.
//
// Usage: rp_login_bench [--users N] [--logins-per-user M] [--threads T] [--db EMPTY_DIR]
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "keystorm/corpus/synthetic_authenticator.h"
#include "keystorm/relying_party.h"
#include "keystorm/storage/memory_store.h"
#include "keystorm/storage/rocks_store.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  int users = 500;
  int logins_per_user = 4;
  int threads = 4;
  std::string db;  // empty: the in-memory store
};

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    int v = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--users")) a.users = v;
    if (!std::strcmp(argv[i], "--logins-per-user")) a.logins_per_user = v;
    if (!std::strcmp(argv[i], "--threads")) a.threads = v;
    if (!std::strcmp(argv[i], "--db")) a.db = argv[i + 1];
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace keystorm;
  const Args args = Parse(argc, argv);
  corpus::CeremonyContext ctx;
  storage::MemoryCredentialStore memory;
  std::unique_ptr<storage::RocksCredentialStore> rocks;
  CredentialStore* store_ptr = &memory;
  if (!args.db.empty()) {
    storage::StoreConfig config;  // production durability: synced WAL
    config.path = args.db;
    auto opened = storage::RocksCredentialStore::Open(config);
    if (!opened) {
      std::cerr << opened.error().ToString() << "\n";
      return 1;
    }
    rocks = std::move(opened.value());
    store_ptr = rocks.get();
  }
  CredentialStore& store = *store_ptr;
  RelyingPartyOptions options;
  options.rp_id = ctx.rp_id;
  options.origins = {ctx.origin};
  auto created = RelyingParty::Create(options, store_ptr, nullptr);
  if (!created) {
    std::cerr << created.error().ToString() << "\n";
    return 1;
  }
  RelyingParty& rp = *created.value();

  // Register every user through the API.  The synthetic authenticator signs
  // with its own user handle, so the account is made with that handle.
  std::vector<std::unique_ptr<corpus::SyntheticAuthenticator>> authenticators;
  for (int u = 0; u < args.users; ++u) {
    auto a = corpus::SyntheticAuthenticator::Create(-7, 1000 + u, /*deterministic_key=*/true);
    std::string name = "user" + std::to_string(u);
    UserRecord account{a->user_handle(), name, name, 0, false, std::nullopt};
    UserInsertOutcome outcome;
    if (!store.InsertUserIfAbsent(account, &outcome).ok()) return 1;
    RegistrationStart start = rp.StartRegistration(name);
    if (!rp.FinishRegistration(name, a->RegistrationJson(ctx, start.challenge)).ok()) {
      std::cerr << "registration failed for " << name << "\n";
      return 1;
    }
    authenticators.push_back(std::move(a));
  }

  // Two rounds of signed logins, one per mode; counters rise per user.
  auto make_round = [&](uint32_t round) {
    std::vector<std::string> logins;
    for (int i = 0; i < args.logins_per_user; ++i) {
      for (int u = 0; u < args.users; ++u) {
        AuthenticationStart start = rp.StartAuthentication("user" + std::to_string(u));
        logins.push_back(authenticators[u]->AssertionJson(
            ctx, start.challenge, round * 1000 + static_cast<uint32_t>(i) + 1));
      }
    }
    return logins;
  };
  const std::vector<std::string> sync_logins = make_round(1);
  const std::vector<std::string> async_logins = make_round(2);
  const size_t n = sync_logins.size();

  std::atomic<size_t> ok{0};
  auto start = Clock::now();
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < args.threads; ++t) {
      threads.emplace_back([&, t] {
        for (size_t i = t; i < n; i += args.threads) {
          if (rp.FinishAuthentication(sync_logins[i]).ok()) ++ok;
        }
      });
    }
    for (std::thread& th : threads) th.join();
  }
  double sync_s = std::chrono::duration<double>(Clock::now() - start).count();
  size_t sync_ok = ok.exchange(0);

  std::latch done(static_cast<std::ptrdiff_t>(n));
  std::atomic<size_t> refused{0};
  start = Clock::now();
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < args.threads; ++t) {
      threads.emplace_back([&, t] {
        for (size_t i = t; i < n; i += args.threads) {
          Status s = rp.SubmitAuthentication(async_logins[i], [&](AuthenticationResult&& r) {
            if (r.ok()) ++ok;
            done.count_down();
          });
          if (!s.ok()) {
            ++refused;
            done.count_down();
          }
        }
      });
    }
    for (std::thread& th : threads) th.join();
    done.wait();
  }
  double async_s = std::chrono::duration<double>(Clock::now() - start).count();

  std::cout << (args.db.empty() ? "memory store" : "RocksDB store, synced WAL") << ", users "
            << args.users << ", logins per mode " << n << ", submitting threads "
            << args.threads << ", hardware threads " << std::thread::hardware_concurrency()
            << "\n";
  std::cout << "FinishAuthentication (sync):  " << static_cast<long>(n / sync_s) << " logins/s, "
            << sync_ok << " ok\n";
  std::cout << "SubmitAuthentication (async): " << static_cast<long>(n / async_s)
            << " logins/s, " << ok.load() << " ok, " << refused.load() << " refused\n";
  return sync_ok == n && ok.load() == n ? 0 : 1;
}
