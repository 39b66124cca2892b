// The pipeline's batched P-256 verification (engine/src/p256_signature_batch.h)
// against BoringSSL's ECDSA_verify, signature by signature: valid ones, every
// way of breaking one (message, key, r, s, their ranges, the DER), in batches
// of several sizes with the broken ones mixed in.  The two verdicts must
// agree on every one; a wrong shared inversion shows as a valid signature
// rejected.
#include "p256_signature_batch.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/sha.h>

#include <memory>
#include <string>
#include <vector>

#include "keystorm/cose_key.h"
#include "parsers_test_util.h"

namespace keystorm {
namespace {

using testing::EcTestKey;
using testing::NewEcKey;

struct Digest {
  uint8_t bytes[32];
};

Digest DigestOf(const std::string& message) {
  Digest d;
  SHA256(reinterpret_cast<const uint8_t*>(message.data()), message.size(), d.bytes);
  return d;
}

Bytes SignDigest(const EC_KEY* key, const Digest& digest) {
  Bytes der(ECDSA_size(key));
  unsigned len = 0;
  EXPECT_EQ(ECDSA_sign(0, digest.bytes, 32, der.data(), &len, key), 1);
  der.resize(len);
  return der;
}

// DER of (r, s) from BIGNUMs, which may be out of range: ECDSA_SIG_to_bytes
// encodes any non-negative values.
Bytes EncodeSignature(const BIGNUM* r, const BIGNUM* s) {
  bssl::UniquePtr<ECDSA_SIG> sig(ECDSA_SIG_new());
  BN_copy(sig->r, r);
  BN_copy(sig->s, s);
  uint8_t* out = nullptr;
  size_t len = 0;
  EXPECT_EQ(ECDSA_SIG_to_bytes(&out, &len, sig.get()), 1);
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

// Applies `edit` to the (r, s) of a DER signature and encodes the result.
template <typename Edit>
Bytes EditScalars(const Bytes& der, Edit edit) {
  bssl::UniquePtr<ECDSA_SIG> sig(ECDSA_SIG_from_bytes(der.data(), der.size()));
  EXPECT_NE(sig, nullptr);
  bssl::UniquePtr<BIGNUM> r(BN_dup(sig->r)), s(BN_dup(sig->s));
  edit(r.get(), s.get());
  return EncodeSignature(r.get(), s.get());
}

const BIGNUM* Order() {
  return EC_GROUP_get0_order(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
}

struct Case {
  std::string what;
  const EC_KEY* key;
  Digest digest;
  Bytes signature;
};

bool Reference(const Case& c) {
  return ECDSA_verify(0, c.digest.bytes, 32, c.signature.data(), c.signature.size(), c.key) == 1;
}

class P256SignatureBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 4; ++i) keys_.push_back(NewEcKey(NID_X9_62_prime256v1));
  }

  // A valid signature and every broken variant of it, each labelled.
  std::vector<Case> Variants(int n) {
    const EC_KEY* key = keys_[n % keys_.size()].key.get();
    const EC_KEY* other_key = keys_[(n + 1) % keys_.size()].key.get();
    Digest digest = DigestOf("login " + std::to_string(n));
    Bytes good = SignDigest(key, digest);
    std::vector<Case> cases;
    auto add = [&](std::string what, const EC_KEY* k, const Digest& d, Bytes sig) {
      cases.push_back({what + " #" + std::to_string(n), k, d, std::move(sig)});
    };
    add("valid", key, digest, good);
    add("valid, high s (n - s)", key, digest,
        EditScalars(good, [](BIGNUM*, BIGNUM* s) { BN_sub(s, Order(), s); }));
    add("other message", key, DigestOf("other " + std::to_string(n)), good);
    add("other key", other_key, digest, good);
    add("r + 1", key, digest, EditScalars(good, [](BIGNUM* r, BIGNUM*) { BN_add_word(r, 1); }));
    add("s + 1", key, digest, EditScalars(good, [](BIGNUM*, BIGNUM* s) { BN_add_word(s, 1); }));
    add("r = 0", key, digest, EditScalars(good, [](BIGNUM* r, BIGNUM*) { BN_zero(r); }));
    add("s = 0", key, digest, EditScalars(good, [](BIGNUM*, BIGNUM* s) { BN_zero(s); }));
    add("r = n", key, digest, EditScalars(good, [](BIGNUM* r, BIGNUM*) { BN_copy(r, Order()); }));
    add("s = n", key, digest, EditScalars(good, [](BIGNUM*, BIGNUM* s) { BN_copy(s, Order()); }));
    add("r + n", key, digest, EditScalars(good, [](BIGNUM* r, BIGNUM*) { BN_add(r, r, Order()); }));
    add("s + n", key, digest, EditScalars(good, [](BIGNUM*, BIGNUM* s) { BN_add(s, s, Order()); }));
    Bytes trailing = good;
    trailing.push_back(0x00);
    add("trailing byte", key, digest, trailing);
    add("truncated", key, digest, Bytes(good.begin(), good.end() - 1));
    add("empty", key, digest, Bytes());
    // BER, not DER: the SEQUENCE length in long form.
    Bytes long_form = good;
    long_form.insert(long_form.begin() + 1, 0x81);
    add("long-form length", key, digest, long_form);
    Bytes flipped = good;
    flipped[flipped.size() / 2] ^= 0x01;
    add("a bit flipped", key, digest, flipped);
    add("too long", key, digest, Bytes(80, 0x30));
    return cases;
  }

