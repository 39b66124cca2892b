// Fuzzes PublicKey::Parse / ParsePrefix (COSE_Key) and Verify.
//
// Invariants:
//   - the verdict is kOk, kMalformedCbor, kUnsupportedAlgorithm or
//     kInvalidPublicKey, a key is returned iff kOk, and kMalformedCbor is
//     returned iff the input is not one canonical CBOR item under the COSE
//     limits;
//   - a parsed key's algorithm is implemented, its key type fits that
//     algorithm, it has an EVP_PKEY and SameKeyAs() itself;
//   - unless the input is malformed CBOR, ParsePrefix on the input plus a
//     trailing byte gives the same verdict (and key, consuming the original
//     length) while Parse calls it malformed_cbor;
//   - Verify on a fixed message runs for every parsed key; the key whose
//     point is the P-256 generator G (private key 1) must accept a signature
//     made with private key 1, and no key accepts it over another message.
#include <openssl/bn.h>
#include <openssl/digest.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/nid.h>
#include <openssl/sha.h>

#include <cstdint>
#include <memory>

#include "fuzz_support.h"
#include "keystorm/cbor.h"
#include "keystorm/cose_key.h"

namespace keystorm {
namespace {

struct Fixture {
  bssl::UniquePtr<EVP_PKEY> g_key;  // P-256 public key G
  Bytes signature;                  // ES256 by private key 1 over kCoseMessage
};

const Fixture& GetFixture() {
  static const Fixture* fixture = [] {
    auto* f = new Fixture();
    bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
    bssl::UniquePtr<BIGNUM> one(BN_new());
    FUZZ_CHECK(ec && one && BN_one(one.get()) && EC_KEY_set_private_key(ec.get(), one.get()));
    const EC_GROUP* group = EC_KEY_get0_group(ec.get());
    FUZZ_CHECK(EC_KEY_set_public_key(ec.get(), EC_GROUP_get0_generator(group)));
    uint8_t digest[32];
    SHA256(reinterpret_cast<const uint8_t*>(fuzz::kCoseMessage.data()), fuzz::kCoseMessage.size(),
           digest);
    f->signature.resize(ECDSA_size(ec.get()));
    unsigned sig_len = 0;
    FUZZ_CHECK(ECDSA_sign(0, digest, sizeof(digest), f->signature.data(), &sig_len, ec.get()));
    f->signature.resize(sig_len);
    f->g_key.reset(EVP_PKEY_new());
    FUZZ_CHECK(f->g_key && EVP_PKEY_set1_EC_KEY(f->g_key.get(), ec.get()));
    return f;
  }();
  return *fixture;
}

bool KeyTypeFits(const PublicKey& key) {
  switch (key.algorithm()) {
    case -7: case -9: case -35: case -51: case -36: case -52:
      return key.key_type() == CoseKeyType::kEC2;
    case -8: case -19: case -53:
      return key.key_type() == CoseKeyType::kOKP;
    case -257: case -258: case -259: case -37: case -38: case -39: case -65535:
      return key.key_type() == CoseKeyType::kRSA;
    default:
      return false;
  }
}

}  // namespace
}  // namespace keystorm

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace keystorm;
  const Fixture& fixture = GetFixture();
  ByteView input(data, size);

  std::unique_ptr<PublicKey> key;
  VerifyError err = PublicKey::Parse(input, &key);
  FUZZ_CHECK(err == VerifyError::kOk || err == VerifyError::kMalformedCbor ||
             err == VerifyError::kUnsupportedAlgorithm || err == VerifyError::kInvalidPublicKey);
  FUZZ_CHECK((err == VerifyError::kOk) == (key != nullptr));

  CborLimits limits;
  limits.max_depth = 4;
  limits.max_items = 64;
  CborDocument doc;
  FUZZ_CHECK((err == VerifyError::kMalformedCbor) == !doc.Parse(input, limits));

  Bytes longer(data, data + size);
  longer.push_back(0x00);
  size_t consumed = 0;
  std::unique_ptr<PublicKey> prefix_key;
  VerifyError prefix_err = PublicKey::ParsePrefix(longer, &consumed, &prefix_key);
  std::unique_ptr<PublicKey> longer_key;
  VerifyError longer_err = PublicKey::Parse(longer, &longer_key);
  if (err != VerifyError::kMalformedCbor) {
    // The item parsed as CBOR: with a byte after it, ParsePrefix reads the
    // same item to the same verdict and Parse calls the whole malformed.
    // (After malformed CBOR the extra byte may complete a truncated item.)
    FUZZ_CHECK(prefix_err == err);
    FUZZ_CHECK(longer_err == VerifyError::kMalformedCbor && longer_key == nullptr);
  }
  if (err != VerifyError::kOk) return 0;
  FUZZ_CHECK(consumed == size);
  FUZZ_CHECK(prefix_key->algorithm() == key->algorithm());
  // Ed448 keys have no BoringSSL form to compare (cose_key.h): the two
  // parses must then agree on what they verify.
  if (EVP_PKEY_id(key->evp()) == EVP_PKEY_NONE) {
    FUZZ_CHECK(prefix_key->Verify(AsBytes(fuzz::kCoseMessage), input) ==
               key->Verify(AsBytes(fuzz::kCoseMessage), input));
  } else {
    FUZZ_CHECK(prefix_key->SameKeyAs(key->evp()));
  }

  FUZZ_CHECK(IsImplementedAlgorithm(key->algorithm()));
  FUZZ_CHECK(CoseAlgorithmName(key->algorithm()) != "unknown");
  FUZZ_CHECK(KeyTypeFits(*key));
  FUZZ_CHECK(key->evp() != nullptr && key->SameKeyAs(key->evp()));

  ByteView message = AsBytes(fuzz::kCoseMessage);
  bool verified = key->Verify(message, fixture.signature);
  if ((key->algorithm() == -7 || key->algorithm() == -9) && key->SameKeyAs(fixture.g_key.get())) {
    FUZZ_CHECK(verified);
  }
  if (verified) {
    Bytes other(message.begin(), message.end());
    other.back() ^= 1;
    FUZZ_CHECK(!key->Verify(other, fixture.signature));
    FUZZ_CHECK(key->Verify2(message.first(5), message.subspan(5), fixture.signature));
  }
  // Every kind of key survives a signature of the wrong shape.
  FUZZ_CHECK(!key->Verify(message, input));
  return 0;
}
