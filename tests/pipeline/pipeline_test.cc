// The pipeline gives the single-job verifier's verdicts and commits what
// they say, for assertions and registrations of every algorithm.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <string>
#include <vector>

#include "pipeline_fixture.h"

namespace keystorm::test {
namespace {

class PipelineTest : public testing::TestWithParam<int64_t> {
 protected:
  Verifier verifier_{TestRelyingParty()};
  storage::MemoryCredentialStore store_;
};

TEST_P(PipelineTest, AcceptsAnAssertionAndCommitsTheCounter) {
  TestAuthenticator a(GetParam());
  StoreCredential(&store_, a, /*sign_count=*/5);
  Pipeline pipeline(&verifier_, &store_, PipelineOptions{.workers = 2});
  AssertionOutcome out = pipeline.SubmitAssertion(MakeAssertionJob(a, 6)).get();
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.verdict, VerifyError::kOk) << VerifyErrorName(out.verdict);
  EXPECT_EQ(out.update.sign_count, 6u);
  EXPECT_EQ(out.user_handle, a.user_handle());
  EXPECT_EQ(StoredSignCount(&store_, a.credential_id()), 6u);
}

TEST_P(PipelineTest, GivesTheSingleJobVerdictForABadSignature) {
  TestAuthenticator a(GetParam());
  StoreCredential(&store_, a, 5);
  AssertionOptions options;
  options.sign_count = 6;
  options.corrupt_signature = true;
  AssertionJob job;
  job.response_json = a.Assert(options).Json();
  job.expected.challenge = kChallenge;
  job.expected.user_handle = a.user_handle();
  Pipeline pipeline(&verifier_, &store_, PipelineOptions{.workers = 2});
  AssertionOutcome out = pipeline.SubmitAssertion(std::move(job)).get();
  EXPECT_EQ(out.verdict, VerifyError::kSignatureInvalid);
  EXPECT_EQ(StoredSignCount(&store_, a.credential_id()), 5u) << "a rejection must write nothing";
}

// A submitter that decoded the envelope itself (the server, which spends
// the challenge first) hands it over decoded: the pipeline starts from it
// and does not read response_json, which here is not even JSON.
TEST_P(PipelineTest, StartsFromAResponseTheSubmitterDecoded) {
  TestAuthenticator a(GetParam());
  StoreCredential(&store_, a, 5);
  Pipeline pipeline(&verifier_, &store_, PipelineOptions{.workers = 2});

  AssertionJob job = MakeAssertionJob(a, 6);
  JsonScratch scratch;
  AuthenticationResponse decoded;
  ASSERT_EQ(ParseAuthenticationResponseJson(job.response_json, &scratch, &decoded), VerifyError::kOk);
  job.parsed_response = std::move(decoded);
  job.response_json = "not json";
  AssertionOutcome out = pipeline.SubmitAssertion(std::move(job)).get();
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.verdict, VerifyError::kOk) << VerifyErrorName(out.verdict);
  EXPECT_EQ(out.credential_id, a.credential_id());
  EXPECT_EQ(StoredSignCount(&store_, a.credential_id()), 6u);

  // Decoded is not trusted: every later step still runs on it.
  AssertionOptions options;
  options.sign_count = 7;
  options.corrupt_signature = true;
  AssertionJob bad;
  ASSERT_EQ(ParseAuthenticationResponseJson(a.Assert(options).Json(), &scratch, &decoded),
            VerifyError::kOk);
  bad.parsed_response = std::move(decoded);
  bad.expected.challenge = kChallenge;
  bad.expected.user_handle = a.user_handle();
  out = pipeline.SubmitAssertion(std::move(bad)).get();
  EXPECT_EQ(out.verdict, VerifyError::kSignatureInvalid);
  EXPECT_EQ(StoredSignCount(&store_, a.credential_id()), 6u);

  // Without it, response_json is what is read.
  AssertionJob unparsed = MakeAssertionJob(a, 8);
  unparsed.response_json = "not json";
  out = pipeline.SubmitAssertion(std::move(unparsed)).get();
  EXPECT_EQ(out.verdict, VerifyError::kMalformedRequest);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, PipelineTest,
                         testing::Values(-7, -35, -36, -8, -257, -37),
                         [](const testing::TestParamInfo<int64_t>& param) {
                           return std::string(CoseAlgorithmName(param.param));
                         });

// The batch bound grows with the workers, so that a many-core pipeline
// under saturation spreads each commit over more jobs; an explicit bound
// is kept as given.
TEST(PipelineBatchBound, DefaultIs64PerWorkerWithinBounds) {
  EXPECT_EQ(DefaultMaxBatch(0), 256u);
  EXPECT_EQ(DefaultMaxBatch(2), 256u);
  EXPECT_EQ(DefaultMaxBatch(4), 256u);
  EXPECT_EQ(DefaultMaxBatch(8), 512u);
  EXPECT_EQ(DefaultMaxBatch(16), 1024u);
  EXPECT_EQ(DefaultMaxBatch(64), 4096u);
  EXPECT_EQ(DefaultMaxBatch(1000), 4096u);
}

