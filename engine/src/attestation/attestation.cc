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
  CborType statement_type;  // attStmt's CBOR type: a map, an array for compound
};

// R21: identifiers match exactly (US-ASCII, case-sensitive).
constexpr Format kFormats[] = {
    {"none", attestation::VerifyNone, CborType::kMap},                           // §8.7
    {"packed", attestation::VerifyPacked, CborType::kMap},                       // §8.2
    {"tpm", attestation::VerifyTpm, CborType::kMap},                             // §8.3
    {"android-key", attestation::VerifyAndroidKey, CborType::kMap},              // §8.4
    {"android-safetynet", attestation::VerifyAndroidSafetyNet, CborType::kMap},  // §8.5
    {"fido-u2f", attestation::VerifyFidoU2f, CborType::kMap},                    // §8.6
    {"apple", attestation::VerifyApple, CborType::kMap},                         // §8.8
    {"compound", attestation::VerifyCompound, CborType::kArray},                 // §8.9
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
  if (!att_stmt.valid() || att_stmt.type() != format->statement_type) {
    return VerifyError::kAttestationInvalid;
  }
  return format->verify(att_stmt, ctx, result);
}

}  // namespace keystorm
