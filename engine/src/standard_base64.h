// Private: standard base64 with padding (RFC 4648 §4), the encoding of JWS
// x5c entries (SafetyNet, the MDS BLOB) and of MDS attestationRootCertificates.
#ifndef KEYSTORM_ENGINE_SRC_STANDARD_BASE64_H_
#define KEYSTORM_ENGINE_SRC_STANDARD_BASE64_H_

#include <string_view>

#include "keystorm/bytes.h"

namespace keystorm {

// Replaces *out with the decoded bytes.  False (and *out unspecified) if
// `in` is empty, not a multiple of four characters, or not the alphabet.
bool DecodeStandardBase64(std::string_view in, Bytes* out);

}  // namespace keystorm

#endif  // KEYSTORM_ENGINE_SRC_STANDARD_BASE64_H_