TEST(PipelineBatchBound, ZeroMeansTheDefaultAndAGivenBoundIsKept) {
  Verifier verifier{TestRelyingParty()};
  storage::MemoryCredentialStore store;
  Pipeline by_default(&verifier, &store, PipelineOptions{.workers = 16});
  EXPECT_EQ(by_default.max_batch(), 1024u);
  Pipeline given(&verifier, &store, PipelineOptions{.workers = 16, .max_batch = 8});
  EXPECT_EQ(given.max_batch(), 8u);
}

// Records the largest commit (one per batch) behind a lookup gate.
class CommitSizeStore final : public LookupGateStore {
 public:
  using LookupGateStore::LookupGateStore;
  size_t largest_commit() const { return largest_commit_.load(); }
  Status CommitUpdates(std::span<const CounterUpdate> updates,
                       std::vector<CommitOutcome>* outcomes) override {
    size_t seen = largest_commit_.load();
    while (updates.size() > seen && !largest_commit_.compare_exchange_weak(seen, updates.size())) {
    }
    return LookupGateStore::CommitUpdates(updates, outcomes);
  }

 private:
  std::atomic<size_t> largest_commit_{0};
};

// A saturated pipeline fills its batches to the bound and no further.
TEST(PipelineBatchBound, QueuedJobsRunInBatchesOfTheBound) {
  Verifier verifier{TestRelyingParty()};
  storage::MemoryCredentialStore inner;
  TestAuthenticator a(-7);
  StoreCredential(&inner, a, 0);
  CommitSizeStore store(&inner);  // the first batch waits at its lookup
  std::string body = MakeAssertionJob(a, 0).response_json;  // counter 0: never a regression
  constexpr int kJobs = 600;
  std::vector<std::future<AssertionOutcome>> outcomes;
  Pipeline pipeline(&verifier, &store, PipelineOptions{.workers = 2});
  ASSERT_EQ(pipeline.max_batch(), 256u);
  for (int i = 0; i < kJobs; ++i) {
    AssertionJob job;
    job.response_json = body;
    job.expected.challenge = kChallenge;
    job.expected.user_handle = a.user_handle();
    outcomes.push_back(pipeline.SubmitAssertion(std::move(job)));
  }
  store.Open();  // everything after the first batch is queued by now
  for (auto& o : outcomes) EXPECT_EQ(o.get().verdict, VerifyError::kOk);
  EXPECT_EQ(pipeline.stats().jobs, static_cast<uint64_t>(kJobs));
  EXPECT_EQ(store.largest_commit(), 256u) << "queued jobs fill a batch to the bound, not past it";
}

// One batch of many algorithms, good and forged signatures interleaved:
// each job gets its own verdict.  The P-256 ones in a chunk share one
// inversion of their s (p256_signature_batch.h), so a forged one among them
// must not spoil its neighbours, nor take their verdict.
TEST(PipelineBatchBound, MixedSignaturesInOneBatchEachGetTheirOwnVerdict) {
  Verifier verifier{TestRelyingParty()};
  storage::MemoryCredentialStore inner;
  const int64_t kAlgorithms[] = {-7, -7, -8, -7, -257, -7, -35, -7};
  std::vector<std::unique_ptr<TestAuthenticator>> authenticators;
  for (int i = 0; i < 16; ++i) {
    authenticators.push_back(std::make_unique<TestAuthenticator>(kAlgorithms[i % 8], i));
    StoreCredential(&inner, *authenticators.back(), 0);
  }
  CommitSizeStore store(&inner);  // the first batch waits at its lookup
  Pipeline pipeline(&verifier, &store, PipelineOptions{.workers = 1});
  std::vector<std::future<AssertionOutcome>> outcomes;
  std::vector<VerifyError> expected;
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < authenticators.size(); ++i) {
      const TestAuthenticator& a = *authenticators[i];
      AssertionOptions options;
      options.sign_count = 0;  // with a stored 0: never a regression
      options.corrupt_signature = (i + round) % 3 == 0;
      AssertionJob job;
      job.response_json = a.Assert(options).Json();
      job.expected.challenge = kChallenge;
      job.expected.user_handle = a.user_handle();
      outcomes.push_back(pipeline.SubmitAssertion(std::move(job)));
      expected.push_back(options.corrupt_signature ? VerifyError::kSignatureInvalid
                                                   : VerifyError::kOk);
    }
  }
  store.Open();  // the jobs after the first batch are queued: they share one
  for (size_t k = 0; k < outcomes.size(); ++k) {
    AssertionOutcome out = outcomes[k].get();
    ASSERT_TRUE(out.status.ok()) << out.status.ToString();
    EXPECT_EQ(VerifyErrorName(out.verdict), VerifyErrorName(expected[k])) << "job " << k;
  }
  // Every ES256 job (10 of the 16 credentials, three rounds, forged ones
  // too: their DER is well formed) was finished from its chunk's shared
  // inversion; the others were verified whole.
  EXPECT_EQ(pipeline.stats().batched_signatures, 30u);
  // The first batch took what was queued when it formed and waited at its
  // lookup; everything after it formed the second: one of the two holds at
  // least half of the 48 jobs.
  EXPECT_GE(store.largest_commit(), outcomes.size() / 2) << "the jobs were meant to share batches";
}

