// Batch k commits while batch k+1 is looked up and verified (pipeline.h,
// "Threading model").  The lookup of k+1 can therefore read a counter that
// k is about to raise; the commit, which compares with the stored counter
// under the store's lock, must still refuse the stale one.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

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

}  // namespace
}  // namespace keystorm::test
