// Private: collects the diagnostics of one parse or compile.
#ifndef KEYSTORM_POLICY_SRC_DIAGNOSTIC_SINK_H_
#define KEYSTORM_POLICY_SRC_DIAGNOSTIC_SINK_H_

#include <string>
#include <vector>

#include "keystorm/policy/diagnostic.h"

namespace keystorm::policy::internal {

class DiagnosticSink {
 public:
  explicit DiagnosticSink(std::vector<Diagnostic>* out) : out_(out) {}
  void Error(SourcePosition position, std::string message);
  // Warnings are reported but do not fail the file.
  void Warning(SourcePosition position, std::string message);
  int errors() const { return errors_; }
  // The first error, for the Status message.
  const Diagnostic& first() const { return first_; }

 private:
  std::vector<Diagnostic>* out_;  // may be null
  int errors_ = 0;
  Diagnostic first_;
};

}  // namespace keystorm::policy::internal

#endif  // KEYSTORM_POLICY_SRC_DIAGNOSTIC_SINK_H_
