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

// Submits `job` and returns store.syncs() as its callback saw it, after
// checking the verdict.
int SyncsSeenByTheCallback(Pipeline* pipeline, const SyncCountingStore& store, AssertionJob job,
                           VerifyError expected) {
  std::atomic<int> seen{-1};
  std::promise<void> done;
  Status submitted = pipeline->SubmitAssertion(std::move(job), [&](AssertionOutcome&& out) {
    EXPECT_EQ(out.verdict, expected) << VerifyErrorName(out.verdict);
    seen.store(store.syncs());
    done.set_value();
  });
  EXPECT_TRUE(submitted.ok()) << submitted.ToString();
  if (submitted.ok()) done.get_future().wait();
  return seen.load();
}

TEST(PipelineDurability, EveryVerdictIsAnsweredAfterASync) {
  Verifier verifier{TestRelyingParty()};
  storage::MemoryCredentialStore inner;
  TestAuthenticator a(-7);
  StoreCredential(&inner, a, /*sign_count=*/1);
  SyncCountingStore store(&inner);
  Pipeline pipeline(&verifier, &store, PipelineOptions{.workers = 1, .max_batch = 1});

  // A refused job (its counter does not advance) commits nothing, so only
  // the explicit sync can cover it.
  EXPECT_GE(SyncsSeenByTheCallback(&pipeline, store, MakeAssertionJob(a, 1),
                                   VerifyError::kSignCountRegression),
            1);

  const int before = store.syncs();
  EXPECT_GT(SyncsSeenByTheCallback(&pipeline, store, MakeAssertionJob(a, 2), VerifyError::kOk),
            before);
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
