// Requests rebuilt from corpus records verify with the engine; re-signing
// over a fresh challenge (HTTP mode) gives a request that verifies too, and
// keeps the login's fault.
#include <gtest/gtest.h>

#include "keystorm/base64url.h"
#include "keystorm/corpus/corpus_generator.h"
#include "keystorm/corpus/login_builder.h"
#include "keystorm/verifier.h"
#include "keystorm/webauthn_json.h"

namespace keystorm::corpus {
namespace {

class LoginBuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GeneratorOptions o;
    o.seed = 21;
    o.users = 9;
    o.logins = 200;
    o.mix = {1, 1, 1};
    ASSERT_TRUE(ParseFaults("bad_signature=0.05,wrong_origin=0.05,malformed_body=0.05", &o).ok());
    Result<ReplayCorpus> c = GenerateReplayCorpus(o);
    ASSERT_TRUE(c.has_value());
    corpus_ = std::move(*c);
    RelyingPartyConfig rp;
    rp.rp_id = corpus_.rp_id;
    rp.origins = {corpus_.origin};
    verifier_ = std::make_unique<Verifier>(rp);
  }

  // Verifies `json` for `login`'s credential with the stored counter 0 and
  // the given challenge.
  VerifyError Verify(const CorpusLogin& login, const std::string& json,
                     const std::string& challenge) {
    AuthenticationResponse response;
    VerifyError parsed = ParseAuthenticationResponseJson(json, &scratch_, &response);
    if (parsed != VerifyError::kOk) return parsed;
    const CorpusCredential& cred = corpus_.CredentialOf(login);
    std::unique_ptr<PublicKey> key;
    EXPECT_EQ(PublicKey::Parse(cred.cose_key, &key), VerifyError::kOk);
    StoredCredential stored;
    stored.id = cred.credential_id;
    stored.user_handle = cred.user_handle;
    stored.public_key = key.get();
    stored.backup_eligible = cred.backup_eligible;
    AssertionExpectations expected;
    expected.challenge = challenge;
    expected.requirements.user_verification_required = true;
    CredentialUpdate update;
    return verifier_->VerifyAssertion(response, expected, &stored, &scratch_, &update);
  }

  ReplayCorpus corpus_;
  std::unique_ptr<Verifier> verifier_;
  JsonScratch scratch_;
};

TEST_F(LoginBuilderTest, RecordedRequestsGetTheirExpectedVerdict) {
  int checked = 0;
  for (const CorpusLogin& login : corpus_.logins) {
    std::string json = LoginAssertionJson(corpus_, login);
    EXPECT_EQ(Verify(login, json, Base64UrlEncode(login.challenge)), login.expected)
        << FaultName(login.fault);
    ++checked;
  }
  EXPECT_EQ(checked, 200);
}

TEST_F(LoginBuilderTest, ResignedRequestsVerifyOverTheFreshChallengeOnly) {
  const std::string fresh = "ZnJlc2gtY2hhbGxlbmdlLWZyb20tYS1zZXJ2ZXI";
  std::vector<std::unique_ptr<CredentialSigner>> signers;
  for (const CorpusCredential& c : corpus_.credentials) {
    Result<std::unique_ptr<CredentialSigner>> s = CredentialSigner::Create(c);
    ASSERT_TRUE(s.has_value());
    signers.push_back(std::move(*s));
  }
  for (const CorpusLogin& login : corpus_.logins) {
    std::string json = ResignedAssertionJson(corpus_, login, *signers[login.credential], fresh);
    EXPECT_EQ(Verify(login, json, fresh), login.expected) << FaultName(login.fault);
    if (login.fault == Fault::kNone) {
      // The old challenge no longer matches.
      EXPECT_EQ(Verify(login, json, Base64UrlEncode(login.challenge)),
                VerifyError::kChallengeMismatch);
    }
  }
}

TEST_F(LoginBuilderTest, SignerRefusesAKeyOfTheWrongShape) {
  CorpusCredential c = corpus_.credentials[0];
  c.private_key.resize(5);
  Result<std::unique_ptr<CredentialSigner>> s = CredentialSigner::Create(c);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code(), Status::Code::kInvalidArgument);
}

TEST(LoginBuilder, RsaKeysAreDeterministic2048BitKeys) {
  Result<CorpusCredential> a = NewCorpusCredential(AuthenticatorKind::kHello, -257, 77);
  Result<CorpusCredential> b = NewCorpusCredential(AuthenticatorKind::kHello, -257, 77);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->cose_key, b->cose_key);
  std::unique_ptr<PublicKey> key;
  ASSERT_EQ(PublicKey::Parse(a->cose_key, &key), VerifyError::kOk);  // refuses weak RSA
  EXPECT_EQ(a->private_key.size(), 256u);
}

}  // namespace
}  // namespace keystorm::corpus