class PipelineSingle : public testing::Test {
 protected:
  Verifier verifier_{TestRelyingParty()};
  storage::MemoryCredentialStore store_;
};

TEST_F(PipelineSingle, UnknownCredential) {
  TestAuthenticator a(-7);
  Pipeline pipeline(&verifier_, &store_, PipelineOptions{.workers = 1});
  AssertionOutcome out = pipeline.SubmitAssertion(MakeAssertionJob(a, 1)).get();
  EXPECT_EQ(out.verdict, VerifyError::kUnknownCredential);
}

TEST_F(PipelineSingle, MalformedBodyIsMalformedRequest) {
  Pipeline pipeline(&verifier_, &store_, PipelineOptions{.workers = 1});
  AssertionJob job;
  job.response_json = "{\"id\": 12";
  job.expected.challenge = kChallenge;
  AssertionOutcome out = pipeline.SubmitAssertion(std::move(job)).get();
  EXPECT_EQ(out.verdict, VerifyError::kMalformedRequest);
  EXPECT_TRUE(out.credential_id.empty());
}

TEST_F(PipelineSingle, RegistrationIsStoredOnceAndTheSecondIsRefused) {
  TestAuthenticator a(-7);
  Pipeline pipeline(&verifier_, &store_, PipelineOptions{.workers = 2});
  auto make_job = [&] {
    RegistrationJob job;
    job.response_json = a.Register().Json();
    job.expected.challenge = kChallenge;
    job.user_handle = a.user_handle();
    return job;
  };
  RegistrationOutcome first = pipeline.SubmitRegistration(make_job()).get();
  ASSERT_TRUE(first.status.ok());
  EXPECT_EQ(first.verdict, VerifyError::kOk) << VerifyErrorName(first.verdict);
  EXPECT_EQ(store_.size(), 1u);
  RegistrationOutcome second = pipeline.SubmitRegistration(make_job()).get();
  EXPECT_EQ(second.verdict, VerifyError::kCredentialAlreadyRegistered);
  EXPECT_EQ(store_.size(), 1u);
  // And the stored credential logs in.
  AssertionOutcome login = pipeline.SubmitAssertion(MakeAssertionJob(a, 1)).get();
  EXPECT_EQ(login.verdict, VerifyError::kOk) << VerifyErrorName(login.verdict);
}

TEST_F(PipelineSingle, TwoAssertionsWithOneCounterInOneBatch) {
  TestAuthenticator a(-7);
  StoreCredential(&store_, a, 1);
  // Both jobs go into one batch: it lingers until it is full (two jobs),
  // however slow the machine, and both are built before either is sent.
  Pipeline pipeline(&verifier_, &store_,
                    PipelineOptions{.workers = 2, .max_batch = 2, .linger = std::chrono::minutes(5)});
  AssertionJob j1 = MakeAssertionJob(a, 2), j2 = MakeAssertionJob(a, 2);
  auto f1 = pipeline.SubmitAssertion(std::move(j1));
  auto f2 = pipeline.SubmitAssertion(std::move(j2));
  AssertionOutcome o1 = f1.get(), o2 = f2.get();
  EXPECT_EQ(o1.verdict, VerifyError::kOk);
  EXPECT_EQ(o2.verdict, VerifyError::kSignCountRegression) << "the later one of a pair loses";
  EXPECT_EQ(pipeline.stats().batches, 1u);
}

TEST_F(PipelineSingle, WarnPolicyAcceptsARegressionAndNeverLowersTheCounter) {
  TestAuthenticator a(-7);
  StoreCredential(&store_, a, 10);
  Pipeline pipeline(&verifier_, &store_, PipelineOptions{.workers = 1});
  AssertionJob job = MakeAssertionJob(a, 3);
  job.expected.requirements.sign_count_policy = SignCountPolicy::kWarn;
  AssertionOutcome out = pipeline.SubmitAssertion(std::move(job)).get();
  EXPECT_EQ(out.verdict, VerifyError::kOk);
  EXPECT_TRUE(out.update.sign_count_regressed);
  EXPECT_EQ(StoredSignCount(&store_, a.credential_id()), 10u);
}

}  // namespace
}  // namespace keystorm::test
