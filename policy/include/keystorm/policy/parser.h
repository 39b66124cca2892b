// Reads a policy file (TOML, docs/policy.md) into a PolicySpec.
//
// The parser checks the TOML syntax, that every key is one the format knows
// (a misspelt key is an error, not a silently ignored line), value types,
// enumerations, date-times, AAGUIDs and algorithm names. Cross-references,
// duplicates and regexes are the compiler's (compiler.h).
//
// Never throws: toml++'s exceptions are caught inside and come back as
// diagnostics. Thread-safe (no shared state).
#ifndef KEYSTORM_POLICY_PARSER_H_
#define KEYSTORM_POLICY_PARSER_H_

#include <string_view>
#include <vector>

#include "keystorm/export.h"
#include "keystorm/policy/diagnostic.h"
#include "keystorm/policy/policy_spec.h"
#include "keystorm/status.h"

namespace keystorm::policy {

// Files larger than this are refused before parsing.
inline constexpr size_t kMaxPolicyFileBytes = 4 << 20;

// On success returns the spec. On failure returns InvalidArgument whose
// message is the first error as "LINE:COLUMN: message"; every diagnostic
// found is appended to *diagnostics when it is not null (a TOML syntax error
// stops the parse, so it is then the only one).
KEYSTORM_EXPORT Result<PolicySpec> ParsePolicy(std::string_view toml_text, std::vector<Diagnostic>* diagnostics);

}  // namespace keystorm::policy

#endif  // KEYSTORM_POLICY_PARSER_H_
