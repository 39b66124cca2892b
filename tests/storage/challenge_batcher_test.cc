// ChallengeBatcher: group commit of the single-use ledger keeps every
// verdict RedeemChallenge gives, and a challenge is spent exactly once
// however many requests race for it.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "fault_injection_fs.h"
#include "keystorm/storage/challenge_batcher.h"
#include "keystorm/storage/challenge_sealer.h"
#include "keystorm/storage/memory_store.h"
#include "keystorm/storage/rocks_store.h"
#include "keystorm/test/thread_names.h"
#include "store_test_util.h"

namespace keystorm::storage::testing {
namespace {

constexpr int64_t kT0 = 1'800'000'000'000;  // unix ms
constexpr int64_t kTtl = 300'000;

ChallengeSealer MakeSealer() {
  ChallengeKey key;
  key.id = 1;
  key.secret.fill(0x5a);
  auto sealer = ChallengeSealer::Create({key}, kTtl);
  EXPECT_TRUE(sealer.has_value());
  return std::move(sealer.value());
}

struct Answer {
  Status status;
  ChallengeCheck check;
};

Answer RedeemAndWait(ChallengeBatcher* batcher, const ChallengeSealer& sealer, const Bytes& c,
                     CeremonyKind kind, const Bytes& user, int64_t now) {
  std::promise<Answer> promise;
  batcher->Redeem(sealer, c, kind, user, now, [&promise](Status s, ChallengeCheck check) {
    promise.set_value(Answer{std::move(s), check});
  });
  return promise.get_future().get();
}

// A store whose ledger fails, to see the failure reach every request.
class FailingLedgerStore : public CredentialStore {
 public:
  Status MultiLookup(std::span<const ByteView>,
                     std::vector<std::optional<CredentialRecord>>*) override {
    return Unsupported("MultiLookup");
  }
  Status CommitUpdates(std::span<const CounterUpdate>, std::vector<CommitOutcome>*) override {
    return Unsupported("CommitUpdates");
  }
  Status InsertCredentialIfAbsent(const CredentialRecord&, bool*) override {
    return Unsupported("InsertCredentialIfAbsent");
  }
  Status ListForUser(ByteView, std::vector<CredentialRecord>*) override {
    return Unsupported("ListForUser");
  }
  Status Delete(ByteView) override { return Unsupported("Delete"); }
  Status ConsumeChallenges(std::span<const ChallengeUse>, int64_t,
                           std::vector<ChallengeOutcome>*) override {
    return Status::IOError("disk gone");
  }
};

TEST(ChallengeBatcher, FirstUseIsOkSecondIsAlreadyUsed) {
  ChallengeSealer sealer = MakeSealer();
  MemoryCredentialStore store;
  ChallengeBatcher batcher(&store);
  const Bytes user = B("alice");
  Bytes c = sealer.Issue(CeremonyKind::kAuthentication, user, kT0).value();
  Answer first = RedeemAndWait(&batcher, sealer, c, CeremonyKind::kAuthentication, user, kT0 + 1);
  ASSERT_TRUE(first.status.ok());
  EXPECT_EQ(first.check, ChallengeCheck::kOk);
  Answer second = RedeemAndWait(&batcher, sealer, c, CeremonyKind::kAuthentication, user, kT0 + 2);
  ASSERT_TRUE(second.status.ok());
  EXPECT_EQ(second.check, ChallengeCheck::kAlreadyUsed);
}

// Its writer thread is "ks-ledger" in top -H (keystorm/thread_name.h).
TEST(ChallengeBatcher, TheWriterThreadIsNamed) {
  MemoryCredentialStore store;
  ChallengeBatcher batcher(&store);
  EXPECT_TRUE(keystorm::test::ThreadNamedAppears("ks-ledger"));
}

// kEachGroup: the continuation runs on a synced spend.  kDeferToCaller: the
// spend is refused at once but left in the WAL unsynced until the caller's
// SyncWrites (challenge_batcher.h).  Watched in the RocksDB store's WAL.
TEST(ChallengeBatcher, LedgerSyncDecidesWhetherTheGroupIsSyncedBeforeItsContinuations) {
  for (auto mode : {ChallengeBatcher::LedgerSync::kEachGroup,
                    ChallengeBatcher::LedgerSync::kDeferToCaller}) {
    const bool deferred = mode == ChallengeBatcher::LedgerSync::kDeferToCaller;
    SCOPED_TRACE(deferred ? "kDeferToCaller" : "kEachGroup");
    ScratchDir dir;
    auto fs = std::make_shared<WalSyncCountingFileSystem>(rocksdb::FileSystem::Default());
    std::unique_ptr<rocksdb::Env> env = EnvFor(fs);
    std::unique_ptr<RocksCredentialStore> store = OpenStoreOver(env.get(), dir.Sub("db"));
    ASSERT_NE(store, nullptr);
    ChallengeSealer sealer = MakeSealer();
    ChallengeBatcher batcher(store.get(), 512, mode);
    const Bytes user = B("alice");
    Bytes c = sealer.Issue(CeremonyKind::kAuthentication, user, kT0).value();

    std::promise<uint64_t> unsynced_in_continuation;
    batcher.Redeem(sealer, c, CeremonyKind::kAuthentication, user, kT0 + 1,
                   [&](Status s, ChallengeCheck check) {
                     EXPECT_TRUE(s.ok()) << s.ToString();
                     EXPECT_EQ(check, ChallengeCheck::kOk);
                     unsynced_in_continuation.set_value(fs->unsynced_wal_bytes());
                   });
    const uint64_t unsynced = unsynced_in_continuation.get_future().get();
    EXPECT_EQ(unsynced > 0, deferred);
    Answer again =
        RedeemAndWait(&batcher, sealer, c, CeremonyKind::kAuthentication, user, kT0 + 2);
    EXPECT_EQ(again.check, ChallengeCheck::kAlreadyUsed);
    ASSERT_TRUE(store->SyncWrites().ok());
    EXPECT_EQ(fs->unsynced_wal_bytes(), 0u);
  }
}

TEST(ChallengeBatcher, ChallengesThatDoNotOpenAnswerAtOnceAndSpendNothing) {
  ChallengeSealer sealer = MakeSealer();
  MemoryCredentialStore store;
  ChallengeBatcher batcher(&store);
  const Bytes user = B("alice");
  Bytes c = sealer.Issue(CeremonyKind::kAuthentication, user, kT0).value();
  EXPECT_EQ(RedeemAndWait(&batcher, sealer, c, CeremonyKind::kRegistration, user, kT0).check,
            ChallengeCheck::kWrongCeremony);
  EXPECT_EQ(RedeemAndWait(&batcher, sealer, c, CeremonyKind::kAuthentication, B("bob"), kT0).check,
            ChallengeCheck::kWrongUser);
  EXPECT_EQ(
      RedeemAndWait(&batcher, sealer, c, CeremonyKind::kAuthentication, user, kT0 + kTtl).check,
      ChallengeCheck::kExpired);
  Bytes forged = c;
  forged[40] ^= 1;
  EXPECT_EQ(RedeemAndWait(&batcher, sealer, forged, CeremonyKind::kAuthentication, user, kT0).check,
            ChallengeCheck::kBadTag);
  EXPECT_EQ(batcher.groups_written(), 0u);
  // None of the refusals spent it.
  EXPECT_EQ(RedeemAndWait(&batcher, sealer, c, CeremonyKind::kAuthentication, user, kT0).check,
            ChallengeCheck::kOk);
}

TEST(ChallengeBatcher, RacingRequestsSpendAChallengeExactlyOnce) {
  ChallengeSealer sealer = MakeSealer();
  MemoryCredentialStore store;
  ChallengeBatcher batcher(&store, /*max_group=*/8);
  constexpr int kChallenges = 50, kRacers = 6;
  std::vector<Bytes> challenges;
  for (int i = 0; i < kChallenges; ++i) {
    challenges.push_back(sealer.Issue(CeremonyKind::kAuthentication, {}, kT0).value());
  }
  std::vector<std::atomic<int>> ok(kChallenges);
  std::atomic<int> answered{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kRacers; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kChallenges; ++i) {
        batcher.Redeem(sealer, challenges[i], CeremonyKind::kAuthentication, {}, kT0 + 1,
                       [&, i](Status s, ChallengeCheck check) {
                         if (!s.ok()) failures.fetch_add(1);
                         if (check == ChallengeCheck::kOk) ok[i].fetch_add(1);
                         answered.fetch_add(1);
                       });
      }
    });
  }
  for (std::thread& t : threads) t.join();
  while (answered.load() < kChallenges * kRacers) std::this_thread::yield();
  EXPECT_EQ(failures.load(), 0);
  for (int i = 0; i < kChallenges; ++i) EXPECT_EQ(ok[i].load(), 1) << "challenge " << i;
  // Groups formed: fewer writes than redemptions that reached the ledger.
  EXPECT_LT(batcher.groups_written(), static_cast<uint64_t>(kChallenges * kRacers));
}

