// Private: RFC 3339 / ISO 8601 UTC timestamps ("2025-01-30T23:59:59Z").
#ifndef KEYSTORM_TOOLS_CORPUS_RUNNER_ISO8601_H_
#define KEYSTORM_TOOLS_CORPUS_RUNNER_ISO8601_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace keystorm::corpus {

// Unix seconds of a "YYYY-MM-DDTHH:MM:SS[.fff]Z" timestamp; fractions are
// dropped.  nullopt for anything else.
std::optional<int64_t> ParseIso8601Utc(std::string_view text);

}  // namespace keystorm::corpus

#endif  // KEYSTORM_TOOLS_CORPUS_RUNNER_ISO8601_H_
