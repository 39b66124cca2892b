// base64url (RFC 4648 §5) as WebAuthn's JSON serialization uses it.
//
// Decoding is strict on the alphabet: '+', '/', whitespace and any other
// character fail.  Trailing '=' padding is tolerated (some clients add it) but
// only in the amount the length implies.  Unused low bits of the last
// character are ignored (RFC 4648 §3.5 permits it; real fixtures rely on it),
// so compare decoded bytes, never encodings.
#ifndef KEYSTORM_BASE64URL_H_
#define KEYSTORM_BASE64URL_H_

#include <string>
#include <string_view>

#include "keystorm/bytes.h"
#include "keystorm/export.h"

namespace keystorm {

// Appends the decoded bytes of `in` to *out.  On failure returns false and
// leaves *out at its original size.
KEYSTORM_EXPORT bool Base64UrlDecode(std::string_view in, Bytes* out);

// Encodes without padding.
KEYSTORM_EXPORT std::string Base64UrlEncode(ByteView in);

// The decoded length of a well-formed input (an upper bound otherwise).
inline size_t Base64UrlDecodedSize(size_t encoded_len) { return encoded_len / 4 * 3 + 2; }

}  // namespace keystorm

#endif  // KEYSTORM_BASE64URL_H_
