// The pubKeyCredParams a relying party offers when its policy names none:
// ES256 first (every authenticator has it), then EdDSA and RS256 (Windows
// Hello) for the rest.  One list, so that the server and the embedding API
// offer the same thing.
#ifndef KEYSTORM_DEFAULT_ALGORITHMS_H_
#define KEYSTORM_DEFAULT_ALGORITHMS_H_

#include <cstdint>

namespace keystorm {

inline constexpr int64_t kDefaultPubKeyCredAlgorithms[] = {-7, -8, -257};

}  // namespace keystorm

#endif  // KEYSTORM_DEFAULT_ALGORITHMS_H_
