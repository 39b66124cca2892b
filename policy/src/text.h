// Private: the string rules of the policy language, shared by the compiler,
// Prepare and Explain so that all three read names the same way.
#ifndef KEYSTORM_POLICY_SRC_TEXT_H_
#define KEYSTORM_POLICY_SRC_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "keystorm/policy/diagnostic.h"

namespace keystorm::policy::internal {

// ASCII-only lower-casing: user names and domains compare case-insensitively;
// other bytes (UTF-8 included) are kept as they are.
std::string AsciiLower(std::string_view text);
void AsciiLowerInto(std::string_view text, std::string* out);

// The login domain: after the last '@' of the email, or of the user name
// when the email is empty; empty when neither has one.
std::string_view LoginDomain(std::string_view user, std::string_view email);

// A lower-cased DNS name ("example.com"), or with allow_wildcard a
// "*.example.com" pattern: labels of [a-z0-9-], 1-63 bytes, 253 in all.
bool IsValidDomain(std::string_view domain, bool allow_wildcard);

// Rule ids, profile, template and identity-provider names:
// [A-Za-z0-9._-], 1 to 64 bytes.
bool IsValidIdentifier(std::string_view name);

// An absolute https URL with a host and no spaces or control characters.
bool IsValidRedirectUrl(std::string_view url);

// A target URL is allowed when it equals an entry of the allow-list, or the
// entry ends with '/' and the URL starts with it.
bool IsAllowedRedirect(std::string_view url, const std::vector<Located<std::string>>& allowed);

// "2026-09-01T00:00:00Z" for unix seconds.
std::string FormatUnixTime(int64_t unix_seconds);

}  // namespace keystorm::policy::internal

#endif  // KEYSTORM_POLICY_SRC_TEXT_H_
