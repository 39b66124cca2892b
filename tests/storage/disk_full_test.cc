// Matrix STO-05, disk full: writes fail closed (an error, never an
// acknowledgement, and nothing of them after a restart), reads keep working,
// and writes resume once there is room again.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "fault_injection_fs.h"
#include "keystorm/storage/rocks_store.h"
#include "store_test_util.h"

namespace keystorm::storage::testing {
namespace {

constexpr int64_t kNow = 1'800'000'000'000;

TEST(RocksStoreDiskFull, WritesFailClosedAndReadsStillWork) {
  ScratchDir dir;
  auto fs = std::make_shared<NoSpaceFileSystem>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = EnvFor(fs);
  std::unique_ptr<RocksCredentialStore> store = OpenStoreOver(env.get(), dir.Sub("db"));
  ASSERT_NE(store, nullptr);

  UserInsertOutcome user_outcome{};
  ASSERT_TRUE(store->InsertUserIfAbsent(MakeUser("h", "alice"), &user_outcome).ok());
  for (int i = 0; i < 20; ++i) {
    bool inserted = false;
    ASSERT_TRUE(
        store->InsertCredentialIfAbsent(MakeCredential("c" + std::to_string(i), "h", 5), &inserted)
            .ok());
  }

  fs->SetFull(true);
  bool inserted = true;
  Status s = store->InsertCredentialIfAbsent(MakeCredential("refused", "h"), &inserted);
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(inserted);
  EXPECT_EQ(s.code(), Status::Code::kIOError) << s.ToString();
  CounterUpdate u;
  u.credential_id = B("c0");
  u.sign_count = 6;
  std::vector<CommitOutcome> outcomes;
  const uint64_t epoch_before_failed_commit = store->CredentialWriteEpoch();
  EXPECT_FALSE(store->CommitUpdates(std::span<const CounterUpdate>(&u, 1), &outcomes).ok());
  // A failed write is noted as a write (what it left is not known), so a
  // commit hint from before it is not trusted afterwards.
  EXPECT_GT(store->CredentialWriteEpoch(), epoch_before_failed_commit);
  Bytes challenge = B("refused-challenge");
  ChallengeUse use{challenge, kNow + 1000};
  std::vector<ChallengeOutcome> consumed;
  EXPECT_FALSE(
      store->ConsumeChallenges(std::span<const ChallengeUse>(&use, 1), kNow, &consumed).ok());
  EXPECT_FALSE(store->InsertUserIfAbsent(MakeUser("h2", "bob"), &user_outcome).ok());
  size_t removed = 0;
  EXPECT_FALSE(store->ResetUser(B("h"), &removed).ok());
  EXPECT_GT(fs->refusals(), 0);

  // Reads are served from what is stored.
  std::vector<ByteView> ids = {u.credential_id};
  std::vector<std::optional<CredentialRecord>> out;
  ASSERT_TRUE(store->MultiLookup(ids, &out).ok());
  ASSERT_TRUE(out[0].has_value());
  EXPECT_EQ(out[0]->sign_count, 5u);
  std::vector<CredentialRecord> list;
  ASSERT_TRUE(store->ListForUser(B("h"), &list).ok());
  EXPECT_EQ(list.size(), 20u);
  std::optional<UserRecord> user;
  ASSERT_TRUE(store->LookupUserByName("alice", &user).ok());
  EXPECT_TRUE(user.has_value());

  // Room again.  Writes come back after Resume() (Unavailable while
  // RocksDB's own recovery, which polls for free space, is running), or, if
  // RocksDB judged the error fatal (a MANIFEST write failed meanwhile), after
  // a reopen.  Either way nothing was acknowledged while the disk was full.
  fs->SetFull(false);
  Status resumed = store->Resume();
  for (int i = 0; i < 40 && resumed.code() == Status::Code::kUnavailable; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    resumed = store->Resume();
  }
  if (!resumed.ok()) {
    store.reset();
    store = OpenStoreOver(env.get(), dir.Sub("db"));
    ASSERT_NE(store, nullptr);
  }
  ASSERT_TRUE(store->InsertCredentialIfAbsent(MakeCredential("after", "h"), &inserted).ok());
  EXPECT_TRUE(inserted);

  // And after a restart nothing refused is there; everything acknowledged is.
  store.reset();
  store = OpenStoreOver(env.get(), dir.Sub("db"));
  ASSERT_NE(store, nullptr);
  ids = {B("refused")};
  std::vector<Bytes> keep = {B("refused"), B("c0"), B("after")};
  std::vector<ByteView> views(keep.begin(), keep.end());
  ASSERT_TRUE(store->MultiLookup(views, &out).ok());
  EXPECT_FALSE(out[0].has_value());
  ASSERT_TRUE(out[1].has_value());
  EXPECT_EQ(out[1]->sign_count, 5u);
  EXPECT_TRUE(out[2].has_value());
  ASSERT_TRUE(
      store->ConsumeChallenges(std::span<const ChallengeUse>(&use, 1), kNow, &consumed).ok());
  EXPECT_EQ(consumed[0], ChallengeOutcome::kConsumed)
      << "the refused consumption was never recorded";
  IntegrityReport report;
  EXPECT_TRUE(store->CheckIntegrity(&report).ok());
}

}  // namespace
}  // namespace keystorm::storage::testing
