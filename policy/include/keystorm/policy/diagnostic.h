// Where a policy file is wrong, said with line and column.
//
// The parser and the compiler both report problems as Diagnostics; the
// failing call also returns a non-OK Status, so a caller that wants only one
// message can ignore the list.
#ifndef KEYSTORM_POLICY_DIAGNOSTIC_H_
#define KEYSTORM_POLICY_DIAGNOSTIC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "keystorm/export.h"

namespace keystorm::policy {

// 1-based line and column (columns count UTF-8 code points, as toml++ does).
// {0, 0} means "the file as a whole".
struct KEYSTORM_EXPORT SourcePosition {
  uint32_t line = 0;
  uint32_t column = 0;
};

// A value together with where the file wrote it.
template <typename T>
struct Located {
  T value{};
  SourcePosition position;
};

struct KEYSTORM_EXPORT Diagnostic {
  enum class Severity : uint8_t {
    kError,    // the file is refused
    kWarning,  // the file compiles, but probably does not say what was meant
  };
  Severity severity = Severity::kError;
  SourcePosition position;
  std::string message;
};

// "NAME:LINE:COLUMN: error: MESSAGE"; NAME is left out when empty, the
// position when unknown.
KEYSTORM_EXPORT std::string FormatDiagnostic(std::string_view source_name, const Diagnostic& diagnostic);

}  // namespace keystorm::policy

#endif  // KEYSTORM_POLICY_DIAGNOSTIC_H_
