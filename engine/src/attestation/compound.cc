// §8.9 Compound Attestation Statement Format.
//   attStmt = [ 2* nonCompoundAttStmt ]
//   nonCompoundAttStmt = { fmt: text .ne "compound", attStmt: any }
// §8.9 leaves it to the RP how many sub-statements must verify; Keystorm
// requires all of them (docs/attestation.md).
#include <optional>

#include "attestation/formats.h"

namespace keystorm::attestation {

VerifyError VerifyCompound(CborRef att_stmt, const AttestationContext& ctx,
                           AttestationStatementResult* result) {
  // Syntax: an array of at least two statements.  The cap bounds the
  // signature checks one response can demand.
  if (!att_stmt.is_array() || att_stmt.size() < 2 || att_stmt.size() > kMaxCompoundStatements) {
    return VerifyError::kAttestationInvalid;
  }
  std::optional<AttestationStatementResult> reported;
  for (uint64_t i = 0; i < att_stmt.size(); ++i) {
    CborRef entry = att_stmt.ArrayAt(i);
    std::string_view sub_fmt;
    if (!entry.is_map() || entry.size() != 2 || !entry.Find("fmt").GetText(&sub_fmt) ||
        !entry.Find("attStmt").valid()) {
      return VerifyError::kAttestationInvalid;
    }
    // nonCompoundAttStmt: compound statements do not nest.
    if (sub_fmt == "compound") return VerifyError::kAttestationInvalid;
    // "For each subStmt of attStmt, evaluate the verification procedure
    // corresponding to the attestation statement format identifier subStmt.fmt".
    AttestationStatementResult sub;
    VerifyError err = VerifyAttestationStatement(sub_fmt, entry.Find("attStmt"), ctx, &sub);
    if (err != VerifyError::kOk) return err;
    // "return implementation-specific values representing any combination of
    // outputs": the first sub-statement with a trust path, else the first.
    if (!reported || (reported->trust_path.empty() && !sub.trust_path.empty())) {
      reported = std::move(sub);
    }
  }
  *result = std::move(*reported);
  return VerifyError::kOk;
}

}  // namespace keystorm::attestation
