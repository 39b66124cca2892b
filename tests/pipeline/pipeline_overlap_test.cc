// Batch k commits while batch k+1 is looked up and verified (pipeline.h,
// "Threading model").  The lookup of k+1 can therefore read a counter that
// k is about to raise; the commit, which compares with the stored counter
// under the store's lock, must still refuse the stale one.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <vector>

#include "keystorm/storage/rocks_store.h"
#include "keystorm/test/scratch_dir.h"
#include "pipeline_fixture.h"

namespace keystorm::test {
namespace {

// Holds the first CommitUpdates until a second MultiLookup has run (or a
// minute passes, which fails the test), so that the second batch's lookup happens before the first
// batch's commit.
class CommitAfterNextLookupStore final : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  // True if the first commit saw the second lookup before it went on.
  bool overlapped() const { return overlapped_.load(); }

  Status MultiLookup(std::span<const ByteView> ids,
                     std::vector<std::optional<CredentialRecord>>* out) override {
    Status st = ForwardingStore::MultiLookup(ids, out);
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++lookups_;
    }
    cv_.notify_all();
    return st;
  }
  Status CommitUpdates(std::span<const CounterUpdate> updates,
                       std::vector<CommitOutcome>* outcomes) override {
    if (commits_.fetch_add(1) == 0) {
      std::unique_lock<std::mutex> lock(mu_);
      overlapped_.store(
          cv_.wait_for(lock, std::chrono::seconds(60), [&] { return lookups_ >= 2; }));
    }
    return ForwardingStore::CommitUpdates(updates, outcomes);
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int lookups_ = 0;
  std::atomic<int> commits_{0};
  std::atomic<bool> overlapped_{false};
};

TEST(PipelineOverlap, StaleLookupInTheNextBatchIsRefusedAtItsCommit) {
  Verifier verifier{TestRelyingParty()};
  storage::MemoryCredentialStore inner;
  TestAuthenticator a(-7);
  StoreCredential(&inner, a, /*sign_count=*/1);
  CommitAfterNextLookupStore store(&inner);
  // One job per batch: the two assertions land in consecutive batches.
  Pipeline pipeline(&verifier, &store, PipelineOptions{.workers = 1, .max_batch = 1});
  auto first = pipeline.SubmitAssertion(MakeAssertionJob(a, 2));
  auto second = pipeline.SubmitAssertion(MakeAssertionJob(a, 2));  // a cloned key's counter
  AssertionOutcome o1 = first.get(), o2 = second.get();
  ASSERT_TRUE(store.overlapped()) << "the second lookup did not run before the first commit";
  EXPECT_EQ(o1.verdict, VerifyError::kOk) << VerifyErrorName(o1.verdict);
  EXPECT_EQ(o2.verdict, VerifyError::kSignCountRegression) << VerifyErrorName(o2.verdict);
  EXPECT_EQ(StoredSignCount(&inner, a.credential_id()), 2u);
  EXPECT_EQ(pipeline.stats().batches, 2u);
}

std::unique_ptr<storage::RocksCredentialStore> OpenRocks(const std::string& path) {
  storage::StoreConfig config;
  config.path = path;
  config.challenge_sweep_interval_ms = 0;
  config.block_cache_bytes = 8 << 20;
  config.write_buffer_bytes = 4 << 20;
  auto store = storage::RocksCredentialStore::Open(config);
  EXPECT_TRUE(store.has_value()) << store.error().ToString();
  return store.has_value() ? std::move(store.value()) : nullptr;
}

// One credential (counter 1) in a fresh RocksDB store.
class RocksOverlapTest : public testing::Test {
 protected:
  void SetUp() override {
    inner_ = OpenRocks(dir_.Sub("db"));
    ASSERT_TRUE(inner_);
    StoreCredential(inner_.get(), a_, /*sign_count=*/1);
  }
  Verifier verifier_{TestRelyingParty()};
  ScratchDir dir_;
  std::unique_ptr<storage::RocksCredentialStore> inner_;
  TestAuthenticator a_{-7};
};

// The same race over RocksDB, whose commit applies an update to the
// looked-up record when nothing wrote the credential since the lookup
// (CounterUpdate::looked_up): here the first batch's commit did, so the
// second is read again and refused.
TEST_F(RocksOverlapTest, StaleLookupIsReadAgainByTheRocksDbCommit) {
  CommitAfterNextLookupStore store(inner_.get());
  Pipeline pipeline(&verifier_, &store, PipelineOptions{.workers = 1, .max_batch = 1});
  auto first = pipeline.SubmitAssertion(MakeAssertionJob(a_, 2));
  auto second = pipeline.SubmitAssertion(MakeAssertionJob(a_, 2));
  AssertionOutcome o1 = first.get(), o2 = second.get();
  ASSERT_TRUE(store.overlapped()) << "the second lookup did not run before the first commit";
  EXPECT_EQ(o1.verdict, VerifyError::kOk) << VerifyErrorName(o1.verdict);
  EXPECT_EQ(o2.verdict, VerifyError::kSignCountRegression) << VerifyErrorName(o2.verdict);
  EXPECT_EQ(StoredSignCount(inner_.get(), a_.credential_id()), 2u);
  EXPECT_EQ(inner_->commit_rereads(), 1u) << "only the stale lookup is read again";
}

// A storm: every credential used once, long after its last write.  The
// commits read nothing again, whether they write (a security key's
// counter) or not (a synced passkey's 0).
TEST(PipelineOverlap, CredentialsUnwrittenSinceTheirLookupAreNotReadAgain) {
  Verifier verifier{TestRelyingParty()};
  ScratchDir dir;
  auto store = OpenRocks(dir.Sub("db"));
  ASSERT_TRUE(store);
  std::vector<std::unique_ptr<TestAuthenticator>> keys;
  for (int i = 0; i < 8; ++i) {
    keys.push_back(std::make_unique<TestAuthenticator>(-7, /*slot=*/i));
    StoreCredential(store.get(), *keys.back(), /*sign_count=*/i % 2 == 0 ? 0 : 5);
  }
  Pipeline pipeline(&verifier, store.get(), PipelineOptions{.workers = 2, .max_batch = 3});
  std::vector<std::future<AssertionOutcome>> outcomes;
  for (int i = 0; i < 8; ++i) {
    outcomes.push_back(pipeline.SubmitAssertion(MakeAssertionJob(*keys[i], i % 2 == 0 ? 0 : 6)));
  }
  for (int i = 0; i < 8; ++i) {
    AssertionOutcome out = outcomes[i].get();
    EXPECT_EQ(out.verdict, VerifyError::kOk) << i << " " << VerifyErrorName(out.verdict);
    EXPECT_EQ(StoredSignCount(store.get(), keys[i]->credential_id()), i % 2 == 0 ? 0u : 6u);
  }
  EXPECT_EQ(store->commit_rereads(), 0u);
}

// A commit of the same credential lands just after the pipeline's lookup
// has read it: the lookup saw the old counter, and the epoch it was taken
// at must be older than that commit, which it is only if the pipeline
// reads the epoch before the lookup.  Read after it, the commit would seem
// to have come before the lookup and the stale record would be trusted.
class CommitRightAfterLookupStore final : public ForwardingStore {
 public:
  CommitRightAfterLookupStore(CredentialStore* inner, Bytes id, uint32_t count)
      : ForwardingStore(inner), id_(std::move(id)), count_(count) {}
  Status MultiLookup(std::span<const ByteView> ids,
                     std::vector<std::optional<CredentialRecord>>* out) override {
    Status st = ForwardingStore::MultiLookup(ids, out);
    if (!done_.exchange(true)) {
      CounterUpdate u;
      u.credential_id = id_;
      u.sign_count = count_;
      std::vector<CommitOutcome> outcomes;
      committed_ = ForwardingStore::CommitUpdates(std::span<const CounterUpdate>(&u, 1), &outcomes)
                       .ok() &&
                   outcomes[0] == CommitOutcome::kApplied;
    }
    return st;
  }
  bool committed() const { return committed_; }

 private:
  Bytes id_;
  uint32_t count_;
  std::atomic<bool> done_{false};
  bool committed_ = false;
};

TEST_F(RocksOverlapTest, ACommitBetweenTheLookupAndItsCommitIsNotOverlooked) {
  CommitRightAfterLookupStore store(inner_.get(), a_.credential_id(), 2);
  Pipeline pipeline(&verifier_, &store, PipelineOptions{.workers = 1, .max_batch = 1});
  // The lookup reads 1; counter 2 is committed meanwhile; this login's 2 is
  // then a repeat (a cloned key) and must be refused.
  AssertionOutcome out = pipeline.SubmitAssertion(MakeAssertionJob(a_, 2)).get();
  ASSERT_TRUE(store.committed());
  EXPECT_EQ(out.verdict, VerifyError::kSignCountRegression) << VerifyErrorName(out.verdict);
  EXPECT_EQ(StoredSignCount(inner_.get(), a_.credential_id()), 2u);
}

}  // namespace
}  // namespace keystorm::test
