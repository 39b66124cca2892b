#include "diagnostic_sink.h"

#include <utility>

namespace keystorm::policy::internal {

void DiagnosticSink::Error(SourcePosition position, std::string message) {
  Diagnostic d{Diagnostic::Severity::kError, position, std::move(message)};
  if (errors_++ == 0) first_ = d;
  if (out_ != nullptr) out_->push_back(std::move(d));
}

void DiagnosticSink::Warning(SourcePosition position, std::string message) {
  if (out_ != nullptr) {
    out_->push_back({Diagnostic::Severity::kWarning, position, std::move(message)});
  }
}

}  // namespace keystorm::policy::internal
