// DaysFromCivil and CivilFromDays (civil_date.h): known dates (from Python's
// datetime), leap-year rules, and the round trip over ±2,000 years.
#include "keystorm/civil_date.h"

#include <gtest/gtest.h>

namespace keystorm {
namespace {

TEST(CivilDateTest, KnownDates) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(2024, 2, 29), 19782);   // divisible by 4
  EXPECT_EQ(DaysFromCivil(1900, 3, 1), -25508);   // 1900 had no 29 February
  EXPECT_EQ(DaysFromCivil(1600, 2, 29), -135081); // divisible by 400
  EXPECT_EQ(DaysFromCivil(9999, 12, 31), 2932896);
  EXPECT_EQ(DaysFromCivil(1, 1, 1), -719162);
}

TEST(CivilDateTest, DaysAfterTheEpochAreDates) {
  CivilDate leap = CivilFromDays(19782);
  EXPECT_EQ(leap.year, 2024);
  EXPECT_EQ(leap.month, 2u);
  EXPECT_EQ(leap.day, 29u);
  CivilDate before = CivilFromDays(-1);
  EXPECT_EQ(before.year, 1969);
  EXPECT_EQ(before.month, 12u);
  EXPECT_EQ(before.day, 31u);
}

TEST(CivilDateTest, EveryDayRoundTripsAndFollowsTheDayBefore) {
  CivilDate previous = CivilFromDays(-730'000);
  for (int64_t days = -730'000 + 1; days <= 730'000; ++days) {
    CivilDate date = CivilFromDays(days);
    ASSERT_EQ(DaysFromCivil(date.year, date.month, date.day), days);
    const bool next_day_same_month = date.year == previous.year && date.month == previous.month &&
                                     date.day == previous.day + 1;
    const bool first_of_a_month = date.day == 1 && (date.month == previous.month % 12 + 1);
    ASSERT_TRUE(next_day_same_month || first_of_a_month) << days;
    previous = date;
  }
}

// Floor division: the second before the epoch is the last of 1969-12-31,
// not a negative time of 1970-01-01.
TEST(CivilDateTest, SplitIntoDaysFloorsBeforeTheEpoch) {
  EXPECT_EQ(SplitIntoDays(0, 86400).days, 0);
  EXPECT_EQ(SplitIntoDays(0, 86400).into_day, 0);
  EXPECT_EQ(SplitIntoDays(86399, 86400).days, 0);
  EXPECT_EQ(SplitIntoDays(86399, 86400).into_day, 86399);
  EXPECT_EQ(SplitIntoDays(86400, 86400).days, 1);
  EXPECT_EQ(SplitIntoDays(-1, 86400).days, -1);
  EXPECT_EQ(SplitIntoDays(-1, 86400).into_day, 86399);
  EXPECT_EQ(SplitIntoDays(-86400, 86400).days, -1);
  EXPECT_EQ(SplitIntoDays(-86400, 86400).into_day, 0);
  EXPECT_EQ(SplitIntoDays(-86401, 86400).days, -2);
  // Milliseconds: 1969-12-31T23:59:59.999Z.
  DaySplit ms = SplitIntoDays(-1, 86'400'000);
  EXPECT_EQ(ms.days, -1);
  EXPECT_EQ(ms.into_day, 86'399'999);
  EXPECT_EQ(CivilFromDays(ms.days).year, 1969);
  for (int64_t t = -200'000; t <= 200'000; t += 997) {
    DaySplit s = SplitIntoDays(t, 86400);
    EXPECT_EQ(s.days * 86400 + s.into_day, t);
    EXPECT_GE(s.into_day, 0);
    EXPECT_LT(s.into_day, 86400);
  }
}

}  // namespace
}  // namespace keystorm
