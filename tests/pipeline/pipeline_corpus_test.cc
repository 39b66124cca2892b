// Every conformance-corpus case gives the same verdict through the pipeline
// (with its credential in an in-memory store) as through the single-job
// verifier.  Skipped when the shared corpus is absent.
#include <gtest/gtest.h>

#include <filesystem>

#include "keystorm/corpus/corpus_case.h"
#include "keystorm/pipeline.h"
#include "keystorm/storage/memory_store.h"

namespace keystorm::corpus {
namespace {

std::vector<std::filesystem::path> CaseFiles() {
  std::vector<std::filesystem::path> files;
  std::filesystem::path dir = std::filesystem::path(KEYSTORM_CORPUS_DIR) / "conformance";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Runs one loaded case through a fresh pipeline and store.
VerifyError ThroughPipeline(const LoadedCase& c) {
  Verifier verifier(c.rp);
  storage::MemoryCredentialStore store;
  Pipeline pipeline(&verifier, &store, PipelineOptions{.workers = 2});
  if (c.kind == "registration") {
    RegistrationJob job;
    job.response_json = c.response_json;
    job.expected = RegistrationExpectations{c.challenge, c.requirements, c.verification_time};
    job.user_handle = {1, 2, 3};
    RegistrationOutcome out = pipeline.SubmitRegistration(std::move(job)).get();
    EXPECT_TRUE(out.status.ok()) << out.status.ToString();
    return out.verdict;
  }
  // Store the case's credential under the response's credential ID, with the
  // owner and BE the single-job path assumes.
  JsonScratch scratch;
  AuthenticationResponse response;
  VerifyError parse = ParseAuthenticationResponseJson(c.response_json, &scratch, &response);
  Bytes account;
  if (parse == VerifyError::kOk) {
    account = AccountHandle(c, response);
    // A store needs an owner; a case that names none is owned by a
    // placeholder account the login is made for (A6, user identified first).
    if (account.empty()) account = {'c', 'a', 's', 'e'};
    CredentialRecord r;
    r.id = response.raw_id;
    r.user_handle = account;
    r.public_key_cose = c.credential->public_key_cose;
    r.sign_count = c.credential->sign_count;
    r.backup_eligible = StoredBackupEligible(c, response);
    bool inserted = false;
    EXPECT_TRUE(store.InsertCredentialIfAbsent(r, &inserted).ok());
  }
  AssertionJob job;
  job.response_json = c.response_json;
  job.expected.challenge = c.challenge;
  job.expected.requirements = c.requirements;
  job.expected.user_handle = account;
  AssertionOutcome out = pipeline.SubmitAssertion(std::move(job)).get();
  EXPECT_TRUE(out.status.ok()) << out.status.ToString();
  return out.verdict;
}

TEST(PipelineCorpus, SameVerdictAsTheSingleJobVerifier) {
  std::vector<std::filesystem::path> files = CaseFiles();
  if (files.empty()) GTEST_SKIP() << "no conformance corpus under " << KEYSTORM_CORPUS_DIR;
  int compared = 0;
  for (const auto& file : files) {
    Result<LoadedCase> c = LoadCaseFile(file);
    ASSERT_TRUE(c.has_value()) << c.error().ToString();
    if (!c->is_case) continue;
    CaseResult single = VerifyLoadedCase(*c, CaseOptions());
    VerifyError piped = ThroughPipeline(*c);
    EXPECT_EQ(VerifyErrorName(piped), single.got) << c->id;
    ++compared;
  }
  EXPECT_GE(compared, 400);
}

}  // namespace
}  // namespace keystorm::corpus
