#include "p256_signature_batch.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/mem.h>
#include <openssl/nid.h>

#include <algorithm>
#include <array>
#include <cstring>

// BoringSSL's internal EC and BN interfaces, from the same source package the
// library was built from (tools/setup/build_boringssl.sh copies them).
#include "crypto/fipsmodule/ec/internal.h"

namespace keystorm {
namespace {

static_assert(sizeof(BN_ULONG) == sizeof(uint64_t), "64-bit limbs assumed");
constexpr size_t kP256Words = 4;

const EC_GROUP* P256() {
  // A static built-in group in BoringSSL: never freed.
  static const EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  return group;
}

EC_SCALAR FromWords(const uint64_t (&words)[kP256Words]) {
  EC_SCALAR out{};
  std::memcpy(out.words, words, sizeof(words));
  return out;
}

void ToWords(const EC_SCALAR& in, uint64_t (&words)[kP256Words]) {
  std::memcpy(words, in.words, sizeof(words));
}

// ECDSA_verify's checks on the encoding and on r and s (ecdsa_asn1.c and
// ecdsa_do_verify_no_self_test), without the inversion.  False for a
// signature ECDSA_verify rejects before its arithmetic.
bool ParseScalars(const EC_GROUP* group, ByteView der, EC_SCALAR* r, EC_SCALAR* s) {
  if (der.size() > kMaxP256DerSignature) return false;
  ECDSA_SIG* sig = ECDSA_SIG_from_bytes(der.data(), der.size());
  if (sig == nullptr) return false;
  // "Defend against potential laxness in the DER parser", as ECDSA_verify.
  uint8_t* encoded = nullptr;
  size_t encoded_len = 0;
  bool ok = ECDSA_SIG_to_bytes(&encoded, &encoded_len, sig) && encoded_len == der.size() &&
            std::memcmp(encoded, der.data(), der.size()) == 0;
  std::memset(r, 0, sizeof(*r));
  std::memset(s, 0, sizeof(*s));
  ok = ok && !BN_is_zero(sig->r) && ec_bignum_to_scalar(group, r, sig->r) &&
       !BN_is_zero(sig->s) && ec_bignum_to_scalar(group, s, sig->s);
  OPENSSL_free(encoded);
  ECDSA_SIG_free(sig);
  return ok;
}

// One block of at most kP256PrepareBlock signatures: one inversion.
void PrepareBlock(const EC_GROUP* group, std::span<const ByteView> signatures,
                  std::span<PreparedP256Signature> out) {
  // s of each ready signature in Montgomery form, the running products
  // s_0 ⋯ s_k (Montgomery form) of the ready ones, and where each goes.
  std::array<EC_SCALAR, kP256PrepareBlock> s_mont{}, prefix{};
  std::array<size_t, kP256PrepareBlock> ready;
  size_t count = 0;
  for (size_t i = 0; i < signatures.size(); ++i) {
    PreparedP256Signature& p = out[i];
    p.ready = false;
    p.used = false;
    p.der_size = 0;
    EC_SCALAR r, s;
    if (!ParseScalars(group, signatures[i], &r, &s)) continue;
    p.der_size = static_cast<uint8_t>(signatures[i].size());
    std::memcpy(p.der, signatures[i].data(), signatures[i].size());
    ToWords(r, p.r);
    ec_scalar_to_montgomery(group, &s_mont[count], &s);
    prefix[count] = s_mont[count];
    if (count > 0) ec_scalar_mul_montgomery(group, &prefix[count], &prefix[count - 1], &s_mont[count]);
    ready[count++] = i;
  }
  if (count == 0) return;

  // inverse = (s_0 ⋯ s_last)^-1 R.  Each s is in [1, n) and n is prime, so
  // the product is not zero; the inversion cannot fail, but if it did, no
  // signature would be prepared and each would take ECDSA_verify's path.
  EC_SCALAR product{}, inverse{};
  ec_scalar_from_montgomery(group, &product, &prefix[count - 1]);
  if (!ec_scalar_to_montgomery_inv_vartime(group, &inverse, &product)) return;
  for (size_t k = count; k-- > 0;) {
    PreparedP256Signature& p = out[ready[k]];
    EC_SCALAR s_inverse = inverse;
    if (k > 0) {
      // (s_0 ⋯ s_k)^-1 R · (s_0 ⋯ s_k-1) R · R^-1 = s_k^-1 R, and the
      // inverse of the shorter product for the next step down.
      ec_scalar_mul_montgomery(group, &s_inverse, &inverse, &prefix[k - 1]);
      ec_scalar_mul_montgomery(group, &inverse, &inverse, &s_mont[k]);
    }
    ToWords(s_inverse, p.s_inverse_mont);
    p.ready = true;
  }
}

}  // namespace

void PrepareP256Signatures(std::span<const ByteView> signatures,
                           std::span<PreparedP256Signature> out) {
  const EC_GROUP* group = P256();
  if (group == nullptr || out.size() < signatures.size()) return;
  for (size_t begin = 0; begin < signatures.size(); begin += kP256PrepareBlock) {
    const size_t n = std::min(kP256PrepareBlock, signatures.size() - begin);
    PrepareBlock(group, signatures.subspan(begin, n), out.subspan(begin, n));
  }
}

bool VerifyP256Prepared(const EC_KEY* key, const uint8_t digest[32], ByteView signature,
                        const PreparedP256Signature& prepared) {
  const EC_GROUP* group = EC_KEY_get0_group(key);
  const EC_POINT* public_key = EC_KEY_get0_public_key(key);
  const bool usable = prepared.ready && group != nullptr && public_key != nullptr &&
                      EC_GROUP_get_curve_name(group) == NID_X9_62_prime256v1 &&
                      signature.size() == prepared.der_size &&
                      std::memcmp(signature.data(), prepared.der, prepared.der_size) == 0;
  if (!usable) return ECDSA_verify(0, digest, 32, signature.data(), signature.size(), key) == 1;

  // ecdsa_do_verify_no_self_test from its inversion on.  m: the digest as a
  // scalar (32 bytes is exactly the order's width: no truncation), reduced
  // once as digest_to_scalar does.
  const EC_SCALAR r = FromWords(prepared.r);
  const EC_SCALAR s_inverse = FromWords(prepared.s_inverse_mont);
  EC_SCALAR m{};
  bn_big_endian_to_words(m.words, kP256Words, digest, 32);
  BN_ULONG scratch[EC_MAX_WORDS];
  bn_reduce_once_in_place(m.words, 0, group->order.d, scratch, kP256Words);
  // u1 = m·s^-1 and u2 = r·s^-1: s^-1 is in Montgomery form and m and r are
  // not, so the products come out of it.
  EC_SCALAR u1{}, u2{};
  ec_scalar_mul_montgomery(group, &u1, &m, &s_inverse);
  ec_scalar_mul_montgomery(group, &u2, &r, &s_inverse);
  EC_RAW_POINT point;
  prepared.used = true;
  if (!ec_point_mul_scalar_public(group, &point, &u1, &public_key->raw, &u2)) return false;
  return ec_cmp_x_coordinate(group, &point, &r) == 1;
}

}  // namespace keystorm
