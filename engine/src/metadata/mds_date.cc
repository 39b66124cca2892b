#include "metadata/mds_date.h"

#include <cstdio>

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
  // Days since 1970-01-01 to a civil date, walking whole 400-year eras
  // (146097 days each) so that the arithmetic stays exact for any input.
  int64_t days = unix_seconds / 86400 - (unix_seconds % 86400 < 0 ? 1 : 0);
  days += 719468;  // shift the epoch to 0000-03-01, so leap days end a year
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t day_of_era = days - era * 146097;
  int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  int64_t month_from_march = (5 * day_of_year + 2) / 153;
  int64_t day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
  int64_t month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
  int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  char text[64];
  std::snprintf(text, sizeof(text), "%04lld-%02lld-%02lld", static_cast<long long>(year),
                static_cast<long long>(month), static_cast<long long>(day));
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
  // The inverse of UtcDate: years start in March, so the leap day ends one.
  const int64_t y = year - (month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t year_of_era = y - era * 400;
  const int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return (era * 146097 + day_of_era - 719468) * 86400;
}

}  // namespace keystorm
