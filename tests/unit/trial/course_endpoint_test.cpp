#include <gtest/gtest.h>

#include "engraft/trial/endpoints.hpp"

namespace engraft {
namespace {

// One observable v(t) = t^2 on the grid t = 0, 1, 2, 3, 4: every statistic has a value by hand
// (linear between grid points, trapezoids for the area). Exact in double arithmetic.
Trajectory squares() {
  Trajectory tr;
  for (int i = 0; i <= 4; ++i) {
    tr.times.push_back(i);
    tr.observables.push_back(i * i);
  }
  return tr;
}

std::optional<double> stat(CourseStatistic s, double day = 0, double from = -1e300, double to = 1e300, double threshold = 0) {
  return evaluate_course_endpoint(squares(), 1, {0, s, day, from, to, threshold});
}

TEST(CourseEndpoint, StatisticsOfAKnownTimeCourse) {
  EXPECT_EQ(stat(CourseStatistic::value_at, 1.5), 2.5);                 // between 1 and 4
  EXPECT_EQ(stat(CourseStatistic::max), 16.0);
  EXPECT_EQ(stat(CourseStatistic::time_of_max), 4.0);
  EXPECT_EQ(stat(CourseStatistic::min, 0, 1, 3), 1.0);                  // window [1, 3]
  EXPECT_EQ(stat(CourseStatistic::time_of_min, 0, 1, 3), 1.0);
  EXPECT_EQ(stat(CourseStatistic::auc, 0, 0, 2), 3.0);                  // 0.5*(0+1) + 0.5*(1+4)
  EXPECT_DOUBLE_EQ(*stat(CourseStatistic::first_above, 0, -1e300, 1e300, 2), 1.0 + 1.0 / 3.0);
  EXPECT_EQ(stat(CourseStatistic::above_at, 2, -1e300, 1e300, 4), 1.0); // 4 >= 4
  EXPECT_EQ(stat(CourseStatistic::below_at, 2, -1e300, 1e300, 4), 0.0);
}

TEST(CourseEndpoint, NothingToReportIsNotAZero) {
  EXPECT_FALSE(stat(CourseStatistic::value_at, 5));                      // after the run
  EXPECT_FALSE(stat(CourseStatistic::first_above, 0, -1e300, 1e300, 20)); // never reached
  EXPECT_FALSE(stat(CourseStatistic::first_below, 0, -1e300, 1e300, 2));  // rises only
  EXPECT_FALSE(stat(CourseStatistic::max, 0, 1.2, 1.8));                  // no output time in the window
}

}  // namespace
}  // namespace engraft
