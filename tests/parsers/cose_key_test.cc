// PublicKey (cose_key.h): COSE_Key parsing for every key type, the
// rejections the header promises, and signature verification, including the
// DER strictness of ECDSA signatures.  Keys and signatures come from
// BoringSSL directly.
#include "keystorm/cose_key.h"

#include <gtest/gtest.h>
#include <decaf/ed448.h>
#include <openssl/bn.h>
#include <openssl/curve25519.h>
#include <openssl/digest.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/evp.h>
#include <openssl/nid.h>
#include <openssl/rsa.h>

#include <memory>

#include "parsers_test_util.h"

namespace keystorm {
namespace {

using testing::CborBytes;
using testing::CborInt;
using testing::CborMap;
using testing::CborText;
using testing::Concat;
using testing::EcTestKey;
using testing::NewEcKey;

const Bytes kMessage = {'a', 'u', 't', 'h', 'D', 'a', 't', 'a', 0x00, 0x01, 0xff};

VerifyError Parse(const Bytes& cose, std::unique_ptr<PublicKey>* out) { return PublicKey::Parse(cose, out); }

VerifyError Parse(const Bytes& cose) {
  std::unique_ptr<PublicKey> key;
  VerifyError err = PublicKey::Parse(cose, &key);
  EXPECT_EQ(err == VerifyError::kOk, key != nullptr);
  return err;
}

Bytes Rsa2048Modulus() { return testing::RsaModulus(testing::Rsa2048()); }
const Bytes kE65537 = {0x01, 0x00, 0x01};

// ---- EC2 ----------------------------------------------------------------------

struct Curve {
  const char* name;
  int nid;
  int64_t alg, fully_specified_alg, crv;
  int hash_nid;
  size_t field_len;
};
const Curve kCurves[] = {
    {"P-256", NID_X9_62_prime256v1, -7, -9, 1, NID_sha256, 32},
    {"P-384", NID_secp384r1, -35, -51, 2, NID_sha384, 48},
    {"P-521", NID_secp521r1, -36, -52, 3, NID_sha512, 66},
};

TEST(CoseKeyEc2Test, ParsesAndVerifiesOnEveryCurve) {
  for (const Curve& c : kCurves) {
    SCOPED_TRACE(c.name);
    EcTestKey k = NewEcKey(c.nid);
    ASSERT_EQ(k.x.size(), c.field_len);
    for (int64_t alg : {c.alg, c.fully_specified_alg}) {
      std::unique_ptr<PublicKey> key;
      ASSERT_EQ(Parse(testing::Ec2CoseKey(alg, c.crv, k.x, k.y), &key), VerifyError::kOk);
      EXPECT_EQ(key->algorithm(), alg);
      EXPECT_EQ(key->key_type(), CoseKeyType::kEC2);
      Bytes sig = testing::EcdsaSignDer(k.key.get(), c.hash_nid, kMessage);
      EXPECT_TRUE(key->Verify(kMessage, sig));
      // Verify2 hashes the two parts as one message.
      EXPECT_TRUE(key->Verify2(ByteView(kMessage).first(4), ByteView(kMessage).subspan(4), sig));
      Bytes other = kMessage;
      other.back() ^= 1;
      EXPECT_FALSE(key->Verify(other, sig));
      // SameKeyAs compares against an EVP_PKEY of the same point.
      bssl::UniquePtr<EVP_PKEY> pkey(EVP_PKEY_new());
      ASSERT_TRUE(EVP_PKEY_set1_EC_KEY(pkey.get(), k.key.get()));
      EXPECT_TRUE(key->SameKeyAs(pkey.get()));
      EXPECT_FALSE(key->SameKeyAs(nullptr));
    }
  }
}

TEST(CoseKeyEc2Test, SignatureFromAnotherKeyFails) {
  EcTestKey a = NewEcKey(NID_X9_62_prime256v1), b = NewEcKey(NID_X9_62_prime256v1);
  std::unique_ptr<PublicKey> key;
  ASSERT_EQ(Parse(testing::Ec2CoseKey(-7, 1, a.x, a.y), &key), VerifyError::kOk);
  EXPECT_FALSE(key->Verify(kMessage, testing::EcdsaSignDer(b.key.get(), NID_sha256, kMessage)));
  // A P-256 key does not verify a signature hashed with SHA-384.
  EXPECT_FALSE(key->Verify(kMessage, testing::EcdsaSignDer(a.key.get(), NID_sha384, kMessage)));
}

TEST(CoseKeyEc2Test, PointNotOnTheCurveIsInvalid) {
  for (const Curve& c : kCurves) {
    SCOPED_TRACE(c.name);
    EcTestKey k = NewEcKey(c.nid);
    Bytes y = k.y;
    y.back() ^= 1;
    EXPECT_EQ(Parse(testing::Ec2CoseKey(c.alg, c.crv, k.x, y)), VerifyError::kInvalidPublicKey);
    // (0, 0) is not a point on any of these curves.
    Bytes zero(c.field_len, 0);
    EXPECT_EQ(Parse(testing::Ec2CoseKey(c.alg, c.crv, zero, zero)), VerifyError::kInvalidPublicKey);
  }
}

TEST(CoseKeyEc2Test, CoordinateNotAFieldElementIsInvalid) {
  // x = p (the P-256 field prime) is out of range even though it is 32 bytes.
  Bytes p = testing::FromHex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
  EcTestKey k = NewEcKey(NID_X9_62_prime256v1);
  EXPECT_EQ(Parse(testing::Ec2CoseKey(-7, 1, p, k.y)), VerifyError::kInvalidPublicKey);
  Bytes ones(32, 0xff);
  EXPECT_EQ(Parse(testing::Ec2CoseKey(-7, 1, k.x, ones)), VerifyError::kInvalidPublicKey);
}

TEST(CoseKeyEc2Test, CoordinatesMustHaveExactlyTheFieldLength) {
  EcTestKey k = NewEcKey(NID_X9_62_prime256v1);
  Bytes short_x(k.x.begin() + 1, k.x.end());
  Bytes long_y = Concat({Bytes{0x00}, k.y});
  EXPECT_EQ(Parse(testing::Ec2CoseKey(-7, 1, short_x, k.y)), VerifyError::kInvalidPublicKey);
  EXPECT_EQ(Parse(testing::Ec2CoseKey(-7, 1, k.x, long_y)), VerifyError::kInvalidPublicKey);
  EXPECT_EQ(Parse(testing::Ec2CoseKey(-7, 1, {}, k.y)), VerifyError::kInvalidPublicKey);
  // A P-384-sized point under P-256.
  EcTestKey big = NewEcKey(NID_secp384r1);
  EXPECT_EQ(Parse(testing::Ec2CoseKey(-7, 1, big.x, big.y)), VerifyError::kInvalidPublicKey);
}

TEST(CoseKeyEc2Test, LeadingZeroOctetsOfACoordinateAreKept) {
  // RFC 9053 §7.1.1: a coordinate with a leading zero byte keeps it.  Find a
  // key whose x starts with 0x00 (one in 256).
  EcTestKey k;
  for (int i = 0; i < 5000; ++i) {
    k = NewEcKey(NID_X9_62_prime256v1);
    if (k.x[0] == 0x00) break;
  }
  ASSERT_EQ(k.x[0], 0x00);
  EXPECT_EQ(Parse(testing::Ec2CoseKey(-7, 1, k.x, k.y)), VerifyError::kOk);
  Bytes stripped(k.x.begin() + 1, k.x.end());
  EXPECT_EQ(Parse(testing::Ec2CoseKey(-7, 1, stripped, k.y)), VerifyError::kInvalidPublicKey);
}

TEST(CoseKeyEc2Test, CurveAlgorithmAndKeyTypeMustAgree) {
  EcTestKey p256 = NewEcKey(NID_X9_62_prime256v1);
  EcTestKey p384 = NewEcKey(NID_secp384r1);
  // ES256 names P-256: crv 2 with it is a mismatch, whatever the point.
  EXPECT_EQ(Parse(testing::Ec2CoseKey(-7, 2, p256.x, p256.y)), VerifyError::kInvalidPublicKey);
  EXPECT_EQ(Parse(testing::Ec2CoseKey(-7, 2, p384.x, p384.y)), VerifyError::kInvalidPublicKey);
  EXPECT_EQ(Parse(testing::Ec2CoseKey(-35, 1, p256.x, p256.y)), VerifyError::kInvalidPublicKey);
  EXPECT_EQ(Parse(testing::Ec2CoseKey(-35, 1, p384.x, p384.y)), VerifyError::kInvalidPublicKey);
  EXPECT_EQ(Parse(testing::Ec2CoseKey(-9, 2, p384.x, p384.y)), VerifyError::kInvalidPublicKey);
  // Ed25519's crv under ES256.
  EXPECT_EQ(Parse(testing::Ec2CoseKey(-7, 6, p256.x, p256.y)), VerifyError::kInvalidPublicKey);
  // kty must be EC2 (2) for ECDSA.
  for (int64_t kty : {1, 3, 4, 7}) {
    Bytes key = CborMap({{CborInt(1), CborInt(kty)},
                         {CborInt(3), CborInt(-7)},
                         {CborInt(-1), CborInt(1)},
                         {CborInt(-2), CborBytes(p256.x)},
                         {CborInt(-3), CborBytes(p256.y)}});
    EXPECT_EQ(Parse(key), VerifyError::kInvalidPublicKey) << kty;
  }
}

TEST(CoseKeyEc2Test, MissingOrMistypedMembersAreInvalid) {
  EcTestKey k = NewEcKey(NID_X9_62_prime256v1);
  auto key = [&](std::vector<std::pair<Bytes, Bytes>> pairs) { return CborMap(pairs); };
  Bytes x = CborBytes(k.x), y = CborBytes(k.y);
  // Without kty, alg, crv, x or y.
  EXPECT_EQ(Parse(key({{CborInt(3), CborInt(-7)}, {CborInt(-1), CborInt(1)}, {CborInt(-2), x}, {CborInt(-3), y}})),
            VerifyError::kInvalidPublicKey);
  EXPECT_EQ(Parse(key({{CborInt(1), CborInt(2)}, {CborInt(-1), CborInt(1)}, {CborInt(-2), x}, {CborInt(-3), y}})),
            VerifyError::kInvalidPublicKey);
  EXPECT_EQ(Parse(key({{CborInt(1), CborInt(2)}, {CborInt(3), CborInt(-7)}, {CborInt(-2), x}, {CborInt(-3), y}})),
            VerifyError::kInvalidPublicKey);
  EXPECT_EQ(Parse(key({{CborInt(1), CborInt(2)}, {CborInt(3), CborInt(-7)}, {CborInt(-1), CborInt(1)}, {CborInt(-3), y}})),
            VerifyError::kInvalidPublicKey);
  EXPECT_EQ(Parse(key({{CborInt(1), CborInt(2)}, {CborInt(3), CborInt(-7)}, {CborInt(-1), CborInt(1)}, {CborInt(-2), x}})),
            VerifyError::kInvalidPublicKey);
  // y as a boolean (point compression) is not allowed.
  EXPECT_EQ(Parse(key({{CborInt(1), CborInt(2)},
                       {CborInt(3), CborInt(-7)},
                       {CborInt(-1), CborInt(1)},
                       {CborInt(-2), x},
                       {CborInt(-3), testing::FromHex("f5")}})),
            VerifyError::kInvalidPublicKey);
  // alg as text, kty as text, x as text.
  EXPECT_EQ(Parse(key({{CborInt(1), CborInt(2)}, {CborInt(3), CborText("ES256")}, {CborInt(-1), CborInt(1)},
                       {CborInt(-2), x}, {CborInt(-3), y}})),
            VerifyError::kInvalidPublicKey);
  EXPECT_EQ(Parse(key({{CborInt(1), CborText("EC2")}, {CborInt(3), CborInt(-7)}, {CborInt(-1), CborInt(1)},
                       {CborInt(-2), x}, {CborInt(-3), y}})),
            VerifyError::kInvalidPublicKey);
  // Not a map at all.
  EXPECT_EQ(Parse(testing::CborArray({CborInt(2), CborInt(-7)})), VerifyError::kInvalidPublicKey);
  EXPECT_EQ(Parse(CborInt(2)), VerifyError::kInvalidPublicKey);
}

TEST(CoseKeyEc2Test, ExtraMembersAreAllowed) {
  // kid (2) and a private-use label, in canonical order.
  EcTestKey k = NewEcKey(NID_X9_62_prime256v1);
  Bytes key = CborMap({{CborInt(1), CborInt(2)},
                       {CborInt(2), CborBytes(Bytes{1, 2})},
                       {CborInt(3), CborInt(-7)},
                       {CborInt(-1), CborInt(1)},
                       {CborInt(-2), CborBytes(k.x)},
                       {CborInt(-3), CborBytes(k.y)},
                       {CborInt(-70000), CborInt(0)}});
  EXPECT_EQ(Parse(key), VerifyError::kOk);
}

// ---- CBOR faults -----------------------------------------------------------------

TEST(CoseKeyCborTest, NonCanonicalOrDuplicatedCborIsMalformed) {
  EcTestKey k = NewEcKey(NID_X9_62_prime256v1);
  Bytes misordered = CborMap({{CborInt(3), CborInt(-7)},
                              {CborInt(1), CborInt(2)},
                              {CborInt(-1), CborInt(1)},
                              {CborInt(-2), CborBytes(k.x)},
                              {CborInt(-3), CborBytes(k.y)}});
  EXPECT_EQ(Parse(misordered), VerifyError::kMalformedCbor);
  Bytes dup = CborMap({{CborInt(1), CborInt(2)},
                       {CborInt(1), CborInt(2)},
                       {CborInt(3), CborInt(-7)},
                       {CborInt(-1), CborInt(1)},
                       {CborInt(-2), CborBytes(k.x)},
                       {CborInt(-3), CborBytes(k.y)}});
  EXPECT_EQ(Parse(dup), VerifyError::kMalformedCbor);
  EXPECT_EQ(Parse(Bytes{}), VerifyError::kMalformedCbor);
  EXPECT_EQ(Parse(testing::FromHex("bf0102ff")), VerifyError::kMalformedCbor);
}

TEST(CoseKeyCborTest, TrailingBytesAreMalformedForParseButNotParsePrefix) {
  EcTestKey k = NewEcKey(NID_X9_62_prime256v1);
  Bytes cose = testing::Ec2CoseKey(-7, 1, k.x, k.y);
  Bytes longer = Concat({cose, Bytes{0x00, 0x01}});
  EXPECT_EQ(Parse(longer), VerifyError::kMalformedCbor);
  size_t consumed = 0;
  std::unique_ptr<PublicKey> key;
  ASSERT_EQ(PublicKey::ParsePrefix(longer, &consumed, &key), VerifyError::kOk);
  EXPECT_EQ(consumed, cose.size());
  EXPECT_EQ(key->algorithm(), -7);
}

// Regression (found by fuzz_cose_key): trailing bytes after an otherwise
// invalid key were reported as invalid_public_key; the CBOR fault comes
// first and the answer is malformed_cbor.
TEST(CoseKeyCborTest, TrailingBytesOutrankAnInvalidKey) {
  EcTestKey k = NewEcKey(NID_X9_62_prime256v1);
  Bytes short_x(k.x.begin() + 1, k.x.end());
  Bytes invalid = testing::Ec2CoseKey(-7, 1, short_x, k.y);
  EXPECT_EQ(Parse(invalid), VerifyError::kInvalidPublicKey);
  EXPECT_EQ(Parse(Concat({invalid, CborText("")})), VerifyError::kMalformedCbor);
  Bytes ed448 = CborMap({{CborInt(1), CborInt(1)}, {CborInt(3), CborInt(-8)}, {CborInt(-1), CborInt(7)},
                         {CborInt(-2), CborBytes(Bytes(57, 1))}});
  EXPECT_EQ(Parse(Concat({ed448, Bytes{0x00}})), VerifyError::kMalformedCbor);
}

// ---- OKP -------------------------------------------------------------------------

Bytes OkpKey(int64_t alg, int64_t crv, ByteView x, int64_t kty = 1) {
  return CborMap({{CborInt(1), CborInt(kty)}, {CborInt(3), CborInt(alg)}, {CborInt(-1), CborInt(crv)},
                  {CborInt(-2), CborBytes(x)}});
}

TEST(CoseKeyOkpTest, Ed25519ParsesAndVerifies) {
  uint8_t pub[32], priv[64];
  ED25519_keypair(pub, priv);
  uint8_t sig[64];
  ASSERT_TRUE(ED25519_sign(sig, kMessage.data(), kMessage.size(), priv));
  for (int64_t alg : {-8, -19}) {
    std::unique_ptr<PublicKey> key;
    ASSERT_EQ(Parse(OkpKey(alg, 6, pub), &key), VerifyError::kOk) << alg;
    EXPECT_EQ(key->key_type(), CoseKeyType::kOKP);
    EXPECT_TRUE(key->Verify(kMessage, sig));
    EXPECT_TRUE(key->Verify2(ByteView(kMessage).first(3), ByteView(kMessage).subspan(3), sig));
    Bytes bad(sig, sig + 64);
    bad[10] ^= 1;
    EXPECT_FALSE(key->Verify(kMessage, bad));
    // Exactly 64 bytes.
    EXPECT_FALSE(key->Verify(kMessage, ByteView(sig, 63)));
    EXPECT_FALSE(key->Verify(kMessage, Concat({ByteView(sig, 64), Bytes{0}})));
  }
}

TEST(CoseKeyOkpTest, MalformedEd25519KeysAreInvalid) {
  uint8_t pub[32], priv[64];
  ED25519_keypair(pub, priv);
  EXPECT_EQ(Parse(OkpKey(-8, 6, ByteView(pub, 31))), VerifyError::kInvalidPublicKey);
  EXPECT_EQ(Parse(OkpKey(-8, 6, Concat({ByteView(pub, 32), Bytes{0}}))), VerifyError::kInvalidPublicKey);
  EXPECT_EQ(Parse(OkpKey(-8, 1, pub)), VerifyError::kInvalidPublicKey);         // crv P-256
  EXPECT_EQ(Parse(OkpKey(-8, 6, pub, /*kty=*/2)), VerifyError::kInvalidPublicKey);  // kty EC2
  EXPECT_EQ(Parse(OkpKey(-19, 7, Bytes(57, 1))), VerifyError::kInvalidPublicKey);   // Ed25519 alg, Ed448 crv
}

// Ed448 (RFC 8032 §5.2) through libdecaf: -8 with crv 7, or the fully
// specified -53.  Keys and signatures come from libdecaf itself here; the
// W3C and Yubico Ed448 vectors of the conformance corpus check it against
// other implementations.
struct Ed448TestKey {
  decaf_eddsa_448_keypair_t keypair;
  uint8_t pub[DECAF_EDDSA_448_PUBLIC_BYTES];
  Bytes Sign(ByteView message) const {
    Bytes sig(DECAF_EDDSA_448_SIGNATURE_BYTES);
    decaf_ed448_keypair_sign(sig.data(), keypair, message.data(), message.size(), 0, nullptr, 0);
    return sig;
  }
};

Ed448TestKey MakeEd448Key(uint8_t seed) {
  uint8_t priv[DECAF_EDDSA_448_PRIVATE_BYTES];
  for (size_t i = 0; i < sizeof(priv); ++i) priv[i] = static_cast<uint8_t>(seed + 7 * i);
  Ed448TestKey k;
  decaf_ed448_derive_keypair(k.keypair, priv);
  decaf_ed448_keypair_extract_public_key(k.pub, k.keypair);
  return k;
}

TEST(CoseKeyOkpTest, Ed448ParsesAndVerifies) {
  Ed448TestKey k = MakeEd448Key(3);
  Bytes sig = k.Sign(kMessage);
  for (int64_t alg : {-8, -53}) {
    std::unique_ptr<PublicKey> key;
    ASSERT_EQ(Parse(OkpKey(alg, 7, k.pub), &key), VerifyError::kOk) << alg;
    EXPECT_EQ(key->algorithm(), alg);
    EXPECT_TRUE(key->Verify(kMessage, sig));
    EXPECT_TRUE(key->Verify2(ByteView(kMessage).first(3), ByteView(kMessage).subspan(3), sig));
    Bytes bad = sig;
    bad[10] ^= 1;
    EXPECT_FALSE(key->Verify(kMessage, bad));
    EXPECT_FALSE(key->Verify(kMessage, ByteView(sig).first(113)));
    EXPECT_FALSE(key->Verify(kMessage, Concat({sig, Bytes{0}})));
    // Another key's signature.
    EXPECT_FALSE(key->Verify(kMessage, MakeEd448Key(4).Sign(kMessage)));
  }
  EXPECT_EQ(CoseAlgorithmName(-53), "Ed448");
  EXPECT_TRUE(IsImplementedAlgorithm(-53));
}

TEST(CoseKeyOkpTest, MalformedEd448KeysAreInvalid) {
  Ed448TestKey k = MakeEd448Key(5);
  EXPECT_EQ(Parse(OkpKey(-53, 7, ByteView(k.pub, 56))), VerifyError::kInvalidPublicKey);
  EXPECT_EQ(Parse(OkpKey(-53, 7, Concat({ByteView(k.pub, 57), Bytes{0}}))),
            VerifyError::kInvalidPublicKey);
  EXPECT_EQ(Parse(OkpKey(-53, 6, k.pub)), VerifyError::kInvalidPublicKey);  // crv Ed25519
  EXPECT_EQ(Parse(OkpKey(-53, 7, k.pub, /*kty=*/2)), VerifyError::kInvalidPublicKey);
  // Not a point: the last octet may only carry the sign bit.
  EXPECT_EQ(Parse(OkpKey(-8, 7, Bytes(57, 1))), VerifyError::kInvalidPublicKey);
  EXPECT_EQ(Parse(OkpKey(-53, 7, Bytes(57, 0xff))), VerifyError::kInvalidPublicKey);
}

// ---- Algorithms Keystorm lacks ---------------------------------------------------

TEST(CoseKeyUnsupportedTest, MlDsaAndUnknownAlgorithmsAreUnsupported) {
  for (int64_t alg : {-48, -49, -50}) {
    Bytes key = CborMap({{CborInt(1), CborInt(7)}, {CborInt(3), CborInt(alg)}, {CborInt(-1), CborBytes(Bytes(1312, 1))}});
    EXPECT_EQ(Parse(key), VerifyError::kUnsupportedAlgorithm) << alg;
    EXPECT_FALSE(IsImplementedAlgorithm(alg));
  }
  EcTestKey k = NewEcKey(NID_X9_62_prime256v1);
  for (int64_t alg : {0, 1, -1, -1000, -260, -65536}) {
    EXPECT_EQ(Parse(testing::Ec2CoseKey(alg, 1, k.x, k.y)), VerifyError::kUnsupportedAlgorithm) << alg;
  }
}

// ---- RSA -------------------------------------------------------------------------

TEST(CoseKeyRsaTest, Pkcs1AndPssVerify) {
  const RSA* rsa = testing::Rsa2048();
  Bytes n = Rsa2048Modulus();
  struct Case {
    int64_t alg;
    int hash_nid;
    bool pss;
  };
  for (const Case& c : {Case{-257, NID_sha256, false}, Case{-258, NID_sha384, false},
                        Case{-259, NID_sha512, false}, Case{-65535, NID_sha1, false},
                        Case{-37, NID_sha256, true}, Case{-38, NID_sha384, true},
                        Case{-39, NID_sha512, true}}) {
    SCOPED_TRACE(CoseAlgorithmName(c.alg));
    std::unique_ptr<PublicKey> key;
    ASSERT_EQ(Parse(testing::RsaCoseKey(c.alg, n, kE65537), &key), VerifyError::kOk);
    EXPECT_EQ(key->key_type(), CoseKeyType::kRSA);
    Bytes pkcs1 = testing::RsaSignPkcs1(rsa, c.hash_nid, kMessage);
    Bytes pss = testing::RsaSignPss(rsa, c.hash_nid, kMessage);
    // Each algorithm accepts only its own padding.
    EXPECT_EQ(key->Verify(kMessage, pkcs1), !c.pss);
    EXPECT_EQ(key->Verify(kMessage, pss), c.pss);
    Bytes& good = c.pss ? pss : pkcs1;
    EXPECT_TRUE(key->Verify2(ByteView(kMessage).first(6), ByteView(kMessage).subspan(6), good));
    Bytes other = kMessage;
    other[0] ^= 1;
    EXPECT_FALSE(key->Verify(other, good));
    EXPECT_FALSE(key->Verify(kMessage, ByteView(good).first(good.size() - 1)));
    EXPECT_FALSE(key->Verify(kMessage, {}));
  }
}

TEST(CoseKeyRsaTest, PkcsSignatureWithWrongHashFails) {
  std::unique_ptr<PublicKey> key;
  ASSERT_EQ(Parse(testing::RsaCoseKey(-257, Rsa2048Modulus(), kE65537), &key), VerifyError::kOk);
  EXPECT_FALSE(key->Verify(kMessage, testing::RsaSignPkcs1(testing::Rsa2048(), NID_sha384, kMessage)));
}

TEST(CoseKeyRsaTest, ModulusBelow2048BitsIsInvalid) {
  EXPECT_EQ(Parse(testing::RsaCoseKey(-257, testing::RsaModulus(testing::Rsa1024()), kE65537)),
            VerifyError::kInvalidPublicKey);
  // 2047 bits: the 2048-bit modulus shifted right by one (odd or not, too short).
  Bytes n = Rsa2048Modulus();
  bssl::UniquePtr<BIGNUM> bn(BN_bin2bn(n.data(), n.size(), nullptr));
  ASSERT_TRUE(BN_rshift1(bn.get(), bn.get()));
  ASSERT_TRUE(BN_set_bit(bn.get(), 0));
  Bytes n2047(BN_num_bytes(bn.get()));
  BN_bn2bin(bn.get(), n2047.data());
  ASSERT_EQ(BN_num_bits(bn.get()), 2047u);
  EXPECT_EQ(Parse(testing::RsaCoseKey(-257, n2047, kE65537)), VerifyError::kInvalidPublicKey);
}

TEST(CoseKeyRsaTest, ExponentOtherThan65537IsInvalid) {
  Bytes n = Rsa2048Modulus();
  for (const Bytes& e : {Bytes{0x03}, Bytes{0x01}, Bytes{0x01, 0x00, 0x03}, Bytes{0x01, 0x00, 0x00, 0x01}, Bytes{}}) {
    EXPECT_EQ(Parse(testing::RsaCoseKey(-257, n, e)), VerifyError::kInvalidPublicKey) << testing::ToHex(e);
  }
}

TEST(CoseKeyRsaTest, MalformedRsaKeysAreInvalid) {
  Bytes n = Rsa2048Modulus();
  Bytes even = n;
  even.back() &= 0xfe;
  EXPECT_EQ(Parse(testing::RsaCoseKey(-257, even, kE65537)), VerifyError::kInvalidPublicKey);
  EXPECT_EQ(Parse(testing::RsaCoseKey(-257, {}, kE65537)), VerifyError::kInvalidPublicKey);
  // kty must be RSA (3).
  Bytes wrong_kty = CborMap({{CborInt(1), CborInt(2)}, {CborInt(3), CborInt(-257)}, {CborInt(-1), CborBytes(n)},
                             {CborInt(-2), CborBytes(kE65537)}});
  EXPECT_EQ(Parse(wrong_kty), VerifyError::kInvalidPublicKey);
  // n as an integer instead of bytes; e missing.
  EXPECT_EQ(Parse(CborMap({{CborInt(1), CborInt(3)}, {CborInt(3), CborInt(-257)}, {CborInt(-1), CborInt(5)},
                           {CborInt(-2), CborBytes(kE65537)}})),
            VerifyError::kInvalidPublicKey);
  EXPECT_EQ(Parse(CborMap({{CborInt(1), CborInt(3)}, {CborInt(3), CborInt(-257)}, {CborInt(-1), CborBytes(n)}})),
            VerifyError::kInvalidPublicKey);
}

// ---- DER strictness of ECDSA signatures -----------------------------------------------

class EcdsaDerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    k_ = NewEcKey(NID_X9_62_prime256v1);
    ASSERT_EQ(Parse(testing::Ec2CoseKey(-7, 1, k_.x, k_.y), &key_), VerifyError::kOk);
    // A signature whose r and s both need a 0x00 pad byte is the richest case
    // for mangling (both have the top bit set); try until one turns up.
    for (int i = 0; i < 200; ++i) {
      std::tie(r_, s_) = testing::EcdsaSignRaw(k_.key.get(), NID_sha256, kMessage);
      if (r_.size() == 32 && s_.size() == 32 && (r_[0] & 0x80) && (s_[0] & 0x80)) break;
    }
    ASSERT_TRUE(r_.size() == 32 && (r_[0] & 0x80) && (s_[0] & 0x80));
  }

