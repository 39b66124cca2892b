// The FIDO conformance tool adapter called directly: ServerResponse shapes,
// extensions echoed, several credentials per user, and the requested UV
// enforced at the result endpoint.
#include <gtest/gtest.h>

#include "app_test_support.h"
#include "keystorm/authenticator_data.h"
#include "keystorm/cose_key.h"
#include "keystorm/server/conformance_adapter.h"

namespace keystorm::server::testing {
namespace {

constexpr int64_t kEs256 = static_cast<int64_t>(CoseAlgorithm::kES256);

std::shared_ptr<const storage::ChallengeSealer> Sealer(uint32_t id, uint8_t fill) {
  storage::ChallengeKey key;
  key.id = id;
  key.secret.fill(fill);
  return std::make_shared<const storage::ChallengeSealer>(
      std::move(storage::ChallengeSealer::Create({key}, 300'000).value()));
}

class ConformanceTest : public ::testing::Test {
 protected:
  ConformanceTest()
      : verifier_(RelyingPartyConfig{.rp_id = test::kRpId, .origins = {test::kOrigin}}),
        pipeline_(&verifier_, &store_, PipelineOptions{.workers = 1}),
        adapter_(ConformanceAdapterOptions{test::kRpId, "Keystorm", 60'000, nullptr}, &store_,
                 &pipeline_, Sealer(1, 0x11), Sealer(2, 0x22)) {}

  HttpResponse Post(void (ConformanceAdapter::*endpoint)(HttpRequest&&, Responder),
                    std::string body) {
    return Call([&](HttpRequest&& r, Responder s) { (adapter_.*endpoint)(std::move(r), s); },
                std::move(body));
  }

  // Registers `key` for `username`; true when the tool would see "ok".
  bool Register(const std::string& username, const test::TestAuthenticator& key) {
    HttpResponse options = Post(&ConformanceAdapter::AttestationOptions,
                                R"({"username":")" + username + R"(","displayName":"D"})");
    test::RegistrationOptions reg;
    reg.client_data.challenge = JsonString(options.body, "challenge");
    return Post(&ConformanceAdapter::AttestationResult, key.Register(reg).Json()).status == 200;
  }

  storage::MemoryCredentialStore store_;
  Verifier verifier_;
  Pipeline pipeline_;
  ConformanceAdapter adapter_;
};

TEST_F(ConformanceTest, AttestationOptionsEchoTheRequest) {
  HttpResponse options = Post(&ConformanceAdapter::AttestationOptions, R"({
    "username":"johndoe@example.com","displayName":"John Doe",
    "authenticatorSelection":{"requireResidentKey":false,"userVerification":"required"},
    "attestation":"direct","extensions":{"example.extension":true}})");
  ASSERT_EQ(options.status, 200) << options.body;
  EXPECT_EQ(JsonString(options.body, "status"), "ok");
  EXPECT_EQ(JsonString(options.body, "errorMessage"), "");
  EXPECT_EQ(JsonString(options.body, "attestation"), "direct");
  EXPECT_EQ(JsonString(options.body, "authenticatorSelection.userVerification"), "required");
  EXPECT_NE(options.body.find(R"("extensions":{"example.extension":true})"), std::string::npos);
  EXPECT_NE(options.body.find(R"("alg":-65535)"), std::string::npos);  // RS1 offered
}

TEST_F(ConformanceTest, SeveralCredentialsPerUserThenAssert) {
  test::TestAuthenticator first(kEs256, 0);
  test::TestAuthenticator second(kEs256, 1);
  ASSERT_TRUE(Register("john", first));
  ASSERT_TRUE(Register("john", second));
  HttpResponse options =
      Post(&ConformanceAdapter::AssertionOptions, R"({"username":"john","userVerification":"preferred"})");
  ASSERT_EQ(options.status, 200) << options.body;
  EXPECT_EQ(JsonString(options.body, "userVerification"), "preferred");
  EXPECT_FALSE(JsonString(options.body, "allowCredentials.1.id").empty());
  test::AssertionOptions assertion;
  assertion.client_data.challenge = JsonString(options.body, "challenge");
  assertion.send_user_handle = false;
  HttpResponse result = Post(&ConformanceAdapter::AssertionResult, second.Assert(assertion).Json());
  EXPECT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(JsonString(result.body, "status"), "ok");
}

TEST_F(ConformanceTest, RequiredUserVerificationIsEnforced) {
  test::TestAuthenticator key(kEs256, 0);
  ASSERT_TRUE(Register("john", key));
  auto assert_with_flags = [&](const char* uv, uint8_t flags) {
    HttpResponse options = Post(&ConformanceAdapter::AssertionOptions,
                                R"({"username":"john","userVerification":")" + std::string(uv) +
                                    R"("})");
    test::AssertionOptions assertion;
    assertion.client_data.challenge = JsonString(options.body, "challenge");
    assertion.flags = flags;
    assertion.sign_count = 0;
    assertion.send_user_handle = false;
    return Post(&ConformanceAdapter::AssertionResult, key.Assert(assertion).Json());
  };
  HttpResponse refused = assert_with_flags("required", kFlagUserPresent);
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(JsonString(refused.body, "status"), "failed");
  EXPECT_EQ(JsonString(refused.body, "errorMessage"), "user_not_verified");
  EXPECT_EQ(assert_with_flags("preferred", kFlagUserPresent).status, 200);
  EXPECT_EQ(assert_with_flags("required", kFlagUserPresent | kFlagUserVerified).status, 200);
}

TEST_F(ConformanceTest, FailuresCarryAnErrorMessage) {
  HttpResponse bad = Post(&ConformanceAdapter::AttestationResult, R"({"id":"x"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(JsonString(bad.body, "status"), "failed");
  EXPECT_EQ(JsonString(bad.body, "errorMessage"), "malformed_request");
  HttpResponse unknown =
      Post(&ConformanceAdapter::AssertionOptions, R"({"username":"nobody"})");
  EXPECT_EQ(JsonString(unknown.body, "status"), "failed");
  EXPECT_FALSE(JsonString(unknown.body, "errorMessage").empty());
}

}  // namespace
}  // namespace keystorm::server::testing
