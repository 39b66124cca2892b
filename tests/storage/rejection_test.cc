// A rejected ceremony leaves the store byte-identical except for the one
// consumed challenge (matrix CHL-02: consumed on failure too).  End to end:
// sealed challenges, the batched pipeline and the RocksDB store, compared
// key by key in every column family before and after.
#include <gtest/gtest.h>

#include "keystorm/base64url.h"
#include "keystorm/pipeline.h"
#include "keystorm/storage/challenge_redeem.h"
#include "keystorm/storage/rocks_store.h"
#include "keystorm/test/test_authenticator.h"
#include "raw_db.h"
#include "store_test_util.h"

namespace keystorm::storage::testing {
namespace {

using keystorm::test::AssertionOptions;
using keystorm::test::RegistrationOptions;
using keystorm::test::TestAuthenticator;

constexpr int64_t kNow = 1'800'000'000'000;

class RejectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.path = dir_.Sub("db");
    config_.challenge_sweep_interval_ms = 0;
    ChallengeKey key;
    key.id = 1;
    key.secret.fill(0x5c);
    auto sealer = ChallengeSealer::Create({key}, 300'000);
    ASSERT_TRUE(sealer.has_value());
    sealer_.emplace(std::move(sealer.value()));
    RelyingPartyConfig rp;
    rp.rp_id = keystorm::test::kRpId;
    rp.origins = {keystorm::test::kOrigin};
    verifier_.emplace(rp);
    Open();
  }
  void TearDown() override { Close(); }

  void Open() {
    auto store = RocksCredentialStore::Open(config_);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(store.value());
    pipeline_ =
        std::make_unique<Pipeline>(&*verifier_, store_.get(), PipelineOptions{.workers = 2});
  }
  void Close() {
    pipeline_.reset();
    store_.reset();
  }
  // Every key and value of every family, read with plain RocksDB.
  std::map<std::string, std::map<std::string, std::string>> Dump() {
    Close();
    std::map<std::string, std::map<std::string, std::string>> out;
    {
      RawDb raw(config_.path);
      EXPECT_TRUE(raw.status().ok()) << raw.status().ToString();
      out = raw.Dump();
    }
    Open();
    return out;
  }

  // Issues a challenge and redeems it as the server would before verifying:
  // the base64url text to put into the ceremony, or "" if refused.
  std::string Redeem(CeremonyKind kind, const Bytes& user, const std::string& reuse = "") {
    std::string text = reuse;
    if (text.empty()) {
      auto c = sealer_->Issue(kind, user, kNow);
      EXPECT_TRUE(c.has_value());
      text = Base64UrlEncode(c.value());
    }
    ChallengeCheck check{};
    EXPECT_TRUE(
        RedeemChallengeText(*sealer_, store_.get(), text, kind, user, kNow + 10, &check).ok());
    return check == ChallengeCheck::kOk ? text : "";
  }

  VerifyError Register(const TestAuthenticator& a, const Bytes& user, RegistrationOptions o = {}) {
    std::string challenge = Redeem(CeremonyKind::kRegistration, user);
    EXPECT_FALSE(challenge.empty());
    o.client_data.challenge = challenge;
    RegistrationJob job;
    job.response_json = a.Register(o).Json();
    job.expected.challenge = challenge;
    job.user_handle = user;
    job.now = 1'800'000'000;
    RegistrationOutcome out = pipeline_->SubmitRegistration(std::move(job)).get();
    EXPECT_TRUE(out.status.ok()) << out.status.ToString();
    return out.verdict;
  }

  VerifyError Login(const TestAuthenticator& a, AssertionOptions o, std::string* challenge_used) {
    std::string challenge = Redeem(CeremonyKind::kAuthentication, a.user_handle());
    EXPECT_FALSE(challenge.empty());
    if (challenge_used != nullptr) *challenge_used = challenge;
    o.client_data.challenge = challenge;
    AssertionJob job;
    job.response_json = a.Assert(o).Json();
    job.expected.challenge = challenge;
    job.expected.user_handle = a.user_handle();
    AssertionOutcome out = pipeline_->SubmitAssertion(std::move(job)).get();
    EXPECT_TRUE(out.status.ok()) << out.status.ToString();
    return out.verdict;
  }

  ScratchDir dir_;
  StoreConfig config_;
  std::optional<ChallengeSealer> sealer_;
  std::optional<Verifier> verifier_;
  std::unique_ptr<RocksCredentialStore> store_;
  std::unique_ptr<Pipeline> pipeline_;
};

TEST_F(RejectionTest, RejectedCeremoniesChangeNothingButTheirConsumedChallenge) {
  TestAuthenticator alice(-7);
  UserInsertOutcome outcome{};
  UserRecord user = MakeUser("", "alice");
  user.user_handle = alice.user_handle();
  ASSERT_TRUE(store_->InsertUserIfAbsent(user, &outcome).ok());
  ASSERT_EQ(Register(alice, alice.user_handle()), VerifyError::kOk);
  AssertionOptions ok;
  ok.sign_count = 5;
  ASSERT_EQ(Login(alice, ok, nullptr), VerifyError::kOk);

  auto before = Dump();
  ASSERT_EQ(before[layout::kCredentialsCf].size(), 1u);

  // 1. A bad signature (A21).
  AssertionOptions bad_sig;
  bad_sig.sign_count = 6;
  bad_sig.corrupt_signature = true;
  std::string spent;
  EXPECT_EQ(Login(alice, bad_sig, &spent), VerifyError::kSignatureInvalid);
  // 2. A counter that went backwards (A22).
  AssertionOptions regressed;
  regressed.sign_count = 3;
  EXPECT_EQ(Login(alice, regressed, nullptr), VerifyError::kSignCountRegression);
  // 3. The same credential ID registered to another account (R26, REG-02).
  EXPECT_EQ(Register(alice, B("mallory")), VerifyError::kCredentialAlreadyRegistered);
  // 4. A phishing origin (stateless refusal).
  AssertionOptions phished;
  phished.sign_count = 7;
  phished.client_data.origin = "https://evil.example";
  EXPECT_EQ(Login(alice, phished, nullptr), VerifyError::kOriginMismatch);
  // 5. Retrying the first response's challenge (CHL-02): refused before the
  // verifier and without writing anything at all.
  EXPECT_EQ(Redeem(CeremonyKind::kAuthentication, alice.user_handle(), spent), "");

  auto after = Dump();
  for (const char* family : layout::kColumnFamilies) {
    if (std::string_view(family) == layout::kChallengesCf) continue;
    EXPECT_EQ(before[family], after[family]) << "column family " << family << " changed";
  }
  auto& old_challenges = before[layout::kChallengesCf];
  auto& new_challenges = after[layout::kChallengesCf];
  EXPECT_EQ(new_challenges.size(), old_challenges.size() + 4) << "one per rejected ceremony";
  for (const auto& [key, value] : old_challenges) {
    EXPECT_EQ(new_challenges.count(key), 1u);
    EXPECT_EQ(new_challenges[key], value);
  }
}

}  // namespace
}  // namespace keystorm::storage::testing
