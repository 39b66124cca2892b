// Shared by the §7.1 suites: a verifier for kRpId/kOrigin, expectations that
// match the test authenticator's defaults, and one call that runs
// VerifyRegistration on a built ceremony.
#ifndef KEYSTORM_TESTS_ENGINE_REGISTRATION_FIXTURE_H_
#define KEYSTORM_TESTS_ENGINE_REGISTRATION_FIXTURE_H_

#include <gtest/gtest.h>

#include "keystorm/test/test_authenticator.h"
#include "keystorm/test/verdict.h"
#include "keystorm/verifier.h"

namespace keystorm {

class RegistrationTest : public ::testing::Test {
 protected:
  static RelyingPartyConfig DefaultRp() {
    RelyingPartyConfig rp;
    rp.rp_id = test::kRpId;
    rp.origins = {test::kOrigin};
    return rp;
  }

  // The challenge the authenticator signs by default and a fixed clock
  // inside the test certificates' validity.
  static RegistrationExpectations Expectations() {
    RegistrationExpectations e;
    e.challenge = test::kChallenge;
    e.verification_time = test::kVerificationTime;
    return e;
  }

  VerifyError Verify(const test::Registration& reg, const RegistrationExpectations& e,
                     const RelyingPartyConfig& rp = DefaultRp()) {
    Verifier verifier(rp);
    return verifier.VerifyRegistration(reg.Response(), e, &scratch_, &credential_);
  }
  VerifyError Verify(const test::Registration& reg) { return Verify(reg, Expectations()); }
  // One mutation of the default ES256 ceremony.
  VerifyError Verify(const test::RegistrationOptions& options) {
    return Verify(es256_.Register(options));
  }

  JsonScratch scratch_;
  NewCredential credential_;  // filled by the last successful Verify
  test::TestAuthenticator es256_{static_cast<int64_t>(CoseAlgorithm::kES256)};
};

}  // namespace keystorm

#endif  // KEYSTORM_TESTS_ENGINE_REGISTRATION_FIXTURE_H_
