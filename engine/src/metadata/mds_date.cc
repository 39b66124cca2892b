#include "metadata/mds_date.h"

#include <cstdio>

#include "keystorm/civil_date.h"
#include "keystorm/metadata.h"

namespace keystorm::metadata {
namespace {

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

bool ReadDigits(std::string_view text, size_t pos, size_t count, int* out) {
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

}  // namespace

bool IsMdsDate(std::string_view text) {
  int year = 0, month = 0, day = 0;
  return text.size() == 10 && text[4] == '-' && text[7] == '-' && ReadDigits(text, 0, 4, &year) &&
         ReadDigits(text, 5, 2, &month) && ReadDigits(text, 8, 2, &day) && month >= 1 &&
         month <= 12 && day >= 1 && day <= DaysInMonth(year, month);
}

std::string UtcDate(int64_t unix_seconds) {
  CivilDate date = CivilFromDays(SplitIntoDays(unix_seconds, 86400).days);
  char text[64];
  std::snprintf(text, sizeof(text), "%04lld-%02u-%02u", static_cast<long long>(date.year),
                date.month, date.day);
  return text;
}

}  // namespace keystorm::metadata

namespace keystorm {

std::optional<int64_t> MetadataDateToUnixSeconds(std::string_view date) {
  if (!metadata::IsMdsDate(date)) return std::nullopt;
  int year = 0, month = 0, day = 0;
  metadata::ReadDigits(date, 0, 4, &year);
  metadata::ReadDigits(date, 5, 2, &month);
  metadata::ReadDigits(date, 8, 2, &day);
  return DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400;
}

}  // namespace keystorm
