#include "keystorm/cose_key.h"

#include <openssl/bn.h>
#include <openssl/curve25519.h>
#include <openssl/digest.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/nid.h>
#include <openssl/rsa.h>

#include <decaf/ed448.h>

#include <array>
#include <cstring>

#include "keystorm/cbor.h"
#include "p256_signature_batch.h"

namespace keystorm {
namespace {

// COSE_Key labels (RFC 9052 §7, RFC 9053 §7).
constexpr int64_t kLabelKty = 1;
constexpr int64_t kLabelAlg = 3;
constexpr int64_t kLabelCrv = -1;  // EC2/OKP
constexpr int64_t kLabelX = -2;    // EC2/OKP
constexpr int64_t kLabelY = -3;    // EC2
constexpr int64_t kLabelN = -1;    // RSA
constexpr int64_t kLabelE = -2;    // RSA

// COSE elliptic curves.
constexpr int64_t kCrvP256 = 1, kCrvP384 = 2, kCrvP521 = 3, kCrvEd25519 = 6, kCrvEd448 = 7;

// ML-DSA (FIPS 204) identifiers from draft-ietf-cose-dilithium.
constexpr int64_t kAlgMlDsa44 = -48, kAlgMlDsa65 = -49, kAlgMlDsa87 = -50;

constexpr unsigned kMinRsaBits = 2048;
constexpr unsigned kMaxRsaBits = 16384;

// kEd448 is libdecaf's (BoringSSL has no Ed448): -53, or -8 with crv 7.
enum class Family { kNone, kEcdsa, kEdDSA, kEd448, kRsaPkcs1, kRsaPss };

struct AlgInfo {
  Family family;
  int curve_nid;      // ECDSA only
  int64_t cose_crv;   // ECDSA / EdDSA
  const EVP_MD* (*md)();
};

AlgInfo Describe(int64_t alg) {
  switch (alg) {
    case -7: case -9: return {Family::kEcdsa, NID_X9_62_prime256v1, kCrvP256, EVP_sha256};
    case -35: case -51: return {Family::kEcdsa, NID_secp384r1, kCrvP384, EVP_sha384};
    case -36: case -52: return {Family::kEcdsa, NID_secp521r1, kCrvP521, EVP_sha512};
    case -8: case -19: return {Family::kEdDSA, 0, kCrvEd25519, nullptr};
    case -53: return {Family::kEd448, 0, kCrvEd448, nullptr};
    case -257: return {Family::kRsaPkcs1, 0, 0, EVP_sha256};
    case -258: return {Family::kRsaPkcs1, 0, 0, EVP_sha384};
    case -259: return {Family::kRsaPkcs1, 0, 0, EVP_sha512};
    case -65535: return {Family::kRsaPkcs1, 0, 0, EVP_sha1};
    case -37: return {Family::kRsaPss, 0, 0, EVP_sha256};
    case -38: return {Family::kRsaPss, 0, 0, EVP_sha384};
    case -39: return {Family::kRsaPss, 0, 0, EVP_sha512};
    default: return {Family::kNone, 0, 0, nullptr};
  }
}

// Joins two message parts into `buf` when an API needs one contiguous
// message; small messages (authData ‖ hash) stay on the stack.
class Joined {
 public:
  Joined(ByteView a, ByteView b) {
    size_ = a.size() + b.size();
    uint8_t* p = stack_.data();
    if (size_ > stack_.size()) {
      heap_.resize(size_);
      p = heap_.data();
    }
    if (!a.empty()) std::memcpy(p, a.data(), a.size());
    if (!b.empty()) std::memcpy(p + a.size(), b.data(), b.size());
    data_ = p;
  }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  std::array<uint8_t, 512> stack_;
  Bytes heap_;
  const uint8_t* data_;
  size_t size_;
};

bool Digest(const EVP_MD* md, ByteView a, ByteView b, uint8_t* out, unsigned* out_len) {
  EVP_MD_CTX ctx;
  EVP_MD_CTX_init(&ctx);
  bool ok = EVP_DigestInit_ex(&ctx, md, nullptr) && EVP_DigestUpdate(&ctx, a.data(), a.size()) &&
            EVP_DigestUpdate(&ctx, b.data(), b.size()) && EVP_DigestFinal_ex(&ctx, out, out_len);
  EVP_MD_CTX_cleanup(&ctx);
  return ok;
}

bool VerifyRsa(const AlgInfo& info, const RSA* rsa, ByteView a, ByteView b, ByteView sig) {
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned digest_len = 0;
  const EVP_MD* md = info.md();
  if (!Digest(md, a, b, digest, &digest_len)) return false;
  if (info.family == Family::kRsaPkcs1) {
    return RSA_verify(EVP_MD_type(md), digest, digest_len, sig.data(), sig.size(),
                      const_cast<RSA*>(rsa)) == 1;
  }
  // PSS with MGF1 of the same hash and salt length = hash length (RFC 8230 §2).
  return RSA_verify_pss_mgf1(const_cast<RSA*>(rsa), digest, digest_len, md, md,
                             static_cast<int>(digest_len), sig.data(), sig.size()) == 1;
}

bool VerifyEcdsa(const AlgInfo& info, const EC_KEY* ec, ByteView a, ByteView b, ByteView sig) {
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned digest_len = 0;
  if (!Digest(info.md(), a, b, digest, &digest_len)) return false;
  // ECDSA_verify requires strict DER: it re-encodes the parsed signature and
  // compares, so BER variants and trailing bytes fail.
  return ECDSA_verify(0, digest, digest_len, sig.data(), sig.size(), ec) == 1;
}

bool VerifyEd25519(const uint8_t public_key[32], ByteView a, ByteView b, ByteView sig) {
  if (sig.size() != 64) return false;
  Joined message(a, b);
  return ED25519_verify(message.data(), message.size(), sig.data(), public_key) == 1;
}

// RFC 8032 §5.2.7 with an empty context (pure Ed448, as COSE uses it).
bool VerifyEd448(const uint8_t public_key[DECAF_EDDSA_448_PUBLIC_BYTES], ByteView a, ByteView b,
                 ByteView sig) {
  if (sig.size() != DECAF_EDDSA_448_SIGNATURE_BYTES) return false;
  Joined message(a, b);
  return decaf_ed448_verify(sig.data(), public_key, message.data(), message.size(),
                            /*prehashed=*/0, /*context=*/nullptr, 0) == DECAF_SUCCESS;
}

// An Ed448 public key must decode to a curve point (RFC 8032 §5.2.3).
bool IsEd448Point(ByteView x) {
  decaf_448_point_t point;
  bool ok = decaf_448_point_decode_like_eddsa_and_mul_by_ratio(point, x.data()) == DECAF_SUCCESS;
  decaf_448_point_destroy(point);
  return ok;
}

bssl::UniquePtr<BIGNUM> ToBignum(ByteView bytes) {
  return bssl::UniquePtr<BIGNUM>(BN_bin2bn(bytes.data(), bytes.size(), nullptr));
}

}  // namespace

struct PublicKey::Impl {
  AlgInfo info;
  bssl::UniquePtr<EVP_PKEY> pkey;
  const EC_KEY* ec = nullptr;   // owned by pkey
  const RSA* rsa = nullptr;     // owned by pkey
  uint8_t ed25519[32] = {};
  uint8_t ed448[DECAF_EDDSA_448_PUBLIC_BYTES] = {};
};

PublicKey::~PublicKey() = default;

std::string_view CoseAlgorithmName(int64_t alg) {
  switch (alg) {
    case -7: return "ES256";
    case -35: return "ES384";
    case -36: return "ES512";
    case -8: return "EdDSA";
    case -9: return "ESP256";
    case -51: return "ESP384";
    case -52: return "ESP512";
    case -19: return "Ed25519";
    case -53: return "Ed448";
    case -257: return "RS256";
    case -258: return "RS384";
    case -259: return "RS512";
    case -37: return "PS256";
    case -38: return "PS384";
    case -39: return "PS512";
    case -65535: return "RS1";
    case kAlgMlDsa44: return "ML-DSA-44";
    case kAlgMlDsa65: return "ML-DSA-65";
    case kAlgMlDsa87: return "ML-DSA-87";
    default: return "unknown";
  }
}

bool IsImplementedAlgorithm(int64_t alg) { return Describe(alg).family != Family::kNone; }

const env_md_st* CoseAlgorithmDigest(int64_t alg) {
  AlgInfo info = Describe(alg);
  return info.md ? info.md() : nullptr;
}

VerifyError PublicKey::Parse(ByteView cose, std::unique_ptr<PublicKey>* out) {
  size_t consumed = 0;
  VerifyError err = ParsePrefix(cose, &consumed, out);
  // Trailing bytes are a CBOR fault and outrank what the key's members say
  // (ParsePrefix sets *consumed whenever the CBOR itself parsed).
  if (err != VerifyError::kMalformedCbor && consumed != cose.size()) {
    out->reset();
    return VerifyError::kMalformedCbor;
  }
  return err;
}

VerifyError PublicKey::ParsePrefix(ByteView data, size_t* consumed,
                                   std::unique_ptr<PublicKey>* out) {
  CborDocument doc;
  CborLimits limits;
  limits.max_depth = 4;
  limits.max_items = 64;
  if (!doc.ParsePrefix(data, limits, consumed)) return VerifyError::kMalformedCbor;
  CborRef map = doc.root();
  if (!map.is_map()) return VerifyError::kInvalidPublicKey;

  int64_t kty = 0, alg = 0;
  if (!map.Find(kLabelKty).GetInt(&kty) || !map.Find(kLabelAlg).GetInt(&alg)) {
    return VerifyError::kInvalidPublicKey;
  }
  AlgInfo info = Describe(alg);
  if (info.family == Family::kNone) return VerifyError::kUnsupportedAlgorithm;
  // -8 (EdDSA) leaves the curve to crv: with Ed448 it is the fully
  // specified Ed448 (-53).
  int64_t okp_crv = 0;
  if (alg == -8 && map.Find(kLabelCrv).GetInt(&okp_crv) && okp_crv == kCrvEd448) {
    info = Describe(-53);
  }

  std::unique_ptr<PublicKey> key(new PublicKey());
  key->alg_ = alg;
  key->kty_ = static_cast<CoseKeyType>(kty);
  key->impl_ = std::make_unique<Impl>();
  Impl& impl = *key->impl_;
  impl.info = info;

  switch (info.family) {
    case Family::kEcdsa: {
      int64_t crv = 0;
      ByteView x, y;
      if (kty != static_cast<int64_t>(CoseKeyType::kEC2)) return VerifyError::kInvalidPublicKey;
      if (!map.Find(kLabelCrv).GetInt(&crv) || crv != info.cose_crv) {
        return VerifyError::kInvalidPublicKey;
      }
      // y as a bool (point compression) is not allowed in WebAuthn.
      if (!map.Find(kLabelX).GetBytes(&x) || !map.Find(kLabelY).GetBytes(&y)) {
        return VerifyError::kInvalidPublicKey;
      }
      bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(info.curve_nid));
      if (!ec) return VerifyError::kInvalidPublicKey;
      const EC_GROUP* group = EC_KEY_get0_group(ec.get());
      size_t field_len = (EC_GROUP_get_degree(group) + 7) / 8;
      // Leading zero octets must be kept (RFC 9053 §7.1.1): exact lengths.
      if (x.size() != field_len || y.size() != field_len) return VerifyError::kInvalidPublicKey;
      // Rebuild the uncompressed SEC1 point; EC_POINT_oct2point checks that
      // the coordinates are field elements and the point is on the curve.
      uint8_t sec1[1 + 2 * 66];
      sec1[0] = 0x04;
      std::memcpy(sec1 + 1, x.data(), field_len);
      std::memcpy(sec1 + 1 + field_len, y.data(), field_len);
      bssl::UniquePtr<EC_POINT> point(EC_POINT_new(group));
      if (!point || !EC_POINT_oct2point(group, point.get(), sec1, 1 + 2 * field_len, nullptr) ||
          !EC_KEY_set_public_key(ec.get(), point.get())) {
        return VerifyError::kInvalidPublicKey;
      }
      impl.pkey.reset(EVP_PKEY_new());
      if (!impl.pkey || !EVP_PKEY_set1_EC_KEY(impl.pkey.get(), ec.get())) {
        return VerifyError::kInvalidPublicKey;
      }
      impl.ec = EVP_PKEY_get0_EC_KEY(impl.pkey.get());
      break;
    }
    case Family::kEdDSA: {
      int64_t crv = 0;
      ByteView x;
      if (kty != static_cast<int64_t>(CoseKeyType::kOKP)) return VerifyError::kInvalidPublicKey;
      if (!map.Find(kLabelCrv).GetInt(&crv)) return VerifyError::kInvalidPublicKey;
      if (crv != kCrvEd25519) return VerifyError::kInvalidPublicKey;
      if (!map.Find(kLabelX).GetBytes(&x) || x.size() != 32) return VerifyError::kInvalidPublicKey;
      std::memcpy(impl.ed25519, x.data(), 32);
      impl.pkey.reset(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, x.data(), x.size()));
      if (!impl.pkey) return VerifyError::kInvalidPublicKey;
      break;
    }
    case Family::kEd448: {
      int64_t crv = 0;
      ByteView x;
      if (kty != static_cast<int64_t>(CoseKeyType::kOKP)) return VerifyError::kInvalidPublicKey;
      if (!map.Find(kLabelCrv).GetInt(&crv) || crv != kCrvEd448) {
        return VerifyError::kInvalidPublicKey;
      }
      if (!map.Find(kLabelX).GetBytes(&x) || x.size() != DECAF_EDDSA_448_PUBLIC_BYTES ||
          !IsEd448Point(x)) {
        return VerifyError::kInvalidPublicKey;
      }
      std::memcpy(impl.ed448, x.data(), x.size());
      // BoringSSL has no Ed448 keys: an empty EVP_PKEY, which no
      // certificate's key equals and which every EVP_PKEY_get0_* refuses.
      impl.pkey.reset(EVP_PKEY_new());
      if (!impl.pkey) return VerifyError::kInvalidPublicKey;
      break;
    }
    case Family::kRsaPkcs1:
    case Family::kRsaPss: {
      ByteView n, e;
      if (kty != static_cast<int64_t>(CoseKeyType::kRSA)) return VerifyError::kInvalidPublicKey;
      if (!map.Find(kLabelN).GetBytes(&n) || !map.Find(kLabelE).GetBytes(&e)) {
        return VerifyError::kInvalidPublicKey;
      }
      bssl::UniquePtr<BIGNUM> bn_n = ToBignum(n), bn_e = ToBignum(e);
      if (!bn_n || !bn_e) return VerifyError::kInvalidPublicKey;
      unsigned bits = BN_num_bits(bn_n.get());
      // Policy: e = 65537 only, as every real authenticator uses it; other
      // exponents are a known source of verification bugs.
      if (bits < kMinRsaBits || bits > kMaxRsaBits || !BN_is_odd(bn_n.get()) ||
          !BN_is_word(bn_e.get(), RSA_F4)) {
        return VerifyError::kInvalidPublicKey;
      }
      bssl::UniquePtr<RSA> rsa(RSA_new());
      if (!rsa || !RSA_set0_key(rsa.get(), bn_n.get(), bn_e.get(), nullptr)) {
        return VerifyError::kInvalidPublicKey;
      }
      bn_n.release();
      bn_e.release();
      impl.pkey.reset(EVP_PKEY_new());
      if (!impl.pkey || !EVP_PKEY_set1_RSA(impl.pkey.get(), rsa.get())) {
        return VerifyError::kInvalidPublicKey;
      }
      impl.rsa = EVP_PKEY_get0_RSA(impl.pkey.get());
      break;
    }
    case Family::kNone:
      return VerifyError::kUnsupportedAlgorithm;
  }
  *out = std::move(key);
  return VerifyError::kOk;
}

