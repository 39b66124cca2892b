// §8.9 compound: every sub-statement must verify; compound does not nest.
// The sub-statements are apple and android-key statements built here for one
// credential key (both bind their leaf certificate to it).
#include <gtest/gtest.h>
#include <openssl/nid.h>

#include "attestation_test_support.h"

namespace keystorm::testing {
namespace {

class CompoundTest : public ::testing::Test {
 protected:
  CompoundTest()
      : cred_key_(NewEcKey(NID_X9_62_prime256v1)),
        ceremony_(cred_key_.get(), -7),
        ca_(MakeCa("Keystorm test compound CA")) {}

  Cbor AppleStatement(ByteView nonce) const {
    return MakeAppleStatement(cred_key_.get(), ca_, nonce);
  }
  Cbor GoodApple() const { return AppleStatement(Sha256(ceremony_.ToBeSigned())); }

  Cbor AndroidKeyStatement() const {
    KeyDescriptionSpec kd;
    kd.challenge = ceremony_.client_data_hash();
    return MakeAndroidKeyStatement(ceremony_, cred_key_.get(), ca_, kd);
  }

  static Cbor Sub(std::string_view fmt, Cbor stmt) {
    return CborMap({{"fmt", CborText(fmt)}, {"attStmt", std::move(stmt)}});
  }

  VerifyError Verify(const Cbor& stmt, AttestationStatementResult* result = nullptr) const {
    return ceremony_.Verify("compound", stmt, {}, kNow, result);
  }

  bssl::UniquePtr<EVP_PKEY> cred_key_;
  Ceremony ceremony_;
  TestCa ca_;
};

TEST_F(CompoundTest, AllSubStatementsValidPasses) {
  Cbor stmt = CborArray({Sub("apple", GoodApple()), Sub("android-key", AndroidKeyStatement())});
  AttestationStatementResult result;
  ASSERT_EQ(Verify(stmt, &result), VerifyError::kOk);
  // The first sub-statement with a trust path is the one reported.
  EXPECT_EQ(result.type, AttestationType::kAnonCA);
  EXPECT_EQ(result.trust_path.size(), 2u);
}

TEST_F(CompoundTest, TrustPathOfALaterSubStatementIsReportedAfterNone) {
  Cbor stmt = CborArray({Sub("none", CborMap({})), Sub("android-key", AndroidKeyStatement())});
  AttestationStatementResult result;
  ASSERT_EQ(Verify(stmt, &result), VerifyError::kOk);
  EXPECT_EQ(result.type, AttestationType::kBasic);
}

TEST_F(CompoundTest, OneBadSubStatementFailsTheWhole) {
  Cbor bad_apple = AppleStatement(Sha256(ceremony_.auth_data()));
  EXPECT_EQ(Verify(CborArray({Sub("android-key", AndroidKeyStatement()), Sub("apple", bad_apple)})),
            VerifyError::kAttestationInvalid);
  EXPECT_EQ(Verify(CborArray({Sub("apple", bad_apple), Sub("android-key", AndroidKeyStatement())})),
            VerifyError::kAttestationInvalid);
}

TEST_F(CompoundTest, NestedCompoundIsRefused) {
  Cbor inner = CborArray({Sub("apple", GoodApple()), Sub("android-key", AndroidKeyStatement())});
  ASSERT_EQ(Verify(inner), VerifyError::kOk);
  EXPECT_EQ(Verify(CborArray({Sub("apple", GoodApple()), Sub("compound", inner)})),
            VerifyError::kAttestationInvalid);
}

TEST_F(CompoundTest, FewerThanTwoSubStatementsFail) {
  EXPECT_EQ(Verify(CborArray({Sub("apple", GoodApple())})), VerifyError::kAttestationInvalid);
  EXPECT_EQ(Verify(CborArray({})), VerifyError::kAttestationInvalid);
}

TEST_F(CompoundTest, TooManySubStatementsFail) {
  std::vector<Cbor> subs(9, Sub("none", CborMap({})));
  EXPECT_EQ(Verify(CborArray(subs)), VerifyError::kAttestationInvalid);
  subs.resize(8);
  EXPECT_EQ(Verify(CborArray(subs)), VerifyError::kOk);
}

TEST_F(CompoundTest, MalformedSubStatementsFail) {
  const Cbor good = Sub("apple", GoodApple());
  Cbor extra_member = Sub("none", CborMap({}));
  extra_member.Set("x", CborInt(1));
  Cbor no_fmt = CborMap({{"attStmt", CborMap({})}});
  Cbor fmt_not_text = CborMap({{"fmt", CborInt(1)}, {"attStmt", CborMap({})}});
  Cbor att_stmt_not_map = Sub("apple", CborArray({}));
  for (const Cbor& bad : {CborInt(1), extra_member, no_fmt, fmt_not_text, att_stmt_not_map}) {
    EXPECT_EQ(Verify(CborArray({good, bad})), VerifyError::kAttestationInvalid);
  }
}

TEST_F(CompoundTest, UnknownSubFormatIsUnsupported) {
  EXPECT_EQ(Verify(CborArray({Sub("apple", GoodApple()), Sub("vendor-x", CborMap({}))})),
            VerifyError::kUnsupportedAttestationFormat);
}

TEST_F(CompoundTest, AttStmtMustBeAnArray) {
  EXPECT_EQ(Verify(CborMap({{"fmt", CborText("apple")}})), VerifyError::kAttestationInvalid);
  // ... and no other format takes an array.
  EXPECT_EQ(ceremony_.Verify("apple", CborArray({GoodApple()})), VerifyError::kAttestationInvalid);
}

}  // namespace
}  // namespace keystorm::testing
