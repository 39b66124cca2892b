// ConsumeChallengesUnsynced and SyncWrites in the RocksDB store: the spend is
// refused at once, it sits in the WAL unsynced (what a power cut would lose)
// until a sync covers it, and SyncWrites syncs only when something is left
// uncovered.  The WAL is watched through a counting file system, so these
// tests see the fsyncs themselves, not only the answers.
#include <gtest/gtest.h>

#include <span>

#include "fault_injection_fs.h"
#include "keystorm/storage/rocks_store.h"
#include "store_test_util.h"

namespace keystorm::storage::testing {
namespace {

constexpr int64_t kNow = 1'800'000'000'000;

class UnsyncedConsumeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs_ = std::make_shared<WalSyncCountingFileSystem>(rocksdb::FileSystem::Default());
    env_ = EnvFor(fs_);
    store_ = OpenStoreOver(env_.get(), dir_.Sub("db"));
    ASSERT_NE(store_, nullptr);
    UserInsertOutcome outcome{};
    ASSERT_TRUE(store_->InsertUserIfAbsent(MakeUser("h", "alice"), &outcome).ok());
    bool inserted = false;
    ASSERT_TRUE(store_->InsertCredentialIfAbsent(MakeCredential("c", "h", 1), &inserted).ok());
    ASSERT_EQ(fs_->unsynced_wal_bytes(), 0u) << "synced writes leave nothing unsynced";
  }

  ChallengeOutcome Consume(std::string_view id, bool synced) {
    Bytes challenge = B(id);
    ChallengeUse use{challenge, kNow + 60'000};
    std::vector<ChallengeOutcome> outcomes;
    std::span<const ChallengeUse> uses(&use, 1);
    Status s = synced ? store_->ConsumeChallenges(uses, kNow, &outcomes)
                      : store_->ConsumeChallengesUnsynced(uses, kNow, &outcomes);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return outcomes.empty() ? ChallengeOutcome::kExpired : outcomes[0];
  }

  // Raises credential "c"'s counter: a synced write.
  Status CommitCounter(uint32_t sign_count) {
    CounterUpdate u;
    Bytes id = B("c");
    u.credential_id = id;
    u.sign_count = sign_count;
    std::vector<CommitOutcome> outcomes;
    return store_->CommitUpdates(std::span<const CounterUpdate>(&u, 1), &outcomes);
  }

  ScratchDir dir_;
  std::shared_ptr<WalSyncCountingFileSystem> fs_;
  std::unique_ptr<rocksdb::Env> env_;
  std::unique_ptr<RocksCredentialStore> store_;
};

TEST_F(UnsyncedConsumeTest, SpendIsRefusedAtOnceAndUnsyncedUntilSyncWrites) {
  const int syncs_before = fs_->wal_syncs();
  EXPECT_EQ(Consume("ch-1", /*synced=*/false), ChallengeOutcome::kConsumed);
  EXPECT_GT(fs_->unsynced_wal_bytes(), 0u);
  EXPECT_EQ(fs_->wal_syncs(), syncs_before);
  // Single use among live callers does not wait for the sync.
  EXPECT_EQ(Consume("ch-1", /*synced=*/false), ChallengeOutcome::kAlreadyUsed);
  EXPECT_EQ(Consume("ch-1", /*synced=*/true), ChallengeOutcome::kAlreadyUsed);

  ASSERT_TRUE(store_->SyncWrites().ok());
  EXPECT_EQ(fs_->unsynced_wal_bytes(), 0u);
  EXPECT_GT(fs_->wal_syncs(), syncs_before);
}

TEST_F(UnsyncedConsumeTest, SyncedConsumeLeavesNothingUnsynced) {
  EXPECT_EQ(Consume("ch-2", /*synced=*/true), ChallengeOutcome::kConsumed);
  EXPECT_EQ(fs_->unsynced_wal_bytes(), 0u);
}

TEST_F(UnsyncedConsumeTest, SyncedCommitCoversEarlierSpendsAndSyncWritesThenSkipsTheFsync) {
  EXPECT_EQ(Consume("ch-3", /*synced=*/false), ChallengeOutcome::kConsumed);
  EXPECT_EQ(Consume("ch-4", /*synced=*/false), ChallengeOutcome::kConsumed);
  ASSERT_GT(fs_->unsynced_wal_bytes(), 0u);

  ASSERT_TRUE(CommitCounter(2).ok());  // a synced write
  EXPECT_EQ(fs_->unsynced_wal_bytes(), 0u) << "a synced write syncs what the WAL holds before it";

  const int syncs = fs_->wal_syncs();
  ASSERT_TRUE(store_->SyncWrites().ok());
  EXPECT_EQ(fs_->wal_syncs(), syncs) << "nothing left uncovered: no fsync";
}

TEST_F(UnsyncedConsumeTest, SyncWritesWithNothingPendingDoesNotSync) {
  const int syncs = fs_->wal_syncs();
  ASSERT_TRUE(store_->SyncWrites().ok());
  ASSERT_TRUE(store_->SyncWrites().ok());
  EXPECT_EQ(fs_->wal_syncs(), syncs);
}

// The pipeline's case: a mark taken when a batch formed, then the batch's
// synced commit, while later requests' spends keep arriving unsynced.  The
// sync up to the mark must then cost nothing; a sync of everything must not.
TEST_F(UnsyncedConsumeTest, SyncUpToAMarkThatASyncedWriteCoveredSkipsTheFsync) {
  EXPECT_EQ(Consume("ch-5", /*synced=*/false), ChallengeOutcome::kConsumed);
  const uint64_t mark = store_->WriteMark();
  ASSERT_TRUE(CommitCounter(3).ok());  // the batch's synced commit
  EXPECT_EQ(Consume("ch-6", /*synced=*/false), ChallengeOutcome::kConsumed);  // after the mark
  ASSERT_GT(fs_->unsynced_wal_bytes(), 0u);

  const int syncs = fs_->wal_syncs();
  ASSERT_TRUE(store_->SyncWritesUpTo(mark).ok());
  EXPECT_EQ(fs_->wal_syncs(), syncs) << "the commit covered everything up to the mark";
  EXPECT_GT(fs_->unsynced_wal_bytes(), 0u) << "the later spend is not the mark's";

  ASSERT_TRUE(store_->SyncWritesUpTo(store_->WriteMark()).ok());
  EXPECT_GT(fs_->wal_syncs(), syncs);
  EXPECT_EQ(fs_->unsynced_wal_bytes(), 0u);
}

TEST_F(UnsyncedConsumeTest, SyncUpToAnUncoveredMarkSyncs) {
  EXPECT_EQ(Consume("ch-7", /*synced=*/false), ChallengeOutcome::kConsumed);
  const uint64_t mark = store_->WriteMark();
  const int syncs = fs_->wal_syncs();
  ASSERT_TRUE(store_->SyncWritesUpTo(mark).ok());
  EXPECT_GT(fs_->wal_syncs(), syncs);
  EXPECT_EQ(fs_->unsynced_wal_bytes(), 0u);
}

}  // namespace
}  // namespace keystorm::storage::testing
