// §7.2 A21 (the assertion signature, for every algorithm), A22 (signature
// counter) and A24 (what the verifier returns for the caller to store).
#include <string>

#include "assertion_fixture.h"

namespace keystorm {
namespace {

using test::AssertionOptions;
using test::TestAuthenticator;
using test::TestKey;

constexpr int64_t kAllAlgorithms[] = {-7,   -35,  -36,  -9,  -51, -52, -8,    -19,
                                      -257, -258, -259, -37, -38, -39, -65535};

// ---- A21: signature, per algorithm ----------------------------------------------

class SignatureTest : public AssertionTest, public ::testing::WithParamInterface<int64_t> {
 protected:
  TestAuthenticator auth_{GetParam()};
  test::TestCredentialRecord auth_record_ = auth_.Record();
  VerifyError VerifyAuth(const test::Assertion& a) {
    return Verify(a, Expectations(), auth_record_);
  }
};

TEST_P(SignatureTest, A21_Valid) { EXPECT_VERDICT(VerifyError::kOk, VerifyAuth(auth_.Assert())); }

TEST_P(SignatureTest, A21_TamperedSignature) {
  AssertionOptions o;
  o.corrupt_signature = true;
  EXPECT_VERDICT(VerifyError::kSignatureInvalid, VerifyAuth(auth_.Assert(o)));
}

TEST_P(SignatureTest, A21_SignatureOfAnotherKey) {
  AssertionOptions o;
  o.signing_key = TestKey::Cached(GetParam(), 1);
  EXPECT_VERDICT(VerifyError::kSignatureInvalid, VerifyAuth(auth_.Assert(o)));
}

TEST_P(SignatureTest, A21_AuthDataChangedAfterSigning) {
  test::Assertion a = auth_.Assert();
  a.authenticator_data[36] ^= 0x01;  // signCount's low byte: still well-formed
  EXPECT_VERDICT(VerifyError::kSignatureInvalid, VerifyAuth(a));
}

TEST_P(SignatureTest, A21_ClientDataChangedAfterSigning) {
  test::Assertion a = auth_.Assert();
  a.client_data_json += "\n";  // still the same JSON, but other bytes
  EXPECT_VERDICT(VerifyError::kSignatureInvalid, VerifyAuth(a));
}

TEST_P(SignatureTest, A21_EmptySignature) {
  AssertionOptions o;
  o.signature = Bytes();
  EXPECT_VERDICT(VerifyError::kSignatureInvalid, VerifyAuth(auth_.Assert(o)));
}

TEST_P(SignatureTest, A21_TruncatedSignature) {
  test::Assertion a = auth_.Assert();
  a.signature.pop_back();
  EXPECT_VERDICT(VerifyError::kSignatureInvalid, VerifyAuth(a));
}

TEST_P(SignatureTest, A21_SignatureWithTrailingByte) {
  test::Assertion a = auth_.Assert();
  a.signature.push_back(0x00);
  EXPECT_VERDICT(VerifyError::kSignatureInvalid, VerifyAuth(a));
}

INSTANTIATE_TEST_SUITE_P(EveryAlgorithm, SignatureTest, ::testing::ValuesIn(kAllAlgorithms),
                         [](const ::testing::TestParamInfo<int64_t>& p) {
                           return std::string(CoseAlgorithmName(p.param));
                         });

// ECDSA signatures must be ASN.1 DER (§6.5.5), not the raw r ‖ s of COSE.
TEST_F(AssertionTest, A21_EcdsaRawSignatureRejected) {
  test::Assertion a = es256_.Assert();
  // DER: 30 len 02 rlen r 02 slen s; keep r and s as 32-byte big-endian.
  const Bytes& der = a.signature;
  size_t r_len = der[3];
  Bytes r(der.begin() + 4, der.begin() + 4 + static_cast<std::ptrdiff_t>(r_len));
  Bytes s(der.begin() + 6 + static_cast<std::ptrdiff_t>(r_len), der.end());
  auto fixed = [](Bytes v) {
    while (v.size() > 32) v.erase(v.begin());
    v.insert(v.begin(), 32 - v.size(), 0);
    return v;
  };
  Bytes raw = fixed(r);
  Bytes s32 = fixed(s);
  raw.insert(raw.end(), s32.begin(), s32.end());
  AssertionOptions o;
  o.signature = raw;
  EXPECT_VERDICT(VerifyError::kSignatureInvalid, Verify(o));
}

// ---- A22: signature counter --------------------------------------------------------

class SignCountTest : public AssertionTest {
 protected:
  VerifyError VerifyCounts(uint32_t stored, uint32_t received,
                           SignCountPolicy policy = SignCountPolicy::kReject) {
    record_.sign_count = stored;
    AssertionOptions o;
    o.sign_count = received;
    AssertionExpectations e = Expectations();
    e.requirements.sign_count_policy = policy;
    update_ = CredentialUpdate();
    return Verify(es256_.Assert(o), e);
  }
};

TEST_F(SignCountTest, A22_BothZeroAccepted) {
  EXPECT_VERDICT(VerifyError::kOk, VerifyCounts(0, 0));
  EXPECT_EQ(update_.sign_count, 0u);
  EXPECT_FALSE(update_.sign_count_regressed);
}

TEST_F(SignCountTest, A22_IncreaseAccepted) {
  EXPECT_VERDICT(VerifyError::kOk, VerifyCounts(41, 42));
  EXPECT_EQ(update_.sign_count, 42u);
  EXPECT_FALSE(update_.sign_count_regressed);
}

TEST_F(SignCountTest, A22_FirstNonZeroAccepted) {
  EXPECT_VERDICT(VerifyError::kOk, VerifyCounts(0, 1));
  EXPECT_EQ(update_.sign_count, 1u);
}

TEST_F(SignCountTest, A22_EqualIsRegression) {
  EXPECT_VERDICT(VerifyError::kSignCountRegression, VerifyCounts(42, 42));
}

TEST_F(SignCountTest, A22_LowerIsRegression) {
  EXPECT_VERDICT(VerifyError::kSignCountRegression, VerifyCounts(42, 41));
}

TEST_F(SignCountTest, A22_ZeroAfterNonZeroIsRegression) {
  EXPECT_VERDICT(VerifyError::kSignCountRegression, VerifyCounts(42, 0));
}

TEST_F(SignCountTest, A22_MaximumCounterAccepted) {
  EXPECT_VERDICT(VerifyError::kOk, VerifyCounts(0xFFFFFFFE, 0xFFFFFFFF));
  EXPECT_EQ(update_.sign_count, 0xFFFFFFFFu);
}

TEST_F(SignCountTest, A22_WarnPolicyAcceptsFlagsAndNeverLowers) {
  EXPECT_VERDICT(VerifyError::kOk, VerifyCounts(42, 41, SignCountPolicy::kWarn));
  EXPECT_TRUE(update_.sign_count_regressed);
  EXPECT_EQ(update_.sign_count, 42u);

  EXPECT_VERDICT(VerifyError::kOk, VerifyCounts(42, 42, SignCountPolicy::kWarn));
  EXPECT_TRUE(update_.sign_count_regressed);
  EXPECT_EQ(update_.sign_count, 42u);

  EXPECT_VERDICT(VerifyError::kOk, VerifyCounts(42, 0, SignCountPolicy::kWarn));
  EXPECT_TRUE(update_.sign_count_regressed);
  EXPECT_EQ(update_.sign_count, 42u);
}

TEST_F(SignCountTest, A22_WarnPolicyDoesNotFlagAnIncrease) {
  EXPECT_VERDICT(VerifyError::kOk, VerifyCounts(42, 43, SignCountPolicy::kWarn));
  EXPECT_FALSE(update_.sign_count_regressed);
  EXPECT_EQ(update_.sign_count, 43u);
}

// ---- A24: the update returned for the caller to store --------------------------------

TEST_F(AssertionTest, A24_ReturnsBackupStateAndUvInitialized) {
  record_.backup_eligible = true;
  record_.uv_initialized = false;
  AssertionOptions o;
  o.flags = kFlagUserPresent | kFlagUserVerified | kFlagBackupEligible | kFlagBackupState;
  o.sign_count = 9;
  EXPECT_VERDICT(VerifyError::kOk, Verify(o));
  EXPECT_EQ(update_.sign_count, 9u);
  EXPECT_TRUE(update_.backup_state);
  EXPECT_TRUE(update_.uv_initialized);
  EXPECT_TRUE(update_.user_verified);
  EXPECT_FALSE(update_.sign_count_regressed);
}

TEST_F(AssertionTest, A24_BackupStateCleared) {
  record_.backup_eligible = true;
  AssertionOptions o;
  o.flags = kFlagUserPresent | kFlagBackupEligible;  // BS now 0
  EXPECT_VERDICT(VerifyError::kOk, Verify(o));
  EXPECT_FALSE(update_.backup_state);
}

TEST_F(AssertionTest, A24_UvInitializedStaysFalseWithoutUv) {
  AssertionOptions o;
  o.flags = kFlagUserPresent;
  EXPECT_VERDICT(VerifyError::kOk, Verify(o));
  EXPECT_FALSE(update_.uv_initialized);
  EXPECT_FALSE(update_.user_verified);
}

TEST_F(AssertionTest, A24_UvInitializedNeverReset) {
  record_.uv_initialized = true;
  AssertionOptions o;
  o.flags = kFlagUserPresent;  // this assertion did not verify the user
  EXPECT_VERDICT(VerifyError::kOk, Verify(o));
  EXPECT_TRUE(update_.uv_initialized);
  EXPECT_FALSE(update_.user_verified);
}

TEST_F(AssertionTest, A24_NothingReturnedOnFailure) {
  update_.sign_count = 1234;
  AssertionOptions o;
  o.corrupt_signature = true;
  EXPECT_VERDICT(VerifyError::kSignatureInvalid, Verify(o));
  EXPECT_EQ(update_.sign_count, 1234u);
}

}  // namespace
}  // namespace keystorm
