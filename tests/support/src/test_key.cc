#include "keystorm/test/test_key.h"

#include <openssl/bn.h>
#include <openssl/curve25519.h>
#include <openssl/digest.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/nid.h>
#include <openssl/rsa.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <utility>

namespace keystorm::test {
namespace {

enum class Kind { kP256, kP384, kP521, kEd25519, kRsaPkcs1, kRsaPss };

// The test's own table (deliberately not the engine's): which key each COSE
// algorithm needs.
Kind KindOf(int64_t alg) {
  switch (alg) {
    case -7:
    case -9:
      return Kind::kP256;
    case -35:
    case -51:
      return Kind::kP384;
    case -36:
    case -52:
      return Kind::kP521;
    case -8:
    case -19:
      return Kind::kEd25519;
    case -257:
    case -258:
    case -259:
    case -65535:
      return Kind::kRsaPkcs1;
    case -37:
    case -38:
    case -39:
      return Kind::kRsaPss;
    default:
      std::abort();  // a test asked for an algorithm with no key type
  }
}

int CurveNid(Kind kind) {
  switch (kind) {
    case Kind::kP256:
      return NID_X9_62_prime256v1;
    case Kind::kP384:
      return NID_secp384r1;
    case Kind::kP521:
      return NID_secp521r1;
    default:
      return NID_undef;
  }
}

int64_t CoseCurve(Kind kind) {
  switch (kind) {
    case Kind::kP256:
      return 1;
    case Kind::kP384:
      return 2;
    case Kind::kP521:
      return 3;
    case Kind::kEd25519:
      return 6;
    default:
      return 0;
  }
}

bool IsRsa(Kind kind) { return kind == Kind::kRsaPkcs1 || kind == Kind::kRsaPss; }

const EVP_MD* Md(int64_t alg) {
  const EVP_MD* md = CoseAlgorithmDigest(alg);
  if (md == nullptr) std::abort();
  return md;
}

Bytes Digest(const EVP_MD* md, ByteView message) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned len = 0;
  if (!EVP_Digest(message.data(), message.size(), out.data(), &len, md, nullptr)) std::abort();
  out.resize(len);
  return out;
}

bssl::UniquePtr<EVP_PKEY> NewKey(Kind kind, unsigned rsa_bits) {
  bssl::UniquePtr<EVP_PKEY> pkey;
  if (kind == Kind::kEd25519) {
    uint8_t public_key[32], private_key[64];
    ED25519_keypair(public_key, private_key);
    // BoringSSL's raw Ed25519 private key is the 32-byte seed.
    pkey.reset(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, private_key, 32));
  } else if (IsRsa(kind)) {
    bssl::UniquePtr<RSA> rsa(RSA_new());
    bssl::UniquePtr<BIGNUM> e(BN_new());
    pkey.reset(EVP_PKEY_new());
    if (!rsa || !e || !pkey || !BN_set_word(e.get(), RSA_F4) ||
        !RSA_generate_key_ex(rsa.get(), static_cast<int>(rsa_bits), e.get(), nullptr) ||
        !EVP_PKEY_set1_RSA(pkey.get(), rsa.get())) {
      pkey.reset();
    }
  } else {
    bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(CurveNid(kind)));
    pkey.reset(EVP_PKEY_new());
    if (!ec || !pkey || !EC_KEY_generate_key(ec.get()) ||
        !EVP_PKEY_set1_EC_KEY(pkey.get(), ec.get())) {
      pkey.reset();
    }
  }
  if (!pkey) std::abort();  // BoringSSL failed to make a key: the test cannot run
  return pkey;
}

bssl::UniquePtr<EVP_PKEY> Share(EVP_PKEY* pkey) {
  EVP_PKEY_up_ref(pkey);
  return bssl::UniquePtr<EVP_PKEY>(pkey);
}

Bytes BignumBytes(const BIGNUM* bn) {
  Bytes out(BN_num_bytes(bn));
  BN_bn2bin(bn, out.data());
  return out;
}

}  // namespace

TestKey TestKey::Generate(int64_t alg, unsigned rsa_bits) {
  return TestKey(alg, NewKey(KindOf(alg), rsa_bits));
}

TestKey TestKey::Cached(int64_t alg, int slot) {
  // PKCS#1 and PSS keys are the same RSA material.
  Kind kind = KindOf(alg);
  if (kind == Kind::kRsaPss) kind = Kind::kRsaPkcs1;
  static std::mutex mu;
  static std::map<std::pair<Kind, int>, bssl::UniquePtr<EVP_PKEY>>* cache =
      new std::map<std::pair<Kind, int>, bssl::UniquePtr<EVP_PKEY>>();
  std::lock_guard<std::mutex> lock(mu);
  auto& entry = (*cache)[{kind, slot}];
  if (!entry) entry = NewKey(kind, 2048);
  return TestKey(alg, Share(entry.get()));
}

