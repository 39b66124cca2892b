// Private: the MDS3 payload's dates, "YYYY-MM-DD" (nextUpdate, effectiveDate).
// Dates in that form compare correctly as strings, so they are kept as text.
#ifndef KEYSTORM_ENGINE_SRC_METADATA_MDS_DATE_H_
#define KEYSTORM_ENGINE_SRC_METADATA_MDS_DATE_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace keystorm::metadata {

// True if `text` is YYYY-MM-DD with a real month and a day that exists in
// that month (leap years included).
bool IsMdsDate(std::string_view text);

// The UTC calendar date of a unix time, as YYYY-MM-DD.
std::string UtcDate(int64_t unix_seconds);

}  // namespace keystorm::metadata

#endif  // KEYSTORM_ENGINE_SRC_METADATA_MDS_DATE_H_
