// Shared by the §7.2 suites: a verifier for kRpId/kOrigin, the stored record
// of the test authenticator's credential, and one call that runs
// VerifyAssertion on a built assertion.
#ifndef KEYSTORM_TESTS_ENGINE_ASSERTION_FIXTURE_H_
#define KEYSTORM_TESTS_ENGINE_ASSERTION_FIXTURE_H_

#include <gtest/gtest.h>

#include "keystorm/test/test_authenticator.h"
#include "keystorm/test/verdict.h"
#include "keystorm/verifier.h"

namespace keystorm {

class AssertionTest : public ::testing::Test {
 protected:
  static RelyingPartyConfig DefaultRp() {
    RelyingPartyConfig rp;
    rp.rp_id = test::kRpId;
    rp.origins = {test::kOrigin};
    return rp;
  }

  // Usernameless by default (no user_handle expected): the authenticator
  // returns its userHandle and the record's owner must match it.
  static AssertionExpectations Expectations() {
    AssertionExpectations e;
    e.challenge = test::kChallenge;
    return e;
  }

  VerifyError Verify(const test::Assertion& assertion, const AssertionExpectations& e,
                     const test::TestCredentialRecord& record,
                     const RelyingPartyConfig& rp = DefaultRp()) {
    Verifier verifier(rp);
    StoredCredential stored = record.View();
    return verifier.VerifyAssertion(assertion.Response(), e, &stored, &scratch_, &update_);
  }
  VerifyError Verify(const test::Assertion& assertion, const AssertionExpectations& e) {
    return Verify(assertion, e, record_);
  }
  VerifyError Verify(const test::Assertion& assertion) { return Verify(assertion, Expectations()); }
  // One mutation of the default ES256 assertion.
  VerifyError Verify(const test::AssertionOptions& options) {
    return Verify(es256_.Assert(options));
  }

  JsonScratch scratch_;
  CredentialUpdate update_;  // filled by the last successful Verify
  test::TestAuthenticator es256_{static_cast<int64_t>(CoseAlgorithm::kES256)};
  test::TestCredentialRecord record_ = es256_.Record();
};

}  // namespace keystorm

#endif  // KEYSTORM_TESTS_ENGINE_ASSERTION_FIXTURE_H_