TestKey::TestKey(const TestKey& other) : alg_(other.alg_), pkey_(Share(other.pkey_.get())) {}

TestKey& TestKey::operator=(const TestKey& other) {
  if (this != &other) {
    alg_ = other.alg_;
    pkey_ = Share(other.pkey_.get());
  }
  return *this;
}

TestKey::~TestKey() = default;

TestKey TestKey::WithAlgorithm(int64_t alg) const { return TestKey(alg, Share(pkey_.get())); }

Bytes TestKey::EcPoint() const {
  const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(pkey_.get());
  if (ec == nullptr) return {};
  const EC_GROUP* group = EC_KEY_get0_group(ec);
  size_t len = EC_POINT_point2oct(group, EC_KEY_get0_public_key(ec), POINT_CONVERSION_UNCOMPRESSED,
                                  nullptr, 0, nullptr);
  Bytes out(len);
  EC_POINT_point2oct(group, EC_KEY_get0_public_key(ec), POINT_CONVERSION_UNCOMPRESSED, out.data(),
                     out.size(), nullptr);
  return out;
}

CborValue TestKey::CoseKeyValue() const {
  using C = CborValue;
  Kind kind = KindOf(alg_);
  if (kind == Kind::kEd25519) {
    uint8_t raw[32];
    size_t raw_len = sizeof(raw);
    EVP_PKEY_get_raw_public_key(pkey_.get(), raw, &raw_len);
    return C::Map({{C::Int(1), C::Int(1)},
                   {C::Int(3), C::Int(alg_)},
                   {C::Int(-1), C::Int(6)},
                   {C::Int(-2), C::ByteString(ByteView(raw, raw_len))}});
  }
  if (IsRsa(kind)) {
    const RSA* rsa = EVP_PKEY_get0_RSA(pkey_.get());
    return C::Map({{C::Int(1), C::Int(3)},
                   {C::Int(3), C::Int(alg_)},
                   {C::Int(-1), C::ByteString(BignumBytes(RSA_get0_n(rsa)))},
                   {C::Int(-2), C::ByteString(BignumBytes(RSA_get0_e(rsa)))}});
  }
  // EC2: x and y each exactly the field length, leading zeros kept.
  Bytes point = EcPoint();
  size_t field = (point.size() - 1) / 2;
  ByteView p(point);
  return C::Map({{C::Int(1), C::Int(2)},
                 {C::Int(3), C::Int(alg_)},
                 {C::Int(-1), C::Int(CoseCurve(kind))},
                 {C::Int(-2), C::ByteString(p.subspan(1, field))},
                 {C::Int(-3), C::ByteString(p.subspan(1 + field, field))}});
}

Bytes TestKey::Sign(ByteView message) const {
  Kind kind = KindOf(alg_);
  if (kind == Kind::kEd25519) {
    bssl::ScopedEVP_MD_CTX ctx;
    size_t len = 64;
    Bytes sig(len);
    if (!EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey_.get()) ||
        !EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size())) {
      std::abort();
    }
    sig.resize(len);
    return sig;
  }
  Bytes digest = Digest(Md(alg_), message);
  if (IsRsa(kind)) {
    RSA* rsa = EVP_PKEY_get0_RSA(pkey_.get());
    Bytes sig(RSA_size(rsa));
    size_t len = sig.size();
    bool ok;
    if (kind == Kind::kRsaPkcs1) {
      unsigned sig_len = 0;
      ok = RSA_sign(EVP_MD_type(Md(alg_)), digest.data(), digest.size(), sig.data(), &sig_len, rsa);
      len = sig_len;
    } else {
      // salt_len -1: the salt is as long as the hash (RFC 8230 §2).
      ok = RSA_sign_pss_mgf1(rsa, &len, sig.data(), sig.size(), digest.data(), digest.size(),
                             Md(alg_), Md(alg_), -1);
    }
    if (!ok) std::abort();
    sig.resize(len);
    return sig;
  }
  const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(pkey_.get());
  Bytes sig(ECDSA_size(ec));
  unsigned len = 0;
  if (!ECDSA_sign(0, digest.data(), digest.size(), sig.data(), &len, ec)) std::abort();
  sig.resize(len);
  return sig;
}

}  // namespace keystorm::test