  static Bytes Integer(ByteView v) { return Concat({Bytes{0x02, static_cast<uint8_t>(v.size())}, v}); }
  static Bytes Padded(ByteView v) { return Integer(Concat({Bytes{0x00}, v})); }
  static Bytes Sequence(ByteView body) { return Concat({Bytes{0x30, static_cast<uint8_t>(body.size())}, body}); }

  bool Verifies(ByteView sig) const { return key_->Verify(kMessage, sig); }

  EcTestKey k_;
  std::unique_ptr<PublicKey> key_;
  Bytes r_, s_;
};

TEST_F(EcdsaDerTest, StrictDerVerifies) {
  EXPECT_TRUE(Verifies(Sequence(Concat({Padded(r_), Padded(s_)}))));
  EXPECT_TRUE(Verifies(testing::EcdsaSignDer(k_.key.get(), NID_sha256, kMessage)));
}

TEST_F(EcdsaDerTest, BerVariantsAndTrailingBytesFail) {
  Bytes body = Concat({Padded(r_), Padded(s_)});
  Bytes good = Sequence(body);
  // Trailing bytes after the SEQUENCE.
  EXPECT_FALSE(Verifies(Concat({good, Bytes{0x00}})));
  EXPECT_FALSE(Verifies(Concat({good, good})));
  // Long-form length where the short form fits.
  EXPECT_FALSE(Verifies(Concat({Bytes{0x30, 0x81, static_cast<uint8_t>(body.size())}, body})));
  EXPECT_FALSE(Verifies(Concat({Bytes{0x30, 0x82, 0x00, static_cast<uint8_t>(body.size())}, body})));
  // Indefinite length with end-of-contents.
  EXPECT_FALSE(Verifies(Concat({Bytes{0x30, 0x80}, body, Bytes{0x00, 0x00}})));
  // Long-form INTEGER length.
  EXPECT_FALSE(Verifies(Sequence(Concat({Bytes{0x02, 0x81, 33, 0x00}, r_, Padded(s_)}))));
  // An extra leading zero on an INTEGER.
  EXPECT_FALSE(Verifies(Sequence(Concat({Integer(Concat({Bytes{0x00, 0x00}, r_})), Padded(s_)}))));
  // A missing pad byte makes r negative.
  EXPECT_FALSE(Verifies(Sequence(Concat({Integer(r_), Padded(s_)}))));
  EXPECT_FALSE(Verifies(Sequence(Concat({Padded(r_), Integer(s_)}))));
  // Wrong tags, a third INTEGER, one INTEGER, r and s swapped.
  Bytes set = good;
  set[0] = 0x31;
  EXPECT_FALSE(Verifies(set));
  Bytes octet = Sequence(Concat({Bytes{0x04, 33, 0x00}, r_, Padded(s_)}));
  EXPECT_FALSE(Verifies(octet));
  EXPECT_FALSE(Verifies(Sequence(Concat({Padded(r_), Padded(s_), Integer(Bytes{1})}))));
  EXPECT_FALSE(Verifies(Sequence(Padded(r_))));
  EXPECT_FALSE(Verifies(Sequence(Concat({Padded(s_), Padded(r_)}))));
  // Length byte that disagrees with the content.
  Bytes too_long = good;
  too_long[1] += 1;
  EXPECT_FALSE(Verifies(too_long));
  Bytes too_short = good;
  too_short[1] -= 1;
  EXPECT_FALSE(Verifies(too_short));
  // Truncations of a good signature.
  for (size_t cut = 0; cut < good.size(); ++cut) EXPECT_FALSE(Verifies(ByteView(good).first(cut))) << cut;
}

