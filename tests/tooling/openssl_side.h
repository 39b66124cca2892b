// Test-only: a few OpenSSL 3 calls behind a header that includes neither
// OpenSSL nor BoringSSL, so one test binary can use both libraries.
#ifndef KEYSTORM_TESTS_TOOLING_OPENSSL_SIDE_H_
#define KEYSTORM_TESTS_TOOLING_OPENSSL_SIDE_H_

#include <cstdint>
#include <string>
#include <vector>

namespace openssl_side {

// OpenSSL_version(OPENSSL_VERSION), e.g. "OpenSSL 3.0.x ...".
std::string Version();

// SHA-256 computed by OpenSSL.
std::vector<uint8_t> Sha256(const std::vector<uint8_t>& data);

// Generates a P-256 key with OpenSSL, signs SHA-256(message) (DER) and
// returns the uncompressed public point (65 bytes).  False on failure.
bool SignP256(const std::vector<uint8_t>& message, std::vector<uint8_t>* point,
              std::vector<uint8_t>* der_signature);

}  // namespace openssl_side

#endif  // KEYSTORM_TESTS_TOOLING_OPENSSL_SIDE_H_
