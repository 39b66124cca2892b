// Private: one verification procedure per attestation statement format
// (WebAuthn L3 §8).  Each returns kOk and fills *result, or the code of the
// first requirement that fails.
#ifndef KEYSTORM_ENGINE_SRC_ATTESTATION_FORMATS_H_
#define KEYSTORM_ENGINE_SRC_ATTESTATION_FORMATS_H_

#include "keystorm/attestation.h"

namespace keystorm::attestation {

VerifyError VerifyNone(CborRef att_stmt, const AttestationContext& ctx,
                       AttestationStatementResult* result);
VerifyError VerifyPacked(CborRef att_stmt, const AttestationContext& ctx,
                         AttestationStatementResult* result);
VerifyError VerifyFidoU2f(CborRef att_stmt, const AttestationContext& ctx,
                          AttestationStatementResult* result);
VerifyError VerifyTpm(CborRef att_stmt, const AttestationContext& ctx,
                      AttestationStatementResult* result);
VerifyError VerifyAndroidKey(CborRef att_stmt, const AttestationContext& ctx,
                             AttestationStatementResult* result);
VerifyError VerifyAndroidSafetyNet(CborRef att_stmt, const AttestationContext& ctx,
                                   AttestationStatementResult* result);
VerifyError VerifyApple(CborRef att_stmt, const AttestationContext& ctx,
                        AttestationStatementResult* result);
// att_stmt is an array here; each sub-statement goes through
// VerifyAttestationStatement, so a compound one is refused, not recursed into.
VerifyError VerifyCompound(CborRef att_stmt, const AttestationContext& ctx,
                           AttestationStatementResult* result);

// Most sub-statements a compound statement may carry.
inline constexpr uint64_t kMaxCompoundStatements = 8;

}  // namespace keystorm::attestation

#endif  // KEYSTORM_ENGINE_SRC_ATTESTATION_FORMATS_H_