bool PublicKey::Verify(ByteView message, ByteView signature) const {
  return Verify2(message, ByteView(), signature);
}

bool PublicKey::Verify2(ByteView part1, ByteView part2, ByteView signature) const {
  const Impl& impl = *impl_;
  switch (impl.info.family) {
    case Family::kEcdsa: return VerifyEcdsa(impl.info, impl.ec, part1, part2, signature);
    case Family::kEdDSA: return VerifyEd25519(impl.ed25519, part1, part2, signature);
    case Family::kEd448: return VerifyEd448(impl.ed448, part1, part2, signature);
    case Family::kRsaPkcs1:
    case Family::kRsaPss: return VerifyRsa(impl.info, impl.rsa, part1, part2, signature);
    case Family::kNone: return false;
  }
  return false;
}

bool PublicKey::Verify2(ByteView part1, ByteView part2, ByteView signature,
                        const PreparedP256Signature* prepared) const {
  const Impl& impl = *impl_;
  if (prepared == nullptr || impl.info.family != Family::kEcdsa ||
      impl.info.curve_nid != NID_X9_62_prime256v1) {
    return Verify2(part1, part2, signature);
  }
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned digest_len = 0;
  if (!Digest(impl.info.md(), part1, part2, digest, &digest_len) || digest_len != 32) return false;
  return VerifyP256Prepared(impl.ec, digest, signature, *prepared);
}

