// Private: everything the compiler checks before it builds a program —
// cross-references, duplicates, names, URLs, regexes, limits. After
// CheckSpec reports no error the builder (compiler.cc) may rely on all of it.
#ifndef KEYSTORM_POLICY_SRC_COMPILE_CHECKS_H_
#define KEYSTORM_POLICY_SRC_COMPILE_CHECKS_H_

#include <cstddef>

#include "diagnostic_sink.h"
#include "keystorm/policy/policy_spec.h"

namespace keystorm::policy::internal {

inline constexpr size_t kMaxRules = 65536;
inline constexpr size_t kMaxListEntries = 65536;  // per criteria list, known groups, ...

void CheckSpec(const PolicySpec& spec, DiagnosticSink* sink);

}  // namespace keystorm::policy::internal

#endif  // KEYSTORM_POLICY_SRC_COMPILE_CHECKS_H_
