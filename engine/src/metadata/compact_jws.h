// Private: the MDS3 BLOB's envelope, a JWT in JWS compact serialization
// (RFC 7515 §7.1):
//   BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(signature)
// with a header {"alg": "RS256" | "PS256" | "ES256", "x5c": [base64 DER...],
// "typ": ...}.  ParseCompactJws checks the shape only; VerifyCompactJws
// checks the signature with x5c[0] and the path x5c -> the MDS root.
#ifndef KEYSTORM_ENGINE_SRC_METADATA_COMPACT_JWS_H_
#define KEYSTORM_ENGINE_SRC_METADATA_COMPACT_JWS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "keystorm/attestation.h"
#include "keystorm/bytes.h"
#include "keystorm/status.h"

namespace keystorm::metadata {

// x5c longer than this is refused (real BLOBs carry two or three).
inline constexpr size_t kMaxJwsCertificates = 8;

struct CompactJws {
  std::string_view signing_input;  // header '.' payload as sent: what is signed
  std::string alg;
  std::vector<Bytes> x5c;  // DER, leaf first, never empty
  Bytes payload;           // decoded payload (JSON text)
  Bytes signature;
};

// Splits and decodes `text`.  InvalidArgument naming the faulty part if it
// has not exactly three base64url parts (no padding; empty signature
// refused), the header is not one JSON object with unique members, alg is
// not one of RS256/PS256/ES256, x5c is not 1..kMaxJwsCertificates standard
// base64 strings, or the header has "crit" (we understand no extension).
// `signing_input` points into `text`.
Status ParseCompactJws(std::string_view text, CompactJws* out);

// Verifies the signature with x5c[0]'s key (RS256/PS256: RSA >= 2048 bits;
// ES256: P-256, signature as the 64-byte R ‖ S of RFC 7518 §3.4), then
// that x5c chains to `root` with every certificate valid at `now`.
Status VerifyCompactJws(const CompactJws& jws, const TrustAnchors& root, int64_t now);

}  // namespace keystorm::metadata

#endif  // KEYSTORM_ENGINE_SRC_METADATA_COMPACT_JWS_H_
