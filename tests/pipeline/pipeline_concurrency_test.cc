// Many threads hammer one credential with interleaved counters.  Whatever the
// interleaving, §7.2 step 22 must hold as if the assertions were verified one
// at a time in commit order: no counter value is accepted twice, the stored
// counter is the highest accepted one, and every refusal is a regression.
// Run under ThreadSanitizer in CI (KEYSTORM_TSAN build).
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "pipeline_fixture.h"

namespace keystorm::test {
namespace {

TEST(PipelineConcurrency, CounterInvariantUnderEightThreads) {
  Verifier verifier(TestRelyingParty());
  storage::MemoryCredentialStore store;
  TestAuthenticator a(-7);
  StoreCredential(&store, a, 0);
  Pipeline pipeline(&verifier, &store, PipelineOptions{.workers = 2, .max_batch = 16});

  // Pre-sign: counters 1..kCounters, each twice (two racing copies).
  constexpr int kThreads = 8;
  constexpr uint32_t kCounters = 120;
  std::vector<std::string> bodies(kCounters + 1);
  for (uint32_t c = 1; c <= kCounters; ++c) bodies[c] = MakeAssertionJob(a, c).response_json;

  std::mutex mu;
  std::multiset<uint32_t> accepted;
  int refused_regression = 0, other = 0;
  std::atomic<uint32_t> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      while (true) {
        uint32_t ticket = next.fetch_add(1);
        if (ticket >= 2 * kCounters) return;
        uint32_t counter = ticket / 2 + 1;  // each counter is taken by two tickets
        AssertionJob job;
        job.response_json = bodies[counter];
        job.expected.challenge = kChallenge;
        job.expected.user_handle = a.user_handle();
        AssertionOutcome out = pipeline.SubmitAssertion(std::move(job)).get();
        std::lock_guard<std::mutex> lock(mu);
        if (out.verdict == VerifyError::kOk) {
          accepted.insert(counter);
        } else if (out.verdict == VerifyError::kSignCountRegression) {
          ++refused_regression;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& t : threads) t.join();

  EXPECT_EQ(other, 0);
  EXPECT_EQ(accepted.size() + refused_regression, 2 * kCounters);
  for (uint32_t c : accepted) EXPECT_EQ(accepted.count(c), 1u) << "counter " << c << " accepted twice";
  ASSERT_FALSE(accepted.empty());
  EXPECT_EQ(StoredSignCount(&store, a.credential_id()), *accepted.rbegin());
}

}  // namespace
}  // namespace keystorm::test
