// COSE public keys (RFC 9052/9053, WebAuthn L3 §5.8.5) parsed once into a
// reusable, validated key object.
//
// A PublicKey is immutable after parsing and safe to share between threads
// (BoringSSL's verify operations take const keys).  Parse a stored credential's
// key once and keep the PublicKey, not the CBOR, on the verification path.
#ifndef KEYSTORM_COSE_KEY_H_
#define KEYSTORM_COSE_KEY_H_

#include <cstdint>
#include <memory>
#include <string_view>

#include "keystorm/bytes.h"
#include "keystorm/export.h"
#include "keystorm/verify_error.h"

// BoringSSL types, declared here so this header does not pull in BoringSSL.
struct env_md_st;   // EVP_MD
struct evp_pkey_st;  // EVP_PKEY

namespace keystorm {

// A P-256 signature prepared in a batch (engine/src/p256_signature_batch.h):
// the pipeline's, opaque to other callers.
struct PreparedP256Signature;

// COSE algorithm identifiers (IANA "COSE Algorithms").
enum class CoseAlgorithm : int32_t {
  kES256 = -7,
  kES384 = -35,
  kES512 = -36,
  kEdDSA = -8,
  kRS256 = -257,
  kRS384 = -258,
  kRS512 = -259,
  kPS256 = -37,
  kPS384 = -38,
  kPS512 = -39,
  kRS1 = -65535,
  // Fully-specified identifiers (RFC 9864), mapped onto the ones above.
  kESP256 = -9,
  kESP384 = -51,
  kESP512 = -52,
  kEd25519 = -19,
  kEd448 = -53,  // verified with libdecaf (BoringSSL has no Ed448)
};

// Key types (COSE "kty").
enum class CoseKeyType : int32_t { kOKP = 1, kEC2 = 2, kRSA = 3, kAKP = 7 };

// The name of an algorithm ("ES256"), or "unknown".
KEYSTORM_EXPORT std::string_view CoseAlgorithmName(int64_t alg);

// True for every algorithm Keystorm can verify.
KEYSTORM_EXPORT bool IsImplementedAlgorithm(int64_t alg);

// Hash used by an algorithm's signature; also names the hash of packed/tpm
// attestation statements.  Returns nullptr for unknown algorithms.
KEYSTORM_EXPORT const env_md_st* CoseAlgorithmDigest(int64_t alg);

class KEYSTORM_EXPORT PublicKey {
 public:
  // Parses one canonical CBOR COSE_Key filling all of `cose`.  Returns
  //   kMalformedCbor       CBOR that breaks the strict rules,
  //   kUnsupportedAlgorithm  a well-formed key of an algorithm we lack
  //                        (ML-DSA, unknown),
  //   kInvalidPublicKey    missing members, kty/alg/crv mismatch, wrong
  //                        coordinate lengths, point not on the curve,
  //                        RSA modulus < 2048 bits or e != 65537.
  static VerifyError Parse(ByteView cose, std::unique_ptr<PublicKey>* out);

  // Like Parse, but for a key embedded in a longer buffer (authenticatorData):
  // *consumed receives the COSE_Key's length.
  static VerifyError ParsePrefix(ByteView data, size_t* consumed, std::unique_ptr<PublicKey>* out);

  ~PublicKey();
  PublicKey(const PublicKey&) = delete;
  PublicKey& operator=(const PublicKey&) = delete;

  int64_t algorithm() const { return alg_; }
  CoseKeyType key_type() const { return kty_; }

  // Verifies `signature` over `message` with this key and its algorithm.
  // ECDSA signatures are ASN.1 DER (strict); Ed25519 64 raw bytes; RSA
  // PKCS#1 v1.5 or PSS (salt length = hash length) as the algorithm says.
  // Returns true only for a valid signature.  Thread-safe.
  bool Verify(ByteView message, ByteView signature) const;

  // Same, over several message pieces concatenated (authData ‖ hash) without
  // copying them together.
  bool Verify2(ByteView part1, ByteView part2, ByteView signature) const;

  // Same verdict, finished from `prepared` (the pipeline's batched s^-1) when
  // this is a P-256 ECDSA key with SHA-256 and `prepared` was made from
  // `signature`; otherwise exactly Verify2 above.  nullptr: Verify2.
  bool Verify2(ByteView part1, ByteView part2, ByteView signature,
               const PreparedP256Signature* prepared) const;

  // True if `other` is the same public key (same algorithm family and point
  // or modulus/exponent).  Used by attestation formats that bind the
  // credential key to a certificate key.  An Ed448 key has no BoringSSL
  // form: it is the same only as its own evp() (no certificate key is).
  bool SameKeyAs(const evp_pkey_st* pkey) const;

  // The key as a BoringSSL EVP_PKEY (not owned; lives as long as this).
  // For Ed448, which BoringSSL lacks, an empty EVP_PKEY (type NONE).
  const evp_pkey_st* evp() const;

  struct Impl;

 private:
  PublicKey() = default;
  int64_t alg_ = 0;
  CoseKeyType kty_ = CoseKeyType::kEC2;
  std::unique_ptr<Impl> impl_;
};

// Verifies a signature made with `alg` by an X.509 certificate's key
// (attestation statements).  The key type must match the algorithm.
KEYSTORM_EXPORT bool VerifyWithEvpKey(int64_t alg, const evp_pkey_st* key, ByteView part1, ByteView part2,
                      ByteView signature);

}  // namespace keystorm

#endif  // KEYSTORM_COSE_KEY_H_
