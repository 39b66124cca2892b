#include "regex_pattern.h"

#include <algorithm>
#include <exception>
#include <string>

namespace keystorm::policy::internal {
namespace {

constexpr std::regex_constants::syntax_option_type kSyntax =
    std::regex_constants::ECMAScript
#ifdef __GLIBCXX__
    // libstdc++ extension: the breadth-first (Thompson) executor, polynomial
    // in the input length. It refuses back-references by itself.
    | std::regex_constants::__polynomial
#endif
    ;

// Deepest '(' nesting, skipping escapes and bracket expressions. libstdc++
// compiles regexes by recursive descent, so depth is stack depth.
int Nesting(std::string_view pattern) {
  int depth = 0, deepest = 0;
  bool in_class = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      ++i;
    } else if (in_class) {
      if (c == ']') in_class = false;
    } else if (c == '[') {
      in_class = true;
    } else if (c == '(') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ')') {
      --depth;
    }
  }
  return deepest;
}

// True when a {n,m} count exceeds kMaxRepetition. libstdc++ reads the digits
// into a long without an overflow check (undefined behaviour on a long run),
// and a large count makes a huge automaton anyway.
bool HasLargeRepetition(std::string_view pattern) {
  bool in_class = false, in_braces = false;
  int64_t value = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (in_braces) {
      if (c >= '0' && c <= '9') {
        value = value * 10 + (c - '0');
        if (value > kMaxRepetition) return true;
        continue;
      }
      value = 0;
      if (c == '}') in_braces = false;
    } else if (c == '\\') {
      ++i;
    } else if (in_class) {
      if (c == ']') in_class = false;
    } else if (c == '[') {
      in_class = true;
    } else if (c == '{') {
      in_braces = true;
      value = 0;
    }
  }
  return false;
}

bool HasBackReference(std::string_view pattern) {
  for (size_t i = 0; i + 1 < pattern.size(); ++i) {
    if (pattern[i] != '\\') continue;
    if (pattern[i + 1] >= '1' && pattern[i + 1] <= '9') return true;
    ++i;  // skip the escaped character ("\\\\1" is a backslash and a 1)
  }
  return false;
}

}  // namespace

bool CompilePattern(std::string_view pattern, std::regex* out, std::string* error) {
  if (pattern.empty()) {
    *error = "empty regex";
    return false;
  }
  if (pattern.size() > kMaxPatternBytes) {
    *error = "regex longer than " + std::to_string(kMaxPatternBytes) + " bytes";
    return false;
  }
  if (Nesting(pattern) > kMaxPatternNesting) {
    *error = "regex nests groups deeper than " + std::to_string(kMaxPatternNesting);
    return false;
  }
  if (HasLargeRepetition(pattern)) {
    *error = "repetition counts above " + std::to_string(kMaxRepetition) + " are not supported";
    return false;
  }
  if (HasBackReference(pattern)) {
    *error = "back-references are not supported (they rule out linear-time matching)";
    return false;
  }
  try {
    *out = std::regex(pattern.begin(), pattern.end(), kSyntax);
  } catch (const std::regex_error& e) {
    *error = std::string("invalid regex: ") + e.what();
    return false;
  } catch (const std::exception& e) {  // std::bad_alloc from a huge NFA
    *error = std::string("regex cannot be compiled: ") + e.what();
    return false;
  }
  return true;
}

bool FullMatch(const std::regex& regex, std::string_view text, bool* failed) {
  try {
    return std::regex_match(text.begin(), text.end(), regex);
  } catch (const std::exception&) {
    *failed = true;
    return false;
  }
}

}  // namespace keystorm::policy::internal
