// Signing keys for the test authenticator, generated with BoringSSL, for
// every algorithm the engine implements (ES256/384/512, ESP256/384/512,
// EdDSA/Ed25519, RS256/384/512, PS256/384/512, RS1).
//
// A TestKey signs exactly the way an authenticator does: ECDSA as ASN.1 DER,
// Ed25519 as 64 raw bytes, RSA PKCS#1 v1.5 or PSS (MGF1 with the same hash,
// salt length = hash length).  It encodes its public key as a canonical COSE_Key.
// Copies share the underlying BoringSSL key (reference counted).
#ifndef KEYSTORM_TEST_TEST_KEY_H_
#define KEYSTORM_TEST_TEST_KEY_H_

#include <openssl/evp.h>

#include <cstdint>
#include <string>

#include "keystorm/bytes.h"
#include "keystorm/cose_key.h"
#include "keystorm/test/cbor_writer.h"

namespace keystorm::test {

class TestKey {
 public:
  // A fresh key for `alg` (a COSE algorithm identifier).  RSA keys have
  // `rsa_bits` bits and e = 65537.  Aborts on an unknown algorithm: that is a
  // bug in the test.
  static TestKey Generate(int64_t alg, unsigned rsa_bits = 2048);
  // The same key material reused across a test binary: `slot` distinguishes
  // independent keys of the same kind.  RSA keygen is slow; tests that need
  // a fresh key should still use Generate.
  static TestKey Cached(int64_t alg, int slot = 0);

  TestKey(const TestKey& other);
  TestKey& operator=(const TestKey& other);
  TestKey(TestKey&&) noexcept = default;
  TestKey& operator=(TestKey&&) noexcept = default;
  ~TestKey();

  int64_t alg() const { return alg_; }
  std::string name() const { return std::string(CoseAlgorithmName(alg_)); }
  EVP_PKEY* pkey() const { return pkey_.get(); }

  // The same key, labelled with another algorithm of the same family
  // (ES256 P-256 key as ESP256, an RSA key as PS256, ...).
  TestKey WithAlgorithm(int64_t alg) const;

  // The canonical COSE_Key as a value tree (mutable by tests) and encoded.
  CborValue CoseKeyValue() const;
  Bytes CoseKey() const { return CoseKeyValue().Encode(); }

  // Signs `message` with this key and its algorithm.
  Bytes Sign(ByteView message) const;

  // The uncompressed X9.62 point (0x04 ‖ x ‖ y) of an EC key; empty otherwise.
  Bytes EcPoint() const;

 private:
  TestKey(int64_t alg, bssl::UniquePtr<EVP_PKEY> pkey) : alg_(alg), pkey_(std::move(pkey)) {}
  int64_t alg_ = 0;
  bssl::UniquePtr<EVP_PKEY> pkey_;
};

}  // namespace keystorm::test

#endif  // KEYSTORM_TEST_TEST_KEY_H_
