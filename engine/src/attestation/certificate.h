// Private X.509 helpers shared by the attestation formats.
#ifndef KEYSTORM_ENGINE_SRC_ATTESTATION_CERTIFICATE_H_
#define KEYSTORM_ENGINE_SRC_ATTESTATION_CERTIFICATE_H_

#include <openssl/x509.h>

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "keystorm/bytes.h"
#include "keystorm/cbor.h"

namespace keystorm::attestation {

// Parses one DER certificate; nullptr if it is not exactly one certificate.
bssl::UniquePtr<X509> ParseCertificate(ByteView der);

// Reads attStmt's x5c: a non-empty array of byte strings.  False if absent
// or malformed.  Views point into the attestationObject.
bool ReadX5c(CborRef x5c, std::vector<ByteView>* out);

// True if `cert` is valid (notBefore <= t <= notAfter) at unix time t.
bool ValidAt(X509* cert, int64_t unix_time);

// Chain-internal checks of x5c (leaf first): every certificate valid at t and
// each one signed by the next.  No trust anchor is involved.
bool ChainIsConsistent(const std::vector<bssl::UniquePtr<X509>>& chain, int64_t unix_time);

// The id-fido-gen-ce-aaguid extension (1.3.6.1.4.1.45724.1.1.4).
enum class AaguidExtension { kAbsent, kPresent, kMalformed };
AaguidExtension ReadAaguidExtension(X509* cert, std::array<uint8_t, 16>* aaguid, bool* critical);

}  // namespace keystorm::attestation

#endif  // KEYSTORM_ENGINE_SRC_ATTESTATION_CERTIFICATE_H_
