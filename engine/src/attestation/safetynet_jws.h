// Private: the android-safetynet `response`, a SafetyNet attestation result
// as a JWS (RFC 7515) in compact serialization:
//   BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(signature)
// where the header is {"alg": ..., "x5c": [standard base64 DER, ...]} and the
// payload carries nonce, timestampMs, ctsProfileMatch, basicIntegrity, ...
//
// Parsing checks the structure only; the signature, the certificates and the
// payload's meaning are android_safetynet.cc's.  The result owns its strings
// and certificates except `signing_input`, a view into the parsed input.
#ifndef KEYSTORM_ENGINE_SRC_ATTESTATION_SAFETYNET_JWS_H_
#define KEYSTORM_ENGINE_SRC_ATTESTATION_SAFETYNET_JWS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "keystorm/bytes.h"

namespace keystorm::attestation::safetynet {

// Bounds on what we parse: real responses are about 8 KiB with 2-3 certificates.
inline constexpr size_t kMaxResponseBytes = 64 * 1024;
inline constexpr size_t kMaxCertificates = 8;

struct Jws {
  ByteView signing_input;  // ASCII(header '.' payload), what the signature covers
  std::string alg;         // header "alg"
  std::vector<Bytes> x5c;  // header "x5c", DER, leaf first; never empty
  Bytes signature;
  std::string nonce;                      // payload "nonce"; required
  std::optional<int64_t> timestamp_ms;    // payload "timestampMs"
  std::optional<bool> cts_profile_match;  // payload "ctsProfileMatch"
  std::optional<bool> basic_integrity;    // payload "basicIntegrity"
};

// Parses `response`.  False if it is larger than kMaxResponseBytes, has not
// exactly three non-empty base64url parts (no '=' padding), if header or payload is not one
// JSON object with unique member names (depth <= 32), if alg or nonce is not a
// string, x5c not 1..kMaxCertificates standard-base64 strings, or a payload
// member above has the wrong JSON type.
bool ParseJws(ByteView response, Jws* out);

}  // namespace keystorm::attestation::safetynet

#endif  // KEYSTORM_ENGINE_SRC_ATTESTATION_SAFETYNET_JWS_H_
