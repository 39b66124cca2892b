// §8.7 None Attestation Statement Format.
#include "attestation/formats.h"

namespace keystorm::attestation {

VerifyError VerifyNone(CborRef att_stmt, const AttestationContext&,
                       AttestationStatementResult* result) {
  // attStmt is the empty map; anything else is not a `none` statement.
  if (att_stmt.size() != 0) return VerifyError::kAttestationInvalid;
  result->type = AttestationType::kNone;
  result->trust_path.clear();
  return VerifyError::kOk;
}

}  // namespace keystorm::attestation
