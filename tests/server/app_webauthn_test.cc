// The public WebAuthn API called directly: registration, login (with and
// without a username), the policy's decisions, and every refusal with its
// outcome code and nothing stored.
#include <gtest/gtest.h>

#include "app_test_support.h"
#include "keystorm/cose_key.h"

namespace keystorm::server::testing {
namespace {

constexpr int64_t kEs256 = static_cast<int64_t>(CoseAlgorithm::kES256);

class WebAuthnApiTest : public ::testing::Test {
 protected:
  size_t CredentialCount(const Bytes& user_handle) {
    std::vector<CredentialRecord> credentials;
    EXPECT_TRUE(app_.store().ListForUser(user_handle, &credentials).ok());
    return credentials.size();
  }

  AppFixture app_;
  test::TestAuthenticator alice_key_{kEs256, 0};
  test::TestAuthenticator bob_key_{kEs256, 1};
};

TEST_F(WebAuthnApiTest, UnknownUserIsToldToRegisterFirst) {
  HttpResponse response = app_.LoginStart(R"({"username":"Alice"})");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(JsonString(response.body, "action"), "register");
  EXPECT_EQ(JsonString(response.body, "username"), "alice");  // normalised
}

TEST_F(WebAuthnApiTest, RegistrationOptionsAreCreationOptionsJson) {
  HttpResponse response = app_.RegistrationOptions(R"({"username":"alice","displayName":"Alice A"})");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(JsonString(response.body, "rp.id"), test::kRpId);
  EXPECT_EQ(JsonString(response.body, "user.name"), "alice");
  EXPECT_EQ(JsonString(response.body, "user.displayName"), "Alice A");
  EXPECT_EQ(Decode(JsonString(response.body, "user.id")).size(), 32u);
  // Sealed challenge followed by the 32-byte user handle.
  EXPECT_EQ(Decode(JsonString(response.body, "challenge")).size(),
            storage::kSealedChallengeBytes + 32);
  EXPECT_EQ(JsonString(response.body, "authenticatorSelection.userVerification"), "preferred");
  EXPECT_EQ(JsonString(response.body, "attestation"), "none");
}

TEST_F(WebAuthnApiTest, RegisterThenLogIn) {
  Bytes handle = app_.Enrol("alice", alice_key_);
  ASSERT_FALSE(handle.empty());
  EXPECT_EQ(CredentialCount(handle), 1u);

  HttpResponse start = app_.LoginStart(R"({"username":"alice"})");
  ASSERT_EQ(start.status, 200) << start.body;
  ASSERT_EQ(JsonString(start.body, "action"), "webauthn");
  EXPECT_EQ(JsonString(start.body, "options.allowCredentials.0.id"),
            Base64UrlEncode(alice_key_.credential_id()));
  std::string challenge = JsonString(start.body, "options.challenge");

  HttpResponse verified =
      app_.AuthenticationVerify(AppFixture::AssertionFor(alice_key_, challenge, handle, 1));
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(JsonString(verified.body, "username"), "alice");
}

TEST_F(WebAuthnApiTest, ChallengeIsSingleUse) {
  Bytes handle = app_.Enrol("alice", alice_key_);
  HttpResponse options = app_.AuthenticationOptions(R"({"username":"alice"})");
  ASSERT_EQ(options.status, 200) << options.body;
  std::string challenge = JsonString(options.body, "challenge");
  ASSERT_EQ(app_.AuthenticationVerify(AppFixture::AssertionFor(alice_key_, challenge, handle, 1))
                .status,
            200);
  HttpResponse replay =
      app_.AuthenticationVerify(AppFixture::AssertionFor(alice_key_, challenge, handle, 2));
  EXPECT_EQ(replay.status, 401);
  EXPECT_EQ(ErrorCode(replay), "challenge_unknown");
}

TEST_F(WebAuthnApiTest, ExpiredChallengeIsRefused) {
  Bytes handle = app_.Enrol("alice", alice_key_);
  HttpResponse options = app_.AuthenticationOptions(R"({"username":"alice"})");
  app_.AdvanceMs(301'000);
  HttpResponse late = app_.AuthenticationVerify(
      AppFixture::AssertionFor(alice_key_, JsonString(options.body, "challenge"), handle, 1));
  EXPECT_EQ(ErrorCode(late), "challenge_unknown");
}

TEST_F(WebAuthnApiTest, CounterRegressionIsRefused) {
  Bytes handle = app_.Enrol("alice", alice_key_);
  auto login = [&](uint32_t sign_count) {
    HttpResponse options = app_.AuthenticationOptions(R"({"username":"alice"})");
    return app_.AuthenticationVerify(AppFixture::AssertionFor(
        alice_key_, JsonString(options.body, "challenge"), handle, sign_count));
  };
  ASSERT_EQ(login(10).status, 200);
  HttpResponse lower = login(4);
  EXPECT_EQ(lower.status, 401);
  EXPECT_EQ(ErrorCode(lower), "sign_count_regression");
  std::vector<CredentialRecord> credentials;
  ASSERT_TRUE(app_.store().ListForUser(handle, &credentials).ok());
  ASSERT_EQ(credentials.size(), 1u);
  EXPECT_EQ(credentials[0].sign_count, 10u);  // never lowered
}

TEST_F(WebAuthnApiTest, UsernamelessLoginFindsTheOwnerByUserHandle) {
  Bytes alice = app_.Enrol("alice", alice_key_);
  Bytes bob = app_.Enrol("bob", bob_key_);
  HttpResponse options = app_.AuthenticationOptions("{}");
  ASSERT_EQ(options.status, 200) << options.body;
  EXPECT_EQ(Decode(JsonString(options.body, "challenge")).size(), storage::kSealedChallengeBytes);
  HttpResponse verified = app_.AuthenticationVerify(
      AppFixture::AssertionFor(bob_key_, JsonString(options.body, "challenge"), bob, 1));
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(JsonString(verified.body, "username"), "bob");
}

TEST_F(WebAuthnApiTest, UsernamelessLoginWithAnotherUsersHandleIsRefused) {
  Bytes alice = app_.Enrol("alice", alice_key_);
  Bytes bob = app_.Enrol("bob", bob_key_);
  HttpResponse options = app_.AuthenticationOptions("{}");
  HttpResponse verified = app_.AuthenticationVerify(
      AppFixture::AssertionFor(bob_key_, JsonString(options.body, "challenge"), alice, 1));
  EXPECT_EQ(ErrorCode(verified), "user_handle_mismatch");
}

TEST_F(WebAuthnApiTest, ChallengeBoundToOneUserCannotLogInAnother) {
  Bytes alice = app_.Enrol("alice", alice_key_);
  Bytes bob = app_.Enrol("bob", bob_key_);
  HttpResponse options = app_.AuthenticationOptions(R"({"username":"alice"})");
  // Bob's credential answering Alice's challenge: the owner check fails.
  HttpResponse verified = app_.AuthenticationVerify(
      AppFixture::AssertionFor(bob_key_, JsonString(options.body, "challenge"), bob, 1));
  EXPECT_EQ(ErrorCode(verified), "user_handle_mismatch");
}

TEST_F(WebAuthnApiTest, SecondAuthenticatorNeedsASession) {
  ASSERT_FALSE(app_.Enrol("alice", alice_key_).empty());
  HttpResponse again = app_.RegistrationOptions(R"({"username":"alice"})");
  EXPECT_EQ(again.status, 403);
  EXPECT_EQ(ErrorCode(again), "policy_denied");
}

TEST_F(WebAuthnApiTest, MalformedBodiesAreRefusedAndStoreNothing) {
  for (const char* body : {"not json", "[]", R"({"username":7})", R"({"username":""})",
                           R"({"username":"a","username":"b"})"}) {
    HttpResponse response = app_.RegistrationOptions(body);
    EXPECT_EQ(response.status, 400) << body;
    EXPECT_EQ(ErrorCode(response), "malformed_request") << body;
  }
  std::optional<UserRecord> user;
  ASSERT_TRUE(app_.store().LookupUserByName("a", &user).ok());
  EXPECT_FALSE(user.has_value());
  HttpResponse verify = app_.AuthenticationVerify(R"({"id":"AA"})");
  EXPECT_EQ(ErrorCode(verify), "malformed_request");
  // The message names what was wrong only as far as the route can know it:
  // a login/start body is not a WebAuthn response.
  HttpResponse start = app_.LoginStart("{\"username\":");
  EXPECT_EQ(JsonString(start.body, "error.message"), "The request is not well-formed.");
}

TEST_F(WebAuthnApiTest, ForgedChallengeIsUnknown) {
  Bytes handle = app_.Enrol("alice", alice_key_);
  HttpResponse verified = app_.AuthenticationVerify(
      AppFixture::AssertionFor(alice_key_, test::kChallenge, handle, 1));
  EXPECT_EQ(verified.status, 401);
  EXPECT_EQ(ErrorCode(verified), "challenge_unknown");
}

TEST_F(WebAuthnApiTest, ResetSendsTheUserBackToRegistration) {
  Bytes handle = app_.Enrol("alice", alice_key_);
  ASSERT_TRUE(app_.store().ResetUser(handle, nullptr).ok());
  HttpResponse start = app_.LoginStart(R"({"username":"alice"})");
  EXPECT_EQ(JsonString(start.body, "action"), "register");
  // Re-enrolment is allowed now and clears the reset.
  test::TestAuthenticator new_key(kEs256, 2);
  ASSERT_EQ(app_.Enrol("alice", new_key), handle);
  EXPECT_EQ(JsonString(app_.LoginStart(R"({"username":"alice"})").body, "action"), "webauthn");
}

// The verify path decides on the account it read by handle, without listing
// its credentials (docs/decisions.md, "Login CPU"): a reset between options
// and verify must still refuse the assertion by policy.
TEST_F(WebAuthnApiTest, AssertionStartedBeforeAResetIsRefusedAfterIt) {
  Bytes handle = app_.Enrol("alice", alice_key_);
  HttpResponse options = app_.AuthenticationOptions(R"({"username":"alice"})");
  ASSERT_EQ(options.status, 200) << options.body;
  ASSERT_TRUE(app_.store().ResetUser(handle, nullptr).ok());
  HttpResponse verified = app_.AuthenticationVerify(
      AppFixture::AssertionFor(alice_key_, JsonString(options.body, "challenge"), handle, 1));
  EXPECT_EQ(verified.status, 403) << verified.body;
  EXPECT_EQ(ErrorCode(verified), "policy_denied");
}

// The ledger spends challenges without an fsync (docs/decisions.md, "One
// fsync per login"); every answer after a spend is sent after a sync (the
// count is taken in the responder, as the answer leaves): the pipeline's
// for its verdicts, the service's own for refusals before it.
TEST_F(WebAuthnApiTest, EveryAnswerAfterASpendComesAfterASync) {
  Bytes handle = app_.Enrol("alice", alice_key_);
  EXPECT_EQ(app_.unsynced_spends_at_last_answer(), 0) << "registration, through the pipeline";
  const int spends_before = app_.tracked_store().total_unsynced_spends();
  auto login = [&](const Bytes& user_handle, uint32_t sign_count, std::string_view username) {
    HttpResponse options = app_.AuthenticationOptions(
        username.empty() ? std::string("{}")
                         : std::string(R"({"username":")") + std::string(username) + R"("})");
    return app_.AuthenticationVerify(AppFixture::AssertionFor(
        alice_key_, JsonString(options.body, "challenge"), user_handle, sign_count));
  };

  HttpResponse accepted = login(handle, 1, "alice");
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_GT(app_.tracked_store().total_unsynced_spends(), spends_before) << "the ledger synced";
  EXPECT_EQ(app_.unsynced_spends_at_last_answer(), 0);

  // Refused in the pipeline: the counter went backwards, nothing commits.
  HttpResponse regressed = login(handle, 1, "alice");
  EXPECT_EQ(ErrorCode(regressed), "sign_count_regression") << regressed.body;
  EXPECT_EQ(app_.unsynced_spends_at_last_answer(), 0);

  // Refused after the spend, before the pipeline: usernameless without a
  // userHandle, and a userHandle that names no account.
  HttpResponse no_handle = login(Bytes(), 2, "");
  EXPECT_EQ(ErrorCode(no_handle), "user_handle_mismatch") << no_handle.body;
  EXPECT_EQ(app_.unsynced_spends_at_last_answer(), 0);
  HttpResponse nobody = login(Bytes(32, 0x5a), 2, "");
  EXPECT_EQ(ErrorCode(nobody), "unknown_credential") << nobody.body;
  EXPECT_EQ(app_.unsynced_spends_at_last_answer(), 0);

  // Refused by policy after the spend.
  HttpResponse options = app_.AuthenticationOptions(R"({"username":"alice"})");
  ASSERT_TRUE(app_.store().ResetUser(handle, nullptr).ok());
  HttpResponse denied = app_.AuthenticationVerify(
      AppFixture::AssertionFor(alice_key_, JsonString(options.body, "challenge"), handle, 2));
  EXPECT_EQ(ErrorCode(denied), "policy_denied") << denied.body;
  EXPECT_EQ(app_.unsynced_spends_at_last_answer(), 0);

  // A registration refused by policy after its spend: a bypass set between
  // its options and its verify.
  HttpResponse reg_options = app_.RegistrationOptions(R"({"username":"carol"})");
  ASSERT_EQ(reg_options.status, 200) << reg_options.body;
  ASSERT_TRUE(
      app_.store().SetBypass(Decode(JsonString(reg_options.body, "user.id")), app_.now_seconds() + 60).ok());
  test::RegistrationOptions reg;
  reg.client_data.challenge = JsonString(reg_options.body, "challenge");
  HttpResponse refused = app_.RegistrationVerify(bob_key_.Register(reg).Json());
  EXPECT_EQ(ErrorCode(refused), "policy_denied") << refused.body;
  EXPECT_EQ(app_.unsynced_spends_at_last_answer(), 0);
}

TEST_F(WebAuthnApiTest, AssertionStartedBeforeABypassIsRefusedDuringIt) {
  Bytes handle = app_.Enrol("alice", alice_key_);
  HttpResponse options = app_.AuthenticationOptions(R"({"username":"alice"})");
  ASSERT_EQ(options.status, 200) << options.body;
  ASSERT_TRUE(app_.store().SetBypass(handle, app_.now_seconds() + 60).ok());
  std::vector<CredentialRecord> before, after;
  ASSERT_TRUE(app_.store().ListForUser(handle, &before).ok());
  ASSERT_EQ(before.size(), 1u);
  HttpResponse verified = app_.AuthenticationVerify(
      AppFixture::AssertionFor(alice_key_, JsonString(options.body, "challenge"), handle,
                               before[0].sign_count + 1));
  EXPECT_EQ(ErrorCode(verified), "policy_denied");
  // The assertion never reached the pipeline: the counter did not move.
  ASSERT_TRUE(app_.store().ListForUser(handle, &after).ok());
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].sign_count, before[0].sign_count);
}

TEST_F(WebAuthnApiTest, BypassSkipsWebAuthnUntilItExpires) {
  Bytes handle = app_.Enrol("alice", alice_key_);
  ASSERT_TRUE(app_.store().SetBypass(handle, app_.now_seconds() + 60).ok());
  EXPECT_EQ(JsonString(app_.LoginStart(R"({"username":"alice"})").body, "action"), "password");
  EXPECT_EQ(ErrorCode(app_.AuthenticationOptions(R"({"username":"alice"})")), "policy_denied");
  app_.AdvanceMs(61'000);
  EXPECT_EQ(JsonString(app_.LoginStart(R"({"username":"alice"})").body, "action"), "webauthn");
}

TEST_F(WebAuthnApiTest, RateLimitedRequestsAreThrottledAndStoreNothing) {
  app_.SetAdmissionWait(3);
  HttpResponse response = app_.RegistrationOptions(R"({"username":"carol"})");
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(ErrorCode(response), "rate_limited");
  bool has_retry_after = false;
  for (const auto& [name, value] : response.headers) {
    if (name == "retry-after") has_retry_after = value == "3";
  }
  EXPECT_TRUE(has_retry_after);
  std::optional<UserRecord> user;
  ASSERT_TRUE(app_.store().LookupUserByName("carol", &user).ok());
  EXPECT_FALSE(user.has_value());
}

TEST_F(WebAuthnApiTest, GroupsOnlyFromATrustedBackend) {
  HttpResponse response = app_.LoginStart(R"({"username":"alice","groups":["admins"]})");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(ErrorCode(response), "unauthorized");
}

TEST(WebAuthnPolicyTest, RedirectAndDenyRules) {
  AppFixture app(R"(format = 1
[redirect]
allowed_urls = ["https://sso.example.com/"]
[[rule]]
id = "partners"
priority = 10
domains = ["partner.example"]
target = { url = "https://sso.example.com/start" }
[[rule]]
id = "blocked"
priority = 20
users = ["mallory"]
target = "deny"
)");
  HttpResponse redirect = app.LoginStart(R"({"username":"eve@partner.example"})");
  EXPECT_EQ(JsonString(redirect.body, "action"), "redirect");
  EXPECT_EQ(JsonString(redirect.body, "target"), "https://sso.example.com/start");
  EXPECT_EQ(JsonString(app.LoginStart(R"({"username":"mallory"})").body, "action"), "deny");
  HttpResponse enrol = app.RegistrationOptions(R"({"username":"mallory"})");
  EXPECT_EQ(ErrorCode(enrol), "policy_denied");
}

TEST(WebAuthnPolicyTest, TrustedBackendStatesGroups) {
  WebAuthnServiceOptions options = AppFixture::DefaultOptions();
  options.trusted_backend_enabled = true;
  options.trusted_backend_secret = "s3cret";
  AppFixture app(R"(format = 1
[[rule]]
id = "suspended"
priority = 10
groups = ["suspended"]
target = "deny"
)",
                 options);
  HttpRequest request;
  request.body = R"({"username":"alice","groups":["suspended"]})";
  request.headers.emplace_back("x-keystorm-backend-secret", "s3cret");
  std::promise<HttpResponse> answer;
  app.service().LoginStart(std::move(request),
                           Responder([&answer](HttpResponse r) { answer.set_value(std::move(r)); }));
  HttpResponse response = answer.get_future().get();
  EXPECT_EQ(JsonString(response.body, "action"), "deny");
}

// A directory that knows one user and their groups.
class OneUserDirectory : public UserDirectory {
 public:
  Status FindByName(std::string_view name, std::optional<DirectoryUser>* out) override {
    if (name == "alice") {
      *out = DirectoryUser{.name = "alice", .groups = {"suspended"}};
    } else {
      out->reset();
    }
    return Status::Ok();
  }
  Status Upsert(const DirectoryUser&) override { return Status::Ok(); }
  Status Remove(std::string_view) override { return Status::Ok(); }
  Status ApplyBatch(std::span<const DirectoryUser>, std::span<const std::string>) override {
    return Status::Ok();
  }
  Status List(std::string_view, size_t, std::vector<DirectoryUser>*) override {
    return Status::Ok();
  }
};

TEST(WebAuthnPolicyTest, GroupsComeFromTheDirectory) {
  OneUserDirectory directory;
  AppFixture app(R"(format = 1
[[rule]]
id = "suspended"
priority = 10
groups = ["suspended"]
target = "deny"
)",
                 AppFixture::DefaultOptions(), &directory);
  EXPECT_EQ(JsonString(app.LoginStart(R"({"username":"alice"})").body, "action"), "deny");
  EXPECT_EQ(JsonString(app.LoginStart(R"({"username":"bob"})").body, "action"), "register");
}

TEST(ClientAddressTest, ForwardedForOnlyWhenTrusted) {
  auto address_seen = [](bool trusted) {
    WebAuthnServiceOptions options = AppFixture::DefaultOptions();
    options.trust_forwarded_for = trusted;
    AppFixture app(kDefaultPolicyToml, options);
    HttpRequest request;
    request.body = R"({"username":"alice"})";
    request.client_address = "10.0.0.1";  // the load balancer
    request.headers.emplace_back("x-forwarded-for", "198.51.100.7, 203.0.113.9");
    std::promise<HttpResponse> answer;
    app.service().AuthenticationOptions(
        std::move(request), Responder([&answer](HttpResponse r) { answer.set_value(std::move(r)); }));
    answer.get_future().get();
    return app.last_admitted_address();
  };
  EXPECT_EQ(address_seen(false), "10.0.0.1");
  EXPECT_EQ(address_seen(true), "203.0.113.9");  // the entry the balancer appended
}

TEST(UsernameTest, Normalised) {
  EXPECT_EQ(WebAuthnService::NormalizeUsername("  Alice@Example.COM "), "alice@example.com");
  EXPECT_EQ(WebAuthnService::NormalizeUsername(""), "");
  EXPECT_EQ(WebAuthnService::NormalizeUsername("a\nb"), "");
  EXPECT_EQ(WebAuthnService::NormalizeUsername(std::string(257, 'a')), "");
}

}  // namespace
}  // namespace keystorm::server::testing