TEST_F(EcdsaDerTest, RawAndDegenerateSignaturesFail) {
  // IEEE P1363 r ‖ s, as WebAuthn forbids for ES256.
  EXPECT_FALSE(Verifies(Concat({r_, s_})));
  EXPECT_FALSE(Verifies(Bytes{}));
  EXPECT_FALSE(Verifies(Bytes{0x30, 0x00}));
  EXPECT_FALSE(Verifies(Sequence(Concat({Integer(Bytes{0x00}), Padded(s_)}))));  // r = 0
  EXPECT_FALSE(Verifies(Sequence(Concat({Padded(r_), Integer(Bytes{0x00})}))));  // s = 0
  // s = n, the group order: out of range.
  Bytes n = testing::FromHex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
  EXPECT_FALSE(Verifies(Sequence(Concat({Padded(r_), Padded(n)}))));
}

// ---- Algorithm table ---------------------------------------------------------------

TEST(CoseAlgorithmTest, NamesImplementationAndDigests) {
  EXPECT_EQ(CoseAlgorithmName(-7), "ES256");
  EXPECT_EQ(CoseAlgorithmName(-8), "EdDSA");
  EXPECT_EQ(CoseAlgorithmName(-257), "RS256");
  EXPECT_EQ(CoseAlgorithmName(-49), "ML-DSA-65");
  EXPECT_EQ(CoseAlgorithmName(12345), "unknown");
  for (int64_t alg : {-7, -9, -35, -51, -36, -52, -8, -19, -257, -258, -259, -37, -38, -39, -65535}) {
    EXPECT_TRUE(IsImplementedAlgorithm(alg)) << alg;
  }
  EXPECT_EQ(CoseAlgorithmDigest(-7), EVP_sha256());
  EXPECT_EQ(CoseAlgorithmDigest(-35), EVP_sha384());
  EXPECT_EQ(CoseAlgorithmDigest(-259), EVP_sha512());
  EXPECT_EQ(CoseAlgorithmDigest(-65535), EVP_sha1());
  EXPECT_EQ(CoseAlgorithmDigest(-8), nullptr);
  EXPECT_EQ(CoseAlgorithmDigest(0), nullptr);
}

}  // namespace
}  // namespace keystorm