bool PublicKey::SameKeyAs(const EVP_PKEY* pkey) const {
  // Two empty EVP_PKEYs never compare equal; the placeholder equals itself.
  if (impl_->info.family == Family::kEd448) return pkey == impl_->pkey.get();
  return pkey != nullptr && EVP_PKEY_cmp(impl_->pkey.get(), pkey) == 1;
}

const EVP_PKEY* PublicKey::evp() const { return impl_->pkey.get(); }

bool VerifyWithEvpKey(int64_t alg, const EVP_PKEY* key, ByteView part1, ByteView part2,
                      ByteView signature) {
  AlgInfo info = Describe(alg);
  if (key == nullptr) return false;
  switch (info.family) {
    case Family::kEcdsa: {
      const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(const_cast<EVP_PKEY*>(key));
      return ec != nullptr && VerifyEcdsa(info, ec, part1, part2, signature);
    }
    case Family::kEdDSA: {
      if (EVP_PKEY_id(key) != EVP_PKEY_ED25519) return false;
      uint8_t raw[32];
      size_t raw_len = sizeof(raw);
      return EVP_PKEY_get_raw_public_key(key, raw, &raw_len) && raw_len == 32 &&
             VerifyEd25519(raw, part1, part2, signature);
    }
    case Family::kEd448: return false;  // no Ed448 certificates in BoringSSL
    case Family::kRsaPkcs1:
    case Family::kRsaPss: {
      const RSA* rsa = EVP_PKEY_get0_RSA(const_cast<EVP_PKEY*>(key));
      return rsa != nullptr && VerifyRsa(info, rsa, part1, part2, signature);
    }
    case Family::kNone: return false;
  }
  return false;
}

}  // namespace keystorm
