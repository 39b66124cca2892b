// Shared set-up of the pipeline suites: a verifier for the test
// authenticator's RP, an in-memory store, and helpers to make jobs.
#ifndef KEYSTORM_TESTS_PIPELINE_PIPELINE_FIXTURE_H_
#define KEYSTORM_TESTS_PIPELINE_PIPELINE_FIXTURE_H_

#include <gtest/gtest.h>

#include "keystorm/pipeline.h"
#include "keystorm/storage/memory_store.h"
#include "keystorm/test/forwarding_store.h"
#include "keystorm/test/test_authenticator.h"

namespace keystorm::test {

inline RelyingPartyConfig TestRelyingParty() {
  RelyingPartyConfig rp;
  rp.rp_id = kRpId;
  rp.origins = {kOrigin};
  return rp;
}

// Stores the authenticator's credential as R27 would, with `sign_count`.
inline void StoreCredential(CredentialStore* store, const TestAuthenticator& a,
                            uint32_t sign_count = 0, bool backup_eligible = false) {
  CredentialRecord r;
  r.id = a.credential_id();
  r.user_handle = a.user_handle();
  r.public_key_cose = a.credential_key().CoseKey();
  r.algorithm = a.credential_key().alg();
  r.sign_count = sign_count;
  r.backup_eligible = backup_eligible;
  bool inserted = false;
  ASSERT_TRUE(store->InsertCredentialIfAbsent(r, &inserted).ok());
  ASSERT_TRUE(inserted);
}

inline AssertionJob MakeAssertionJob(const TestAuthenticator& a, uint32_t sign_count) {
  AssertionOptions options;
  options.sign_count = sign_count;
  AssertionJob job;
  job.response_json = a.Assert(options).Json();
  job.expected.challenge = kChallenge;
  job.expected.user_handle = a.user_handle();
  return job;
}

inline uint32_t StoredSignCount(CredentialStore* store, const Bytes& id) {
  std::vector<ByteView> ids = {id};
  std::vector<std::optional<CredentialRecord>> out;
  EXPECT_TRUE(store->MultiLookup(ids, &out).ok());
  return out[0] ? out[0]->sign_count : 0;
}

}  // namespace keystorm::test

#endif  // KEYSTORM_TESTS_PIPELINE_PIPELINE_FIXTURE_H_
