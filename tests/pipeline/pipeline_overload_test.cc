// Backpressure: with the store stalled, the pipeline accepts up to its bound
// and refuses the rest at once; after the stall every accepted job completes
// exactly once.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "pipeline_fixture.h"

namespace keystorm::test {
namespace {

TEST(PipelineOverload, RefusesBeyondTheBoundAndLosesNothing) {
  Verifier verifier(TestRelyingParty());
  storage::MemoryCredentialStore memory;
  // Lookups wait until Open(): the first batch stalls, and submissions pile
  // up against the bound.
  LookupGateStore store(&memory);
  TestAuthenticator a(-7);
  StoreCredential(&memory, a, 0);
  constexpr size_t kBound = 64;
  constexpr int kSubmissions = 5000;
  Pipeline pipeline(&verifier, &store,
                    PipelineOptions{.workers = 2, .max_batch = 8, .max_in_flight = kBound});
  std::string body = MakeAssertionJob(a, 0).response_json;  // counter 0: never a regression

  std::mutex mu;
  std::multiset<int> completed;
  int accepted = 0, overloaded = 0;
  size_t max_in_flight_seen = 0;
  for (int i = 0; i < kSubmissions; ++i) {
    AssertionJob job;
    job.response_json = body;
    job.expected.challenge = kChallenge;
    job.expected.user_handle = a.user_handle();
    Status st = pipeline.SubmitAssertion(std::move(job), [&, i](AssertionOutcome&& out) {
      std::lock_guard<std::mutex> lock(mu);
      completed.insert(i);
      EXPECT_EQ(out.verdict, VerifyError::kOk);
    });
    if (st.ok()) {
      ++accepted;
    } else {
      EXPECT_EQ(st.code(), Status::Code::kOverloaded);
      ++overloaded;
    }
    max_in_flight_seen = std::max(max_in_flight_seen, pipeline.stats().in_flight);
  }
  // While stalled, nothing beyond the bound was taken: the submit loop could
  // only finish because refusals were immediate.
  EXPECT_LE(static_cast<size_t>(accepted), kBound);
  EXPECT_LE(max_in_flight_seen, kBound);
  EXPECT_EQ(accepted + overloaded, kSubmissions);
  EXPECT_EQ(pipeline.stats().refused, static_cast<uint64_t>(overloaded));
  store.Open();
  // Every accepted job completes once the stall ends.
  for (int spins = 0; spins < 10000; ++spins) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (completed.size() == static_cast<size_t>(accepted)) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(completed.size(), static_cast<size_t>(accepted)) << "lost completions";
  for (int i : completed) EXPECT_EQ(completed.count(i), 1u) << "job " << i << " completed twice";
}

// A job's place is free by the time its callback runs: whoever the callback
// answers may submit again at once, even with the pipeline at its bound.
TEST(PipelineOverload, AJobsPlaceIsFreeWhenItsCallbackRuns) {
  Verifier verifier(TestRelyingParty());
  storage::MemoryCredentialStore store;
  TestAuthenticator a(-7);
  StoreCredential(&store, a, 0);
  Pipeline pipeline(&verifier, &store, PipelineOptions{.workers = 1, .max_in_flight = 1});
  auto job = [&] { return MakeAssertionJob(a, 0); };  // counter 0: never a regression
  std::promise<VerifyError> second_done;
  size_t in_flight_in_callback = 99;
  Status resubmitted = Status::Internal("not called");
  std::promise<void> first_done;
  ASSERT_TRUE(pipeline
                  .SubmitAssertion(job(),
                                   [&](AssertionOutcome&&) {
                                     in_flight_in_callback = pipeline.stats().in_flight;
                                     resubmitted = pipeline.SubmitAssertion(
                                         job(), [&](AssertionOutcome&& out) {
                                           second_done.set_value(out.verdict);
                                         });
                                     first_done.set_value();
                                   })
                  .ok());
  first_done.get_future().get();
  EXPECT_EQ(in_flight_in_callback, 0u);
  ASSERT_TRUE(resubmitted.ok()) << resubmitted.ToString();
  EXPECT_EQ(second_done.get_future().get(), VerifyError::kOk);
  EXPECT_EQ(pipeline.stats().refused, 0u);
}

TEST(PipelineOverload, ShutdownCompletesEveryAcceptedJob) {
  Verifier verifier(TestRelyingParty());
  storage::MemoryCredentialStore store;
  TestAuthenticator a(-8);
  StoreCredential(&store, a, 0);
  std::atomic<int> completed{0};
  int accepted = 0;
  {
    Pipeline pipeline(&verifier, &store, PipelineOptions{.workers = 2, .max_in_flight = 256});
    std::string body = MakeAssertionJob(a, 0).response_json;
    for (int i = 0; i < 200; ++i) {
      AssertionJob job;
      job.response_json = body;
      job.expected.challenge = kChallenge;
      job.expected.user_handle = a.user_handle();
      if (pipeline.SubmitAssertion(std::move(job), [&](AssertionOutcome&&) { ++completed; }).ok()) {
        ++accepted;
      }
    }
  }  // the destructor drains
  EXPECT_EQ(completed.load(), accepted);
  EXPECT_GT(accepted, 0);
}

// The destructor returns only after the last callback has returned, though
// the job's place was given back before it ran; a job submitted from a
// callback during shutdown is refused (Unavailable) or completed, never lost.
TEST(PipelineOverload, ShutdownWaitsForACallbackStillRunning) {
  Verifier verifier(TestRelyingParty());
  storage::MemoryCredentialStore store;
  TestAuthenticator a(-7);
  StoreCredential(&store, a, 0);
  std::atomic<bool> callback_returned{false}, late_job_completed{false};
  std::promise<void> callback_started;
  Status during_shutdown = Status::Ok();
  {
    Pipeline pipeline(&verifier, &store, PipelineOptions{.workers = 1});
    ASSERT_TRUE(pipeline
                    .SubmitAssertion(MakeAssertionJob(a, 0),
                                     [&](AssertionOutcome&&) {
                                       callback_started.set_value();
                                       std::this_thread::sleep_for(std::chrono::milliseconds(200));
                                       during_shutdown = pipeline.SubmitAssertion(
                                           MakeAssertionJob(a, 0), [&](AssertionOutcome&&) {
                                             late_job_completed = true;
                                           });
                                       callback_returned = true;
                                     })
                    .ok());
    callback_started.get_future().wait();
  }  // the destructor starts while the callback sleeps
  EXPECT_TRUE(callback_returned.load()) << "the destructor returned under a running callback";
  // The destructor set stopping at once, 200 ms before this Submit, so it
  // is refused unless the machine stalled the destructor that long.
  if (during_shutdown.ok()) {
    EXPECT_TRUE(late_job_completed.load()) << "an accepted job was lost";
  } else {
    EXPECT_EQ(during_shutdown.code(), Status::Code::kUnavailable) << during_shutdown.ToString();
  }
}

}  // namespace
}  // namespace keystorm::test
