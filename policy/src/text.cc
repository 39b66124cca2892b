#include "text.h"

#include <cstdio>

#include "keystorm/civil_date.h"

namespace keystorm::policy::internal {

void AsciiLowerInto(std::string_view text, std::string* out) {
  out->assign(text);
  for (char& c : *out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
}

std::string AsciiLower(std::string_view text) {
  std::string out;
  AsciiLowerInto(text, &out);
  return out;
}

std::string_view LoginDomain(std::string_view user, std::string_view email) {
  std::string_view address = email.empty() ? user : email;
  size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string_view() : address.substr(at + 1);
}

bool IsValidDomain(std::string_view domain, bool allow_wildcard) {
  if (allow_wildcard && domain.starts_with("*.")) domain.remove_prefix(2);
  if (domain.empty() || domain.size() > 253) return false;
  size_t label = 0;
  for (size_t i = 0; i <= domain.size(); ++i) {
    if (i == domain.size() || domain[i] == '.') {
      if (label == 0 || label > 63) return false;
      label = 0;
      continue;
    }
    char c = domain[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
    ++label;
  }
  return true;
}

bool IsValidIdentifier(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsValidRedirectUrl(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (!url.starts_with(kScheme) || url.size() > 2048) return false;
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  std::string_view rest = url.substr(kScheme.size());
  size_t host_end = rest.find_first_of("/?#");
  std::string_view host = rest.substr(0, host_end);
  return !host.empty() && host.find('@') == std::string_view::npos;
}

bool IsAllowedRedirect(std::string_view url, const std::vector<Located<std::string>>& allowed) {
  for (const auto& entry : allowed) {
    if (url == entry.value) return true;
    if (entry.value.ends_with('/') && url.starts_with(entry.value)) return true;
  }
  return false;
}

std::string FormatUnixTime(int64_t unix_seconds) {
  const DaySplit split = SplitIntoDays(unix_seconds, 86400);
  const int64_t secs = split.into_day;
  const CivilDate date = CivilFromDays(split.days);
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                static_cast<long long>(date.year), date.month, date.day,
                static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  return buffer;
}

}  // namespace keystorm::policy::internal
