// The pipeline gives the single-job verifier's verdicts and commits what
// they say, for assertions and registrations of every algorithm.
#include <gtest/gtest.h>

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

INSTANTIATE_TEST_SUITE_P(Algorithms, PipelineTest,
                         testing::Values(-7, -35, -36, -8, -257, -37),
                         [](const testing::TestParamInfo<int64_t>& param) {
                           return std::string(CoseAlgorithmName(param.param));
                         });

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
  // A long linger puts both jobs into one batch.
  Pipeline pipeline(&verifier_, &store_,
                    PipelineOptions{.workers = 2, .linger = std::chrono::milliseconds(200)});
  auto f1 = pipeline.SubmitAssertion(MakeAssertionJob(a, 2));
  auto f2 = pipeline.SubmitAssertion(MakeAssertionJob(a, 2));
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
