// Authenticator data (§6.1) assembled from fields, byte for byte, with no
// consistency enforced: the flags byte is written as given, attested data
// and extensions are written iff present, so a test can make AT/ED lie.
#ifndef KEYSTORM_TEST_AUTHENTICATOR_DATA_WRITER_H_
#define KEYSTORM_TEST_AUTHENTICATOR_DATA_WRITER_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "keystorm/bytes.h"

namespace keystorm::test {

struct AttestedCredentialFields {
  std::array<uint8_t, 16> aaguid{};
  Bytes credential_id;  // its length is written as the u16 prefix
  Bytes cose_key;       // written verbatim
};

struct AuthenticatorDataFields {
  std::array<uint8_t, 32> rp_id_hash{};
  uint8_t flags = 0;
  uint32_t sign_count = 0;
  std::optional<AttestedCredentialFields> attested;
  std::optional<Bytes> extensions;  // encoded CBOR, written verbatim
  Bytes trailing;                   // appended after everything else
};

Bytes EncodeAuthenticatorData(const AuthenticatorDataFields& fields);

// SHA-256 of an RP ID, as rpIdHash holds it.
std::array<uint8_t, 32> RpIdHash(std::string_view rp_id);

}  // namespace keystorm::test

#endif  // KEYSTORM_TEST_AUTHENTICATOR_DATA_WRITER_H_
