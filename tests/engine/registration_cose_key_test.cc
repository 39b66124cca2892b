// §7.1 R13/R20: the credential public key.  A well-formed COSE_Key of an
// algorithm Keystorm lacks is unsupported_algorithm; a key that cannot be
// used safely is invalid_public_key (RFC 9052/9053, §5.8.5).
#include "registration_fixture.h"

namespace keystorm {
namespace {

using test::CborValue;
using test::RegistrationOptions;
using test::TestAuthenticator;
using test::TestKey;

CborValue Int(int64_t v) { return CborValue::Int(v); }
CborValue Data(const Bytes& v) { return CborValue::ByteString(v); }

RegistrationOptions WithCoseKey(const CborValue& key) {
  RegistrationOptions o;
  o.cose_key = key.Encode();
  return o;
}

RegistrationOptions EditCoseKey(test::CborEdit edit) {
  RegistrationOptions o;
  o.edit_cose_key = std::move(edit);
  return o;
}

Bytes Get(CborValue* key, int64_t label) {
  Bytes encoded = key->Find(Int(label))->Encode();
  // A byte string of < 256 bytes: skip its one- or two-byte head.
  size_t head = encoded[0] == 0x58 ? 2 : 1;
  return Bytes(encoded.begin() + static_cast<std::ptrdiff_t>(head), encoded.end());
}

// ---- unsupported_algorithm --------------------------------------------------------

TEST_F(RegistrationTest, CoseKey_Ed448NotACurvePoint) {
  // EdDSA on crv 7 (Ed448, verified with libdecaf; real Ed448 ceremonies are
  // the conformance corpus's): 57 bytes whose last octet has bits other
  // than the sign bit set encode no point (RFC 8032 §5.2.3).
  for (int64_t alg : {-8, -53}) {
    CborValue key = CborValue::Map({{Int(1), Int(1)}, {Int(3), Int(alg)}, {Int(-1), Int(7)},
                                    {Int(-2), Data(Bytes(57, 0x11))}});
    EXPECT_VERDICT(VerifyError::kInvalidPublicKey, Verify(WithCoseKey(key))) << alg;
  }
}

TEST_F(RegistrationTest, CoseKey_MlDsa65) {
  // kty 7 (AKP), alg -49 (ML-DSA-65), pub (-1) of 1952 bytes.
  CborValue key =
      CborValue::Map({{Int(1), Int(7)}, {Int(3), Int(-49)}, {Int(-1), Data(Bytes(1952, 0x22))}});
  EXPECT_VERDICT(VerifyError::kUnsupportedAlgorithm, Verify(WithCoseKey(key)));
}

TEST_F(RegistrationTest, CoseKey_UnknownAlgorithm) {
  EXPECT_VERDICT(VerifyError::kUnsupportedAlgorithm,
                 Verify(EditCoseKey([](CborValue* k) { k->Set(Int(3), Int(-1234)); })));
}

// ---- invalid_public_key: EC2 ------------------------------------------------------

TEST_F(RegistrationTest, CoseKey_PointNotOnCurve) {
  EXPECT_VERDICT(VerifyError::kInvalidPublicKey, Verify(EditCoseKey([](CborValue* k) {
                   Bytes y = Get(k, -3);
                   y.back() ^= 0x01;
                   k->Set(Int(-3), Data(y));
                 })));
}

TEST_F(RegistrationTest, CoseKey_PointAtOrigin) {
  EXPECT_VERDICT(VerifyError::kInvalidPublicKey, Verify(EditCoseKey([](CborValue* k) {
                   k->Set(Int(-2), Data(Bytes(32, 0)));
                   k->Set(Int(-3), Data(Bytes(32, 0)));
                 })));
}

TEST_F(RegistrationTest, CoseKey_CoordinateTooShort) {
  EXPECT_VERDICT(VerifyError::kInvalidPublicKey, Verify(EditCoseKey([](CborValue* k) {
                   Bytes x = Get(k, -2);
                   x.erase(x.begin());
                   k->Set(Int(-2), Data(x));
                 })));
}

TEST_F(RegistrationTest, CoseKey_CoordinateWithExtraLeadingZero) {
  EXPECT_VERDICT(VerifyError::kInvalidPublicKey, Verify(EditCoseKey([](CborValue* k) {
                   Bytes y = Get(k, -3);
                   y.insert(y.begin(), 0x00);
                   k->Set(Int(-3), Data(y));
                 })));
}

TEST_F(RegistrationTest, CoseKey_CompressedPoint) {
  // y as a sign bit (RFC 9053 §7.1.1) is not allowed in WebAuthn.
  EXPECT_VERDICT(
      VerifyError::kInvalidPublicKey,
      Verify(EditCoseKey([](CborValue* k) { k->Set(Int(-3), CborValue::Boolean(true)); })));
}

TEST_F(RegistrationTest, CoseKey_CurveDoesNotMatchAlgorithm) {
  EXPECT_VERDICT(VerifyError::kInvalidPublicKey,
                 Verify(EditCoseKey([](CborValue* k) { k->Set(Int(-1), Int(2)); })));  // P-384
}

TEST_F(RegistrationTest, CoseKey_KtyRsaWithEcdsaAlgorithm) {
  EXPECT_VERDICT(VerifyError::kInvalidPublicKey,
                 Verify(EditCoseKey([](CborValue* k) { k->Set(Int(1), Int(3)); })));
}

TEST_F(RegistrationTest, CoseKey_KtyOkpWithEcdsaAlgorithm) {
  EXPECT_VERDICT(VerifyError::kInvalidPublicKey,
                 Verify(EditCoseKey([](CborValue* k) { k->Set(Int(1), Int(1)); })));
}

TEST_F(RegistrationTest, CoseKey_MissingAlg) {
  EXPECT_VERDICT(VerifyError::kInvalidPublicKey,
                 Verify(EditCoseKey([](CborValue* k) { k->Remove(Int(3)); })));
}

TEST_F(RegistrationTest, CoseKey_MissingKty) {
  EXPECT_VERDICT(VerifyError::kInvalidPublicKey,
                 Verify(EditCoseKey([](CborValue* k) { k->Remove(Int(1)); })));
}

TEST_F(RegistrationTest, CoseKey_MissingY) {
  EXPECT_VERDICT(VerifyError::kInvalidPublicKey,
                 Verify(EditCoseKey([](CborValue* k) { k->Remove(Int(-3)); })));
}

TEST_F(RegistrationTest, CoseKey_NotAMap) {
  RegistrationOptions o;
  o.cose_key = CborValue::Array({Int(2), Int(-7)}).Encode();
  EXPECT_VERDICT(VerifyError::kInvalidPublicKey, Verify(o));
}

// ---- invalid_public_key: OKP and RSA ---------------------------------------------

TEST_F(RegistrationTest, CoseKey_Ed25519WrongLength) {
  TestAuthenticator ed25519(static_cast<int64_t>(CoseAlgorithm::kEdDSA));
  RegistrationOptions o = EditCoseKey([](CborValue* k) {
    Bytes x = Get(k, -2);
    x.pop_back();
    k->Set(Int(-2), Data(x));
  });
  EXPECT_VERDICT(VerifyError::kInvalidPublicKey, Verify(ed25519.Register(o)));
}

TEST_F(RegistrationTest, CoseKey_KtyEc2WithEdDsa) {
  TestAuthenticator ed25519(static_cast<int64_t>(CoseAlgorithm::kEdDSA));
  RegistrationOptions o = EditCoseKey([](CborValue* k) { k->Set(Int(1), Int(2)); });
  EXPECT_VERDICT(VerifyError::kInvalidPublicKey, Verify(ed25519.Register(o)));
}

TEST_F(RegistrationTest, CoseKey_Rsa1024) {
  TestKey weak = TestKey::Generate(static_cast<int64_t>(CoseAlgorithm::kRS256), 1024);
  EXPECT_VERDICT(VerifyError::kInvalidPublicKey, Verify(WithCoseKey(weak.CoseKeyValue())));
}

TEST_F(RegistrationTest, CoseKey_RsaExponent3) {
  TestAuthenticator rs256(static_cast<int64_t>(CoseAlgorithm::kRS256));
  RegistrationOptions o = EditCoseKey([](CborValue* k) { k->Set(Int(-2), Data(Bytes{0x03})); });
  EXPECT_VERDICT(VerifyError::kInvalidPublicKey, Verify(rs256.Register(o)));
}

TEST_F(RegistrationTest, CoseKey_KtyEc2WithRsaAlgorithm) {
  TestAuthenticator rs256(static_cast<int64_t>(CoseAlgorithm::kRS256));
  RegistrationOptions o = EditCoseKey([](CborValue* k) { k->Set(Int(1), Int(2)); });
  EXPECT_VERDICT(VerifyError::kInvalidPublicKey, Verify(rs256.Register(o)));
}

// Control: the 2048-bit key of the same authenticator, unmodified, passes, so
// the failures above come from the mutation alone.
TEST_F(RegistrationTest, CoseKey_Rsa2048Control) {
  TestAuthenticator rs256(static_cast<int64_t>(CoseAlgorithm::kRS256));
  EXPECT_VERDICT(VerifyError::kOk, Verify(rs256.Register()));
}

}  // namespace
}  // namespace keystorm
