// Private: the attStmt of each attestation shape, signed over the final
// authenticatorData and clientDataHash.
#ifndef KEYSTORM_TEST_SRC_ATTESTATION_STATEMENT_H_
#define KEYSTORM_TEST_SRC_ATTESTATION_STATEMENT_H_

#include <array>
#include <vector>

#include "keystorm/test/test_authenticator.h"

namespace keystorm::test {

// What a statement signs or certifies.
struct StatementInputs {
  ByteView auth_data;  // the final authenticatorData
  std::array<uint8_t, 32> client_data_hash{};
  std::array<uint8_t, 32> rp_id_hash{};  // as written in authData
  ByteView credential_id;                // as written in authData
  std::array<uint8_t, 16> aaguid{};      // as written in authData
  const TestKey* credential_key = nullptr;
};

// The attStmt map for options.attestation; *x5c receives the chain written.
CborValue BuildAttestationStatement(const RegistrationOptions& options, const StatementInputs& in,
                                    std::vector<Bytes>* x5c);

// The identifier a shape writes as fmt.
std::string_view FormatIdentifier(AttestationShape shape);

}  // namespace keystorm::test

#endif  // KEYSTORM_TEST_SRC_ATTESTATION_STATEMENT_H_
