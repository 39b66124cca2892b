// keystorm::RelyingParty end to end: options out, the test authenticator's
// responses in, with the in-memory and the RocksDB stores; every failure
// with its outcome code; the asynchronous path; decisions by directory group.
#include "keystorm/relying_party.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <latch>
#include <thread>

#include "keystorm/base64url.h"
#include "keystorm/policy/policy.h"
#include "keystorm/storage/memory_store.h"
#include "keystorm/storage/memory_user_directory.h"
#include "keystorm/storage/rocks_store.h"
#include "keystorm/storage/rocks_user_directory.h"
#include "keystorm/test/forwarding_store.h"
#include "keystorm/test/test_authenticator.h"

namespace keystorm {
namespace {

constexpr int64_t kStartMs = 1'800'000'000'000;

DirectoryUser User(std::string name, std::vector<std::string> groups = {}) {
  DirectoryUser u;
  u.name = std::move(name);
  u.display_name = "Display " + u.name;
  u.groups = std::move(groups);
  return u;
}

class RelyingPartyTest : public ::testing::Test {
 protected:
  void SetUp() override { Build(nullptr); }
  // A login held at gate_ would keep the pipeline's destructor waiting.
  void TearDown() override {
    if (gate_) gate_->Open();
  }

  void Build(std::shared_ptr<const policy::CompiledPolicy> policy) {
    rp_.reset();
    RelyingPartyOptions options;
    options.rp_id = test::kRpId;
    options.rp_name = "Example";
    options.origins = {test::kOrigin};
    options.policy = std::move(policy);
    options.pipeline.workers = 2;
    options.now_ms = [this] { return now_ms_.load(); };
    for (const char* name : {"alice", "bob", "mallory"}) {
      ASSERT_TRUE(directory_.Upsert(User(name, name == std::string("mallory")
                                                   ? std::vector<std::string>{"suspended"}
                                                   : std::vector<std::string>{}))
                      .ok());
    }
    auto rp = RelyingParty::Create(std::move(options), store_, &directory_);
    ASSERT_TRUE(rp) << rp.error().ToString();
    rp_ = std::move(rp.value());
  }

  // Registers `authenticator` for `name`; returns the account's handle.
  Bytes Register(const test::TestAuthenticator& authenticator, std::string_view name) {
    RegistrationStart start = rp_->StartRegistration(name);
    EXPECT_TRUE(start.status.ok()) << start.status.ToString();
    test::RegistrationOptions ro;
    ro.client_data.challenge = start.challenge;
    RegistrationResult result = rp_->FinishRegistration(name, authenticator.Register(ro).Json());
    EXPECT_TRUE(result.ok()) << VerifyErrorName(result.outcome) << " " << result.status.ToString();
    return start.user_handle;
  }

  std::string Assertion(const test::TestAuthenticator& authenticator, const Bytes& handle,
                        std::optional<std::string_view> name, uint32_t sign_count,
                        test::AssertionOptions ao = {}) {
    AuthenticationStart start = rp_->StartAuthentication(name);
    EXPECT_TRUE(start.status.ok()) << start.status.ToString();
    ao.client_data.challenge = start.challenge;
    ao.user_handle = handle;
    ao.sign_count = sign_count;
    return authenticator.Assert(ao).Json();
  }

