#include "keystorm/attestation.h"

#include "attestation/formats.h"

namespace keystorm {

std::string_view AttestationTypeName(AttestationType type) {
  switch (type) {
    case AttestationType::kNone: return "none";
    case AttestationType::kSelf: return "self";
    case AttestationType::kBasic: return "basic";
    case AttestationType::kAttCA: return "attca";
    case AttestationType::kAnonCA: return "anonca";
  }
  return "unknown";
}

namespace {

using Procedure = VerifyError (*)(CborRef, const AttestationContext&, AttestationStatementResult*);

struct Format {
  std::string_view identifier;  // IANA "WebAuthn Attestation Statement Format Identifiers"
  Procedure verify;
};

// R21: identifiers match exactly (US-ASCII, case-sensitive).
constexpr Format kFormats[] = {
    {"none", attestation::VerifyNone},
    {"packed", attestation::VerifyPacked},
    {"fido-u2f", attestation::VerifyFidoU2f},
};

const Format* FindFormat(std::string_view fmt) {
  for (const Format& f : kFormats) {
    if (f.identifier == fmt) return &f;
  }
  return nullptr;
}

}  // namespace

bool IsSupportedAttestationFormat(std::string_view fmt) { return FindFormat(fmt) != nullptr; }

VerifyError VerifyAttestationStatement(std::string_view fmt, CborRef att_stmt,
                                       const AttestationContext& ctx,
                                       AttestationStatementResult* result) {
  const Format* format = FindFormat(fmt);
  if (format == nullptr) return VerifyError::kUnsupportedAttestationFormat;
  if (!att_stmt.is_map()) return VerifyError::kAttestationInvalid;
  return format->verify(att_stmt, ctx, result);
}

}  // namespace keystorm
