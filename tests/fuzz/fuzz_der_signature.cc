// Fuzzes signature verification: the input is the signature, checked by
// fixed ES256 and ES384 keys (public key = the curve's generator G, private
// key 1) and a fixed RS256 key (make_seeds.py's RSA-2048 key) over a fixed
// message.  The seeds hold valid signatures from make_seeds.py.
//
// Invariants:
//   - an ECDSA signature is accepted only if it is strict DER: one SEQUENCE
//     of exactly two minimal, positive INTEGERs r, s in [1, n-1], with
//     minimal lengths and nothing after it (checked by a parser written
//     here, independent of BoringSSL's);
//   - an RSA signature is accepted only if it is exactly 256 bytes;
//   - Verify2 over the message split in two agrees with Verify;
//   - an accepted signature fails over a message with one bit flipped;
//   - the pipeline's batched path (p256_signature_batch.h) agrees with
//     Verify for every key, the signature prepared alone and after a valid
//     ES256 signature in one batch, and only strict DER in P-256's range is
//     prepared.
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/nid.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstdint>
#include <memory>

#include "fuzz_support.h"
#include "keystorm/cose_key.h"
#include "p256_signature_batch.h"

namespace keystorm {
namespace {

using fuzz::AppendBytes;
using fuzz::AppendCborHead;

// COSE_Key {1: 2, 3: alg, -1: crv, -2: x, -3: y} with the curve's generator.
Bytes GeneratorCoseKey(int nid, int64_t alg, int64_t crv, Bytes* order) {
  bssl::UniquePtr<EC_GROUP> group(EC_GROUP_new_by_curve_name(nid));
  FUZZ_CHECK(group != nullptr);
  uint8_t point[1 + 2 * 66];
  size_t len = EC_POINT_point2oct(group.get(), EC_GROUP_get0_generator(group.get()),
                                  POINT_CONVERSION_UNCOMPRESSED, point, sizeof(point), nullptr);
  FUZZ_CHECK(len > 1);
  size_t field = (len - 1) / 2;
  const BIGNUM* n = EC_GROUP_get0_order(group.get());
  order->resize(BN_num_bytes(n));
  BN_bn2bin(n, order->data());
  Bytes key;
  AppendCborHead(&key, 5, 5);
  AppendCborHead(&key, 0, 1);
  AppendCborHead(&key, 0, 2);
  AppendCborHead(&key, 0, 3);
  AppendCborHead(&key, 1, static_cast<uint64_t>(-1 - alg));
  AppendCborHead(&key, 1, 0);  // -1
  AppendCborHead(&key, 0, static_cast<uint64_t>(crv));
  AppendCborHead(&key, 1, 1);  // -2
  AppendCborHead(&key, 2, field);
  AppendBytes(&key, ByteView(point + 1, field));
  AppendCborHead(&key, 1, 2);  // -3
  AppendCborHead(&key, 2, field);
  AppendBytes(&key, ByteView(point + 1 + field, field));
  return key;
}

Bytes RsaCoseKey() {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  Bytes n;
  for (size_t i = 0; i + 1 < fuzz::kRsaModulusHex.size(); i += 2) {
    n.push_back(static_cast<uint8_t>(nibble(fuzz::kRsaModulusHex[i]) * 16 +
                                     nibble(fuzz::kRsaModulusHex[i + 1])));
  }
  Bytes key;
  AppendCborHead(&key, 5, 4);
  AppendCborHead(&key, 0, 1);
  AppendCborHead(&key, 0, 3);
  AppendCborHead(&key, 0, 3);
  AppendCborHead(&key, 1, 256);  // -257
  AppendCborHead(&key, 1, 0);    // -1: n
  AppendCborHead(&key, 2, n.size());
  AppendBytes(&key, n);
  AppendCborHead(&key, 1, 1);    // -2: e
  const uint8_t e[] = {0x01, 0x00, 0x01};
  AppendCborHead(&key, 2, sizeof(e));
  AppendBytes(&key, e);
  return key;
}

struct Keys {
  std::unique_ptr<PublicKey> es256, es384, rs256;
  Bytes n256, n384;  // group orders, big-endian
};

const Keys& GetKeys() {
  static const Keys* keys = [] {
    auto* k = new Keys();
    FUZZ_CHECK(PublicKey::Parse(GeneratorCoseKey(NID_X9_62_prime256v1, -7, 1, &k->n256), &k->es256) ==
               VerifyError::kOk);
    FUZZ_CHECK(PublicKey::Parse(GeneratorCoseKey(NID_secp384r1, -35, 2, &k->n384), &k->es384) ==
               VerifyError::kOk);
    FUZZ_CHECK(PublicKey::Parse(RsaCoseKey(), &k->rs256) == VerifyError::kOk);
    return k;
  }();
  return *keys;
}

// Reads one DER length at in[*pos]; minimal encodings only.
bool DerLength(ByteView in, size_t* pos, size_t* len) {
  if (*pos >= in.size()) return false;
  uint8_t first = in[(*pos)++];
  if (first < 0x80) {
    *len = first;
    return true;
  }
  size_t n = first & 0x7f;
  if (n == 0 || n > 2 || in.size() - *pos < n) return false;  // no indefinite; < 64 KiB
  size_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | in[(*pos)++];
  if (v < 0x80 || (n == 2 && v < 0x100)) return false;  // not minimal
  *len = v;
  return true;
}

// One positive, minimal INTEGER in [1, order-1].
bool DerScalar(ByteView in, size_t* pos, ByteView order) {
  size_t len;
  if (*pos >= in.size() || in[(*pos)++] != 0x02 || !DerLength(in, pos, &len)) return false;
  if (len == 0 || in.size() - *pos < len) return false;
  ByteView v = in.subspan(*pos, len);
  *pos += len;
  if (v[0] & 0x80) return false;                          // negative
  if (v.size() > 1 && v[0] == 0 && !(v[1] & 0x80)) return false;  // padded
  while (!v.empty() && v[0] == 0) v = v.subspan(1);
  if (v.empty()) return false;                            // zero
  if (v.size() != order.size()) return v.size() < order.size();
  return std::lexicographical_compare(v.begin(), v.end(), order.begin(), order.end());
}

bool StrictDerSignature(ByteView sig, ByteView order) {
  size_t pos = 0, len;
  if (sig.empty() || sig[pos++] != 0x30 || !DerLength(sig, &pos, &len)) return false;
  if (sig.size() - pos != len) return false;
  return DerScalar(sig, &pos, order) && DerScalar(sig, &pos, order) && pos == sig.size();
}

void CheckKey(const PublicKey& key, ByteView sig, bool accepted) {
  ByteView message = AsBytes(fuzz::kDerMessage);
  FUZZ_CHECK(key.Verify2(message.first(10), message.subspan(10), sig) == accepted);
  FUZZ_CHECK(key.Verify2(ByteView(), message, sig) == accepted);
  if (accepted) {
    Bytes other(message.begin(), message.end());
    other[0] ^= 0x01;
    FUZZ_CHECK(!key.Verify(other, sig));
  }
}

// Verify2 with the signature prepared, alone and second in a batch after
// `valid` (an ES256 signature by G's key over the message), against
// `accepted`, Verify's verdict.
void CheckPrepared(const Keys& keys, ByteView sig, ByteView valid, bool strict256,
                   bool es256, bool es384, bool rs256) {
  ByteView message = AsBytes(fuzz::kDerMessage);
  PreparedP256Signature alone[1];
  const ByteView just_sig[] = {sig};
  PrepareP256Signatures(just_sig, alone);
  PreparedP256Signature pair[2];
  const ByteView both[] = {valid, sig};
  PrepareP256Signatures(both, pair);
  FUZZ_CHECK(!alone[0].ready || strict256);
  FUZZ_CHECK(alone[0].ready == pair[1].ready);
  for (const PreparedP256Signature* p : {&alone[0], &pair[1]}) {
    FUZZ_CHECK(keys.es256->Verify2(message.first(10), message.subspan(10), sig, p) == es256);
    FUZZ_CHECK(keys.es384->Verify2(ByteView(), message, sig, p) == es384);
    FUZZ_CHECK(keys.rs256->Verify2(message, ByteView(), sig, p) == rs256);
  }
  FUZZ_CHECK(keys.es256->Verify2(message, ByteView(), valid, &pair[0]));
}

// An ES256 signature by private key 1 (G's) over the message, made once.
const Bytes& ValidEs256Signature() {
  static const Bytes* sig = [] {
    bssl::UniquePtr<EC_KEY> key(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
    bssl::UniquePtr<BIGNUM> one(BN_new());
    FUZZ_CHECK(key && one && BN_one(one.get()) && EC_KEY_set_private_key(key.get(), one.get()));
    uint8_t digest[32];
    SHA256(reinterpret_cast<const uint8_t*>(fuzz::kDerMessage.data()), fuzz::kDerMessage.size(),
           digest);
    auto* out = new Bytes(ECDSA_size(key.get()));
    unsigned len = 0;
    FUZZ_CHECK(ECDSA_sign(0, digest, sizeof(digest), out->data(), &len, key.get()) == 1);
    out->resize(len);
    return out;
  }();
  return *sig;
}

}  // namespace
}  // namespace keystorm

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace keystorm;
  const Keys& keys = GetKeys();
  ByteView sig(data, size);
  ByteView message = AsBytes(fuzz::kDerMessage);

  // Computed for every input, not only accepted ones: BoringSSL is not
  // coverage-instrumented, so this parser is what guides libFuzzer towards
  // DER-shaped inputs.
  bool strict256 = StrictDerSignature(sig, keys.n256);
  bool strict384 = StrictDerSignature(sig, keys.n384);

  bool es256 = keys.es256->Verify(message, sig);
  if (es256) FUZZ_CHECK(strict256);
  CheckKey(*keys.es256, sig, es256);

  bool es384 = keys.es384->Verify(message, sig);
  if (es384) FUZZ_CHECK(strict384);
  CheckKey(*keys.es384, sig, es384);

  bool rs256 = keys.rs256->Verify(message, sig);
  if (rs256) FUZZ_CHECK(size == 256);
  CheckKey(*keys.rs256, sig, rs256);

  CheckPrepared(keys, sig, ValidEs256Signature(), strict256, es256, es384, rs256);
  return 0;
}