  std::vector<EcTestKey> keys_;
};

// Every case of `cases` in one batch: the prepared verdict equals
// ECDSA_verify's.  Returns how many were valid.
int CheckBatch(const std::vector<Case>& cases) {
  std::vector<ByteView> signatures;
  for (const Case& c : cases) signatures.push_back(c.signature);
  std::vector<PreparedP256Signature> prepared(cases.size());
  PrepareP256Signatures(signatures, prepared);
  int valid = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    bool want = Reference(c);
    valid += want;
    EXPECT_EQ(VerifyP256Prepared(c.key, c.digest.bytes, c.signature, prepared[i]), want)
        << c.what << " (batch of " << cases.size() << ", position " << i << ")";
  }
  return valid;
}

TEST_F(P256SignatureBatchTest, AgreesWithEcdsaVerifyOnEveryVariant) {
  std::vector<Case> all;
  for (int n = 0; n < 3; ++n) {
    std::vector<Case> v = Variants(n);
    all.insert(all.end(), v.begin(), v.end());
  }
  // Two valid signatures (the original and its n - s twin) per message.
  EXPECT_EQ(CheckBatch(all), 6);
}

TEST_F(P256SignatureBatchTest, AgreesInBatchesOfEverySize) {
  // Valid signatures with broken ones between them, in batches from one to
  // more than a pipeline chunk: each valid one's inverse comes from a
  // different position in the running products.
  std::vector<Case> pool;
  for (int n = 0; n < 8; ++n) {
    std::vector<Case> v = Variants(100 + n);
    pool.insert(pool.end(), v.begin(), v.end());
  }
  for (size_t size : {1u, 2u, 3u, 7u, 32u, 33u, 64u, 144u}) {
    for (size_t start = 0; start + size <= pool.size(); start += size * 2 + 1) {
      CheckBatch(std::vector<Case>(pool.begin() + start, pool.begin() + start + size));
    }
  }
  // Valid ones only: the longest products.
  std::vector<Case> valid;
  for (int n = 0; n < 40; ++n) valid.push_back(Variants(200 + n)[0]);
  EXPECT_EQ(CheckBatch(valid), 40);
}

TEST_F(P256SignatureBatchTest, PreparesOnlyWellFormedInRangeSignatures) {
  std::vector<Case> cases = Variants(7);
  std::vector<ByteView> signatures;
  for (const Case& c : cases) signatures.push_back(c.signature);
  std::vector<PreparedP256Signature> prepared(cases.size());
  PrepareP256Signatures(signatures, prepared);
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string& what = cases[i].what;
    const bool well_formed = what.rfind("valid", 0) == 0 || what.rfind("other", 0) == 0 ||
                             what.rfind("r + 1", 0) == 0 || what.rfind("s + 1", 0) == 0 ||
                             what.rfind("a bit flipped", 0) == 0;
    // A flipped bit may land in the DER's framing; only check the rest.
    if (what.rfind("a bit flipped", 0) == 0) continue;
    EXPECT_EQ(prepared[i].ready, well_formed) << what;
  }
}

// s + n still fits in 256 bits when s is small: only the range check tells
// it from s.  A valid signature with a small s is made from the private key
// (s·k = m + r·d, solved for the message scalar m), then s + n is offered.
TEST_F(P256SignatureBatchTest, AnSThatIsOnlyInRangeModuloNIsNotPrepared) {
  const EC_KEY* key = keys_[2].key.get();
  const EC_GROUP* group = EC_KEY_get0_group(key);
  bssl::UniquePtr<BN_CTX> ctx(BN_CTX_new());
  bssl::UniquePtr<BIGNUM> k(BN_new()), s(BN_new()), x(BN_new()), r(BN_new()), sk(BN_new()),
      rd(BN_new()), m(BN_new()), s_plus_n(BN_new());
  ASSERT_TRUE(BN_rand_range(k.get(), Order()));
  ASSERT_TRUE(BN_set_word(s.get(), 0x1234567));  // far below 2^256 - n
  bssl::UniquePtr<EC_POINT> point(EC_POINT_new(group));
  ASSERT_TRUE(EC_POINT_mul(group, point.get(), k.get(), nullptr, nullptr, ctx.get()));
  ASSERT_TRUE(EC_POINT_get_affine_coordinates_GFp(group, point.get(), x.get(), nullptr, ctx.get()));
  ASSERT_TRUE(BN_nnmod(r.get(), x.get(), Order(), ctx.get()));
  ASSERT_TRUE(BN_mod_mul(sk.get(), s.get(), k.get(), Order(), ctx.get()));
  ASSERT_TRUE(BN_mod_mul(rd.get(), r.get(), EC_KEY_get0_private_key(key), Order(), ctx.get()));
  ASSERT_TRUE(BN_mod_sub(m.get(), sk.get(), rd.get(), Order(), ctx.get()));
  Digest digest;
  ASSERT_TRUE(BN_bn2bin_padded(digest.bytes, 32, m.get()));
  ASSERT_TRUE(BN_add(s_plus_n.get(), s.get(), Order()));
  ASSERT_LE(BN_num_bits(s_plus_n.get()), 256u);

  std::vector<Case> cases = {
      {"small s", key, digest, EncodeSignature(r.get(), s.get())},
      {"small s + n", key, digest, EncodeSignature(r.get(), s_plus_n.get())},
  };
  ASSERT_TRUE(Reference(cases[0])) << "the constructed signature must be valid";
  ASSERT_FALSE(Reference(cases[1]));
  std::vector<ByteView> signatures = {cases[0].signature, cases[1].signature};
  std::vector<PreparedP256Signature> prepared(2);
  PrepareP256Signatures(signatures, prepared);
  EXPECT_TRUE(prepared[0].ready);
  EXPECT_FALSE(prepared[1].ready) << "s + n passed the range check";
  EXPECT_EQ(CheckBatch(cases), 1);
}

