// pipeline.h, "Durability": what a submitter wrote before Submit (a challenge
// spent with ConsumeChallengesUnsynced) is durable before the job's callback
// runs, whatever the verdict, because the committer calls SyncWritesUpTo
// the batch's write mark before it completes a batch; and a failed sync answers every job of the batch
// with the failure instead of a verdict someone could act on.
#include <gtest/gtest.h>

#include <atomic>

#include "pipeline_fixture.h"

namespace keystorm::test {
namespace {

// Counts the pipeline's syncs (SyncWritesUpTo); fails them when told to.
class SyncCountingStore final : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  int syncs() const { return syncs_.load(); }
  void FailSyncs() { fail_.store(true); }

  Status SyncWritesUpTo(uint64_t mark) override {
    syncs_.fetch_add(1);
    if (fail_.load()) return Status::IOError("injected: fsync failed");
    return ForwardingStore::SyncWritesUpTo(mark);
  }

 private:
  std::atomic<int> syncs_{0};
  std::atomic<bool> fail_{false};
};

TEST(PipelineDurability, EveryVerdictIsAnsweredAfterASync) {
  Verifier verifier{TestRelyingParty()};
  storage::MemoryCredentialStore inner;
  TestAuthenticator a(-7);
  StoreCredential(&inner, a, /*sign_count=*/1);
  SyncCountingStore store(&inner);
  Pipeline pipeline(&verifier, &store, PipelineOptions{.workers = 1, .max_batch = 1});

  // A refused job (its counter does not advance) commits nothing, so only
  // the explicit sync can cover it.
  std::atomic<int> syncs_seen_by_refusal{-1}, syncs_seen_by_success{-1};
  std::promise<void> refused_done, accepted_done;
  ASSERT_TRUE(pipeline
                  .SubmitAssertion(MakeAssertionJob(a, 1),
                                   [&](AssertionOutcome&& out) {
                                     EXPECT_EQ(out.verdict, VerifyError::kSignCountRegression) << VerifyErrorName(out.verdict);
                                     syncs_seen_by_refusal.store(store.syncs());
                                     refused_done.set_value();
                                   })
                  .ok());
  refused_done.get_future().wait();
  EXPECT_GE(syncs_seen_by_refusal.load(), 1);

  const int before = store.syncs();
  ASSERT_TRUE(pipeline
                  .SubmitAssertion(MakeAssertionJob(a, 2),
                                   [&](AssertionOutcome&& out) {
                                     EXPECT_EQ(out.verdict, VerifyError::kOk);
                                     syncs_seen_by_success.store(store.syncs());
                                     accepted_done.set_value();
                                   })
                  .ok());
  accepted_done.get_future().wait();
  EXPECT_GT(syncs_seen_by_success.load(), before);
}

TEST(PipelineDurability, AFailedSyncFailsTheJobsOfItsBatch) {
  Verifier verifier{TestRelyingParty()};
  storage::MemoryCredentialStore inner;
  TestAuthenticator a(-7);
  StoreCredential(&inner, a, /*sign_count=*/1);
  SyncCountingStore store(&inner);
  store.FailSyncs();
  Pipeline pipeline(&verifier, &store, PipelineOptions{.workers = 1});
  AssertionOutcome out = pipeline.SubmitAssertion(MakeAssertionJob(a, 2)).get();
  EXPECT_FALSE(out.status.ok());
  EXPECT_EQ(out.status.code(), Status::Code::kIOError) << out.status.ToString();
}

}  // namespace
}  // namespace keystorm::test
