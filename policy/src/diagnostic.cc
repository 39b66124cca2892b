#include "keystorm/policy/diagnostic.h"

#include <string>

namespace keystorm::policy {

std::string FormatDiagnostic(std::string_view source_name, const Diagnostic& diagnostic) {
  std::string out(source_name);
  if (diagnostic.position.line > 0) {
    if (!out.empty()) out += ':';
    out +=
        std::to_string(diagnostic.position.line) + ":" + std::to_string(diagnostic.position.column);
  }
  if (!out.empty()) out += ": ";
  out += diagnostic.severity == Diagnostic::Severity::kError ? "error: " : "warning: ";
  out += diagnostic.message;
  return out;
}

}  // namespace keystorm::policy
