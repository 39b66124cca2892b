// Private: std::regex behind a fence.
//
// Policy regexes are ECMAScript and must match the whole string. They are
// compiled once, with libstdc++'s polynomial-time (Thompson NFA) matcher where
// available, and back-references are refused so that matcher always applies:
// no pattern can make a login take exponential time. std::regex throws; these
// wrappers are the only place that catches it.
#ifndef KEYSTORM_POLICY_SRC_REGEX_PATTERN_H_
#define KEYSTORM_POLICY_SRC_REGEX_PATTERN_H_

#include <cstdint>
#include <regex>
#include <string>
#include <string_view>

namespace keystorm::policy::internal {

inline constexpr size_t kMaxPatternBytes = 256;
inline constexpr int kMaxPatternNesting = 16;
inline constexpr int64_t kMaxRepetition = 1000;  // the n and m of {n,m}

// Compiles `pattern` into *out. On failure returns false and sets *error to a
// sentence for a Diagnostic.
bool CompilePattern(std::string_view pattern, std::regex* out, std::string* error);

// True when `regex` matches all of `text`. A regex that fails to run (it
// cannot with the checks above, but std::regex may throw) sets *failed.
bool FullMatch(const std::regex& regex, std::string_view text, bool* failed);

}  // namespace keystorm::policy::internal

#endif  // KEYSTORM_POLICY_SRC_REGEX_PATTERN_H_