TEST(ChallengeBatcher, AStoreFailureRefusesTheRequest) {
  ChallengeSealer sealer = MakeSealer();
  FailingLedgerStore store;
  ChallengeBatcher batcher(&store);
  Bytes c = sealer.Issue(CeremonyKind::kAuthentication, {}, kT0).value();
  Answer answer = RedeemAndWait(&batcher, sealer, c, CeremonyKind::kAuthentication, {}, kT0);
  EXPECT_FALSE(answer.status.ok());
  EXPECT_NE(answer.check, ChallengeCheck::kOk);
}

TEST(ChallengeBatcher, DestructionAnswersEverythingQueued) {
  ChallengeSealer sealer = MakeSealer();
  MemoryCredentialStore store;
  std::atomic<int> answered{0};
  constexpr int kRequests = 200;
  {
    ChallengeBatcher batcher(&store, /*max_group=*/4);
    for (int i = 0; i < kRequests; ++i) {
      Bytes c = sealer.Issue(CeremonyKind::kAuthentication, {}, kT0).value();
      batcher.Redeem(sealer, c, CeremonyKind::kAuthentication, {}, kT0,
                     [&](Status, ChallengeCheck) { answered.fetch_add(1); });
    }
  }
  EXPECT_EQ(answered.load(), kRequests);
}

}  // namespace
}  // namespace keystorm::storage::testing