TEST_F(P256SignatureBatchTest, APreparationOfOtherBytesIsNotUsed) {
  const EC_KEY* key = keys_[0].key.get();
  Digest a = DigestOf("a"), b = DigestOf("b");
  Bytes sig_a = SignDigest(key, a), sig_b = SignDigest(key, b);
  std::vector<ByteView> signatures = {sig_a};
  std::vector<PreparedP256Signature> prepared(1);
  PrepareP256Signatures(signatures, prepared);
  ASSERT_TRUE(prepared[0].ready);
  // sig_b with sig_a's preparation: verified whole, so still valid for b...
  EXPECT_TRUE(VerifyP256Prepared(key, b.bytes, sig_b, prepared[0]));
  // ...and still invalid for a.
  EXPECT_FALSE(VerifyP256Prepared(key, a.bytes, sig_b, prepared[0]));
  EXPECT_FALSE(prepared[0].used);
  EXPECT_TRUE(VerifyP256Prepared(key, a.bytes, sig_a, prepared[0]));
  EXPECT_TRUE(prepared[0].used);
  EXPECT_FALSE(VerifyP256Prepared(key, b.bytes, sig_a, prepared[0]));
}

TEST_F(P256SignatureBatchTest, AKeyOnAnotherCurveIsVerifiedWhole) {
  EcTestKey p384 = NewEcKey(NID_secp384r1);
  Digest digest = DigestOf("p-384");
  Bytes sig = SignDigest(p384.key.get(), digest);
  std::vector<ByteView> signatures = {sig};
  std::vector<PreparedP256Signature> prepared(1);
  PrepareP256Signatures(signatures, prepared);
  // Its r and s may fit P-256's range and be prepared, wrongly for P-384:
  // the key's curve decides.
  EXPECT_TRUE(VerifyP256Prepared(p384.key.get(), digest.bytes, sig, prepared[0]));
  EXPECT_FALSE(VerifyP256Prepared(p384.key.get(), DigestOf("x").bytes, sig, prepared[0]));
}

TEST_F(P256SignatureBatchTest, PublicKeyVerify2UsesThePreparationWithTheSameVerdict) {
  const EcTestKey& k = keys_[1];
  std::unique_ptr<PublicKey> key;
  ASSERT_EQ(PublicKey::Parse(testing::Ec2CoseKey(-7, 1, k.x, k.y), &key), VerifyError::kOk);
  const Bytes part1 = {'a', 'u', 't', 'h'}, part2 = {'h', 'a', 's', 'h'};
  Bytes message = part1;
  message.insert(message.end(), part2.begin(), part2.end());
  Digest digest;
  SHA256(message.data(), message.size(), digest.bytes);
  Bytes good = SignDigest(k.key.get(), digest);
  Bytes bad = EditScalars(good, [](BIGNUM*, BIGNUM* s) { BN_add_word(s, 1); });
  std::vector<ByteView> signatures = {good, bad};
  std::vector<PreparedP256Signature> prepared(2);
  PrepareP256Signatures(signatures, prepared);
  ASSERT_TRUE(prepared[0].ready && prepared[1].ready);
  EXPECT_TRUE(key->Verify2(part1, part2, good, &prepared[0]));
  EXPECT_FALSE(key->Verify2(part1, part2, bad, &prepared[1]));
  EXPECT_FALSE(key->Verify2(part2, part1, good, &prepared[0]));
  // A prepared inverse that does not belong to the signature's s (a
  // preparation tampered with) must not verify: the arithmetic uses it.
  PreparedP256Signature swapped = prepared[0];
  std::copy(std::begin(prepared[1].s_inverse_mont), std::end(prepared[1].s_inverse_mont),
            std::begin(swapped.s_inverse_mont));
  EXPECT_FALSE(key->Verify2(part1, part2, good, &swapped));
}

}  // namespace
}  // namespace keystorm
