// Calendar dates of the proleptic Gregorian calendar as days since
// 1970-01-01, and back: for the dates in policies (bypass expiries), MDS
// blobs (nextUpdate, status report dates), the corpus's ISO 8601 times, the
// command-line tools' --now and the log's timestamps.  Exact for years
// within ±10^12, with no time zone and no libc (timegm reads TZ; gmtime_r
// has a range).
//
// The arithmetic counts years from March, so that a leap day ends a year,
// in eras of 400 years (146,097 days): Howard Hinnant's days_from_civil and
// civil_from_days (http://howardhinnant.github.io/date_algorithms.html).
#ifndef KEYSTORM_CIVIL_DATE_H_
#define KEYSTORM_CIVIL_DATE_H_

#include <cstdint>

namespace keystorm {

struct CivilDate {
  int64_t year = 1970;
  unsigned month = 1;  // 1-12
  unsigned day = 1;    // 1-31
};

// Days from 1970-01-01 to year-month-day.  REQUIRES: month in 1-12 (a day
// past the month's end counts on into the next month).
constexpr int64_t DaysFromCivil(int64_t year, unsigned month_1_to_12, unsigned day_of_month) {
  // Signed throughout: an out-of-range day counts on (or back) instead of
  // wrapping.
  const int64_t month = month_1_to_12, day = day_of_month;
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;                                     // 0-399
  const int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;  // 719,468 days from 0000-03-01 to 1970-01-01
}

// The date `days` after 1970-01-01 (negative: before).
constexpr CivilDate CivilFromDays(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t day_of_era = days - era * 146097;                                   // 0-146096
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t month_from_march = (5 * day_of_year + 2) / 153;                     // 0-11
  CivilDate date;
  date.day = static_cast<unsigned>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  date.month = static_cast<unsigned>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  date.year = year_of_era + era * 400 + (date.month <= 2 ? 1 : 0);
  return date;
}

// A count of units since 1970-01-01T00:00Z (seconds, milliseconds) as the
// day it falls in and how far into that day: floor division, so a time
// before the epoch belongs to the day before, with `into_day` in
// [0, units_per_day).  REQUIRES: units_per_day > 0.
struct DaySplit {
  int64_t days = 0;
  int64_t into_day = 0;
};
constexpr DaySplit SplitIntoDays(int64_t units_since_epoch, int64_t units_per_day) {
  DaySplit split{units_since_epoch / units_per_day, units_since_epoch % units_per_day};
  if (split.into_day < 0) {
    split.into_day += units_per_day;
    --split.days;
  }
  return split;
}

}  // namespace keystorm

#endif  // KEYSTORM_CIVIL_DATE_H_