  std::atomic<int64_t> now_ms_{kStartMs};
  storage::MemoryCredentialStore memory_store_;
  CredentialStore* store_ = &memory_store_;
  // Set by tests that hold the pipeline's lookups (declared before rp_, so
  // it outlives the pipeline that calls it).
  std::unique_ptr<test::LookupGateStore> gate_;
  storage::MemoryUserDirectory directory_;
  std::unique_ptr<RelyingParty> rp_;
  test::TestAuthenticator es256_{-7};
};

TEST_F(RelyingPartyTest, CreationOptionsNameTheUserAndTheRp) {
  RegistrationStart start = rp_->StartRegistration("alice");
  ASSERT_TRUE(start.status.ok()) << start.status.ToString();
  EXPECT_EQ(start.user_handle.size(), 32u);
  EXPECT_EQ(start.display_name, "Display alice");
  EXPECT_EQ(start.algorithms, (std::vector<int64_t>{-7, -8, -257}));
  EXPECT_NE(start.json.find("\"rp\":{\"id\":\"example.org\",\"name\":\"Example\"}"),
            std::string::npos)
      << start.json;
  EXPECT_NE(start.json.find("\"challenge\":\"" + start.challenge + "\""), std::string::npos);
  EXPECT_NE(start.json.find("\"id\":\"" + Base64UrlEncode(start.user_handle) + "\""),
            std::string::npos);
  // A second start keeps the account and its handle.
  EXPECT_EQ(rp_->StartRegistration("alice").user_handle, start.user_handle);
}

TEST_F(RelyingPartyTest, RegisterThenAuthenticateWithAndWithoutAName) {
  Bytes handle = Register(es256_, "alice");
  AuthenticationStart named = rp_->StartAuthentication("alice");
  ASSERT_EQ(named.allow_credentials.size(), 1u);
  EXPECT_EQ(named.allow_credentials[0], es256_.credential_id());

  AuthenticationResult result = rp_->FinishAuthentication(Assertion(es256_, handle, "alice", 1));
  ASSERT_TRUE(result.ok()) << VerifyErrorName(result.outcome) << " " << result.status.ToString();
  EXPECT_EQ(result.user_name, "alice");
  EXPECT_EQ(result.user_handle, handle);
  EXPECT_EQ(result.credential_id, es256_.credential_id());
  EXPECT_EQ(result.sign_count, 1u);
  EXPECT_TRUE(result.user_verified);

  AuthenticationResult usernameless =
      rp_->FinishAuthentication(Assertion(es256_, handle, std::nullopt, 2));
  ASSERT_TRUE(usernameless.ok()) << VerifyErrorName(usernameless.outcome);
  EXPECT_EQ(usernameless.user_name, "alice");
  EXPECT_EQ(usernameless.sign_count, 2u);
}

TEST_F(RelyingPartyTest, ExcludeCredentialsListsWhatTheUserHas) {
  Register(es256_, "alice");
  RegistrationStart again = rp_->StartRegistration("alice");
  ASSERT_EQ(again.exclude_credentials.size(), 1u);
  EXPECT_EQ(again.exclude_credentials[0], es256_.credential_id());
  // Registering the same credential again is refused (R26).
  test::RegistrationOptions ro;
  ro.client_data.challenge = again.challenge;
  EXPECT_EQ(rp_->FinishRegistration("alice", es256_.Register(ro).Json()).outcome,
            VerifyError::kCredentialAlreadyRegistered);
}

TEST_F(RelyingPartyTest, RegistrationFailuresCarryTheirCodes) {
  RegistrationStart start = rp_->StartRegistration("alice");
  test::RegistrationOptions ro;
  ro.client_data.challenge = start.challenge;
  ro.client_data.origin = "https://evil.example";
  EXPECT_EQ(rp_->FinishRegistration("alice", es256_.Register(ro).Json()).outcome,
            VerifyError::kOriginMismatch);
  // That challenge is spent, even though the ceremony failed.
  ro.client_data.origin = test::kOrigin;
  EXPECT_EQ(rp_->FinishRegistration("alice", es256_.Register(ro).Json()).outcome,
            VerifyError::kChallengeUnknown);
  // A challenge issued for alice does not register bob.
  RegistrationStart for_alice = rp_->StartRegistration("alice");
  ASSERT_TRUE(rp_->StartRegistration("bob").status.ok());
  ro.client_data.challenge = for_alice.challenge;
  EXPECT_EQ(rp_->FinishRegistration("bob", es256_.Register(ro).Json()).outcome,
            VerifyError::kChallengeUnknown);
  // No start at all for carol (and she is not in the directory).
  EXPECT_EQ(rp_->StartRegistration("carol").status.code(), Status::Code::kNotFound);
  EXPECT_EQ(rp_->FinishRegistration("carol", es256_.Register(ro).Json()).outcome,
            VerifyError::kChallengeUnknown);
  EXPECT_EQ(rp_->FinishRegistration("alice", "{not json").outcome,
            VerifyError::kMalformedRequest);
  EXPECT_EQ(rp_->StartRegistration("").status.code(), Status::Code::kInvalidArgument);
}

TEST_F(RelyingPartyTest, AuthenticationFailuresCarryTheirCodes) {
  Bytes handle = Register(es256_, "alice");
  std::string good = Assertion(es256_, handle, "alice", 5);
  ASSERT_TRUE(rp_->FinishAuthentication(good).ok());
  EXPECT_EQ(rp_->FinishAuthentication(good).outcome, VerifyError::kChallengeUnknown);  // replay

  test::AssertionOptions bad_signature;
  bad_signature.corrupt_signature = true;
  EXPECT_EQ(rp_->FinishAuthentication(Assertion(es256_, handle, "alice", 6, bad_signature)).outcome,
            VerifyError::kSignatureInvalid);
  EXPECT_EQ(rp_->FinishAuthentication(Assertion(es256_, handle, "alice", 3)).outcome,
            VerifyError::kSignCountRegression);

  test::TestAuthenticator stranger(-7, 1);
  EXPECT_EQ(rp_->FinishAuthentication(Assertion(stranger, stranger.user_handle(), std::nullopt, 1))
                .outcome,
            VerifyError::kUnknownCredential);

  // A challenge bound to bob, answered with alice's credential.
  Register(test::TestAuthenticator(-7, 2), "bob");
  EXPECT_EQ(rp_->FinishAuthentication(Assertion(es256_, handle, "bob", 7)).outcome,
            VerifyError::kChallengeUnknown);

  // A registration challenge is not a login challenge.
  RegistrationStart registration = rp_->StartRegistration("alice");
  test::AssertionOptions ao;
  ao.client_data.challenge = registration.challenge;
  ao.user_handle = handle;
  ao.sign_count = 8;
  EXPECT_EQ(rp_->FinishAuthentication(es256_.Assert(ao).Json()).outcome,
            VerifyError::kChallengeUnknown);

  // Expired: the clock moves past the challenge's lifetime.
  std::string late = Assertion(es256_, handle, "alice", 9);
  now_ms_ += rp_->options().challenge_ttl_ms + 1;
  EXPECT_EQ(rp_->FinishAuthentication(late).outcome, VerifyError::kChallengeUnknown);
  EXPECT_EQ(rp_->FinishAuthentication("[]").outcome, VerifyError::kMalformedRequest);
}

TEST_F(RelyingPartyTest, SubmitAuthenticationCompletesOnThePipeline) {
  Bytes handle = Register(es256_, "alice");
  constexpr int kLogins = 40;
  std::vector<std::string> responses;
  for (int i = 0; i < kLogins; ++i) {
    responses.push_back(Assertion(es256_, handle, "alice", 0));  // counter 0: no ordering needed
  }
  std::latch finished(kLogins);
  std::atomic<int> ok{0};
  std::vector<std::thread> submitters;
  for (int t = 0; t < 4; ++t) {
    submitters.emplace_back([&, t] {
      for (int i = t; i < kLogins; i += 4) {
        Status s = rp_->SubmitAuthentication(responses[i], [&](AuthenticationResult&& r) {
          if (r.ok() && r.user_name == "alice") ++ok;
          finished.count_down();
        });
        EXPECT_TRUE(s.ok()) << s.ToString();
      }
    });
  }
  for (std::thread& t : submitters) t.join();
  finished.wait();
  EXPECT_EQ(ok.load(), kLogins);
}

// A full pipeline refuses at once, before the challenge is spent: the same
// response goes through once there is room.
TEST_F(RelyingPartyTest, AFullPipelineRefusesWithoutSpendingTheChallenge) {
  Bytes handle = Register(es256_, "alice");
  RelyingPartyOptions options = rp_->options();
  options.pipeline.max_in_flight = 1;
  rp_.reset();
  // The first login stays in the pipeline, holding its only place, until
  // the gate opens.
  gate_ = std::make_unique<test::LookupGateStore>(&memory_store_);
  auto small = RelyingParty::Create(options, gate_.get(), &directory_);
  ASSERT_TRUE(small) << small.error().ToString();
  rp_ = std::move(small.value());

  std::string first = Assertion(es256_, handle, "alice", 0);
  std::string second = Assertion(es256_, handle, "alice", 0);
  std::promise<AuthenticationResult> first_done;
  ASSERT_TRUE(rp_->SubmitAuthentication(first, [&](AuthenticationResult&& r) {
                   first_done.set_value(std::move(r));
                 }).ok());
  std::atomic<bool> second_ran{false};
  Status refused =
      rp_->SubmitAuthentication(second, [&](AuthenticationResult&&) { second_ran = true; });
  EXPECT_EQ(refused.code(), Status::Code::kOverloaded) << refused.ToString();
  gate_->Open();
  AuthenticationResult first_result = first_done.get_future().get();
  EXPECT_TRUE(first_result.ok()) << VerifyErrorName(first_result.outcome);
  EXPECT_FALSE(second_ran.load());
  // The place is free once the first login has its answer, and the refused
  // response's challenge was not spent.
  AuthenticationResult retried = rp_->FinishAuthentication(second);
  EXPECT_TRUE(retried.ok()) << VerifyErrorName(retried.outcome) << retried.status.ToString();
}

TEST_F(RelyingPartyTest, AnEarlyVerdictIsDeliveredThroughTheCallback) {
  std::optional<AuthenticationResult> got;
  Status s = rp_->SubmitAuthentication("not json", [&](AuthenticationResult&& r) { got = r; });
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(got);
  EXPECT_EQ(got->outcome, VerifyError::kMalformedRequest);
}

constexpr std::string_view kPolicy = R"toml(
format = 1
[authenticator.strict]
user_verification = "required"

[[rule]]
id = "suspended"
priority = 10
groups = ["suspended"]
target = "deny"

[[rule]]
id = "strict-uv"
priority = 20
groups = ["uv-required"]
authenticator = "strict"
)toml";

TEST_F(RelyingPartyTest, ThePolicyDecidesByDirectoryGroup) {
  auto policy = policy::LoadPolicy(kPolicy, 1, nullptr);
  ASSERT_TRUE(policy) << policy.error().ToString();
  Build(policy.value());

  EXPECT_EQ(rp_->StartRegistration("mallory").outcome, VerifyError::kPolicyDenied);
  std::optional<UserRecord> no_account;
  ASSERT_TRUE(store_->LookupUserByName("mallory", &no_account).ok());
  EXPECT_FALSE(no_account.has_value()) << "a refused registration created an account";
  EXPECT_EQ(rp_->StartAuthentication("mallory").outcome, VerifyError::kPolicyDenied);

  // Without UV, bob passes; once the directory puts him in uv-required, the
  // same kind of assertion fails user_not_verified.
  test::TestAuthenticator bobs(-7, 3);
  Bytes handle = Register(bobs, "bob");
  test::AssertionOptions no_uv;
  no_uv.flags = kFlagUserPresent;
  EXPECT_TRUE(rp_->FinishAuthentication(Assertion(bobs, handle, "bob", 1, no_uv)).ok());
  ASSERT_TRUE(directory_.Upsert(User("bob", {"uv-required"})).ok());
  EXPECT_EQ(rp_->StartAuthentication("bob").user_verification, "required");
  EXPECT_EQ(rp_->FinishAuthentication(Assertion(bobs, handle, "bob", 2, no_uv)).outcome,
            VerifyError::kUserNotVerified);
  EXPECT_TRUE(rp_->FinishAuthentication(Assertion(bobs, handle, "bob", 3)).ok());
}

TEST(RelyingPartyCreateTest, RefusesAnIncompleteConfiguration) {
  storage::MemoryCredentialStore store;
  RelyingPartyOptions options;
  options.rp_id = "example.org";
  EXPECT_EQ(RelyingParty::Create(options, &store, nullptr).error().code(),
            Status::Code::kInvalidArgument);  // no origins
  options.origins = {"https://example.org"};
  EXPECT_EQ(RelyingParty::Create(options, nullptr, nullptr).error().code(),
            Status::Code::kInvalidArgument);
  options.challenge_ttl_ms = 0;
  EXPECT_EQ(RelyingParty::Create(options, &store, nullptr).error().code(),
            Status::Code::kInvalidArgument);
}

// The same round trip over the RocksDB store and directory, across a restart
// with the same challenge keys: a ceremony started before it finishes after.
TEST(RelyingPartyRocksTest, ACeremonyStartedBeforeARestartFinishesAfterIt) {
  const char* base = std::getenv("TMPDIR");
  std::string dir = std::string(base && *base ? base : "/tmp") + "/keystorm-rp-XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  storage::StoreConfig config;
  config.path = dir + "/db";
  config.challenge_sweep_interval_ms = 0;
  storage::ChallengeKey key;
  key.id = 7;
  key.secret.fill(0x42);
  auto open = [&](std::unique_ptr<storage::RocksCredentialStore>* store,
                  std::unique_ptr<storage::RocksUserDirectory>* directory,
                  std::unique_ptr<RelyingParty>* rp) {
    auto opened = storage::RocksCredentialStore::Open(config);
    ASSERT_TRUE(opened) << opened.error().ToString();
    *store = std::move(opened.value());
    *directory = std::make_unique<storage::RocksUserDirectory>(store->get());
    RelyingPartyOptions options;
    options.rp_id = test::kRpId;
    options.origins = {test::kOrigin};
    options.challenge_keys = {key};
    options.now_ms = [] { return kStartMs; };
    auto created = RelyingParty::Create(options, store->get(), directory->get());
    ASSERT_TRUE(created) << created.error().ToString();
    *rp = std::move(created.value());
  };
  test::TestAuthenticator authenticator(-7);
  std::string pending_login;
  Bytes handle;
  {
    std::unique_ptr<storage::RocksCredentialStore> store;
    std::unique_ptr<storage::RocksUserDirectory> directory;
    std::unique_ptr<RelyingParty> rp;
    open(&store, &directory, &rp);
    ASSERT_TRUE(directory->Upsert(User("alice")).ok());
    RegistrationStart start = rp->StartRegistration("alice");
    ASSERT_TRUE(start.status.ok()) << start.status.ToString();
    handle = start.user_handle;
    test::RegistrationOptions ro;
    ro.client_data.challenge = start.challenge;
    RegistrationResult registered = rp->FinishRegistration("alice", authenticator.Register(ro).Json());
    ASSERT_TRUE(registered.ok()) << VerifyErrorName(registered.outcome);
    test::AssertionOptions ao;
    ao.client_data.challenge = rp->StartAuthentication("alice").challenge;
    ao.user_handle = handle;
    pending_login = authenticator.Assert(ao).Json();
  }
  {
    std::unique_ptr<storage::RocksCredentialStore> store;
    std::unique_ptr<storage::RocksUserDirectory> directory;
    std::unique_ptr<RelyingParty> rp;
    open(&store, &directory, &rp);
    AuthenticationResult result = rp->FinishAuthentication(pending_login);
    EXPECT_TRUE(result.ok()) << VerifyErrorName(result.outcome) << result.status.ToString();
    EXPECT_EQ(result.user_name, "alice");
    EXPECT_EQ(rp->FinishAuthentication(pending_login).outcome, VerifyError::kChallengeUnknown);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace keystorm
