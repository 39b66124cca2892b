// Private: the parser's section readers, one file each (parser.cc reads the
// document and the small sections itself).
#ifndef KEYSTORM_POLICY_SRC_PARSE_SECTIONS_H_
#define KEYSTORM_POLICY_SRC_PARSE_SECTIONS_H_

#include <toml++/toml.h>

#include "keystorm/policy/policy_spec.h"
#include "parse_support.h"

namespace keystorm::policy::internal {

// [authenticator.NAME] profiles (parse_authenticator.cc).
void ParseAuthenticators(const toml::table& table, DiagnosticSink* sink, PolicySpec* spec);

// One [[rule]] or the [default] rule (parse_rule.cc). The default rule takes
// no id, priority or criteria.
void ParseRule(TableReader* reader, bool is_default, RuleSpec* rule);

}  // namespace keystorm::policy::internal

#endif  // KEYSTORM_POLICY_SRC_PARSE_SECTIONS_H_
