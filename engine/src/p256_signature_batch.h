// P-256 ECDSA signatures prepared for verification in batches.
//
// An ECDSA verification computes s^-1 mod n, the group order, before its
// point multiplication: one modular inversion, about 7% of a P-256 verify
// (KSBSSL_beeu_mod_inverse_vartime in a replay's profile).  That inverse
// depends on the signature alone, not on the key or the message, so a batch
// of signatures can share one inversion (Montgomery's trick: the product's
// inverse, then three multiplications per signature).  The pipeline prepares
// each chunk's ES256 signatures this way after its lookup, and
// PublicKey::Verify2 finishes each verification from its prepared signature.
//
// The verdict is BoringSSL's ECDSA_verify's, to the bit: the same strict DER
// parse and re-encoding check, the same range checks on r and s, and the
// remaining steps (u1, u2, the public point multiplication, the x-coordinate
// comparison) are BoringSSL's own internal functions, called in the order
// ecdsa_do_verify_no_self_test calls them.  Only the inversion is shared.
// p256_signature_batch_test.cc checks the two verdicts against each other.
#ifndef KEYSTORM_ENGINE_SRC_P256_SIGNATURE_BATCH_H_
#define KEYSTORM_ENGINE_SRC_P256_SIGNATURE_BATCH_H_

#include <cstdint>
#include <span>

#include "keystorm/bytes.h"

struct ec_key_st;  // EC_KEY

namespace keystorm {

// The longest DER encoding of a P-256 signature.
inline constexpr size_t kMaxP256DerSignature = 72;

// How many signatures share one inversion: their scratch is on the stack,
// so preparing allocates nothing.
inline constexpr size_t kP256PrepareBlock = 32;

// One DER signature with r and s^-1 (in Montgomery form) computed.  Opaque:
// only this module reads the scalars.
struct PreparedP256Signature {
  // False when the signature could not be prepared (malformed DER, r or s
  // out of range): its verification then takes ECDSA_verify's path, which
  // rejects it.
  bool ready = false;
  // The DER it was prepared from: a verification with other bytes ignores
  // the preparation.
  uint8_t der_size = 0;
  uint8_t der[kMaxP256DerSignature] = {};
  uint64_t r[4] = {};
  uint64_t s_inverse_mont[4] = {};
  // Set when a verification was finished from this preparation (rather
  // than by ECDSA_verify): what the pipeline counts, and its tests check.
  mutable bool used = false;
};

// Prepares signatures[i] into out[i] with one modular inversion per
// kP256PrepareBlock of them (a pipeline chunk is never longer).  If out is
// shorter than signatures, nothing is prepared.
void PrepareP256Signatures(std::span<const ByteView> signatures,
                           std::span<PreparedP256Signature> out);

// ECDSA_verify(digest, signature, key) for a P-256 key and a 32-byte
// SHA-256 digest, finished from `prepared` when it was prepared from
// exactly `signature`, else by ECDSA_verify itself.  A key on another
// curve is verified by ECDSA_verify too.
bool VerifyP256Prepared(const ec_key_st* key, const uint8_t digest[32], ByteView signature,
                        const PreparedP256Signature& prepared);

}  // namespace keystorm

#endif  // KEYSTORM_ENGINE_SRC_P256_SIGNATURE_BATCH_H_
