#include "engraft/trial/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

namespace engraft {
namespace {

TEST(Quantile, HyndmanFanType7MatchesR) {
  // R: quantile(1:10, c(0, 0.1, 0.25, 0.5, 0.9, 1)) = 1, 1.9, 3.25, 5.5, 9.1, 10 (type 7 is R's default).
  const std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_DOUBLE_EQ(quantile_sorted(x, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(quantile_sorted(x, 0.1), 1.9);
  EXPECT_DOUBLE_EQ(quantile_sorted(x, 0.25), 3.25);
  EXPECT_DOUBLE_EQ(quantile_sorted(x, 0.5), 5.5);
  EXPECT_DOUBLE_EQ(quantile_sorted(x, 0.9), 9.1);
  EXPECT_DOUBLE_EQ(quantile_sorted(x, 1.0), 10.0);
  // R: quantile(c(2, 3, 5, 7, 11), 0.3) = 3.4.
  EXPECT_DOUBLE_EQ(quantile_sorted(std::vector<double>{2, 3, 5, 7, 11}, 0.3), 3.4);
  EXPECT_DOUBLE_EQ(quantile_sorted(std::vector<double>{4.5}, 0.95), 4.5);
}

TEST(Wilson, NewcombeTableValues) {
  // Newcombe, Stat Med 1998;17:857, Table II, method 3 (score interval without continuity correction).
  Interval i = wilson_interval(81, 263);
  EXPECT_NEAR(i.lower, 0.2553, 5e-5);
  EXPECT_NEAR(i.upper, 0.3662, 5e-5);
  i = wilson_interval(15, 148);
  EXPECT_NEAR(i.lower, 0.0624, 5e-5);
  EXPECT_NEAR(i.upper, 0.1605, 5e-5);
  i = wilson_interval(0, 20);
  EXPECT_DOUBLE_EQ(i.lower, 0.0);
  EXPECT_NEAR(i.upper, 0.1611, 5e-5);
  i = wilson_interval(1, 29);
  EXPECT_NEAR(i.lower, 0.0061, 5e-5);
  EXPECT_NEAR(i.upper, 0.1718, 5e-5);
}

TEST(Describe, QuantilesAndMeanOfPresentValues) {
  const auto d = describe_values(std::vector<double>{5, 1, 4, 2, 3});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->n, 5u);
  EXPECT_DOUBLE_EQ(d->median, 3.0);
  EXPECT_DOUBLE_EQ(d->q25, 2.0);
  EXPECT_DOUBLE_EQ(d->q75, 4.0);
  EXPECT_DOUBLE_EQ(d->q05, 1.2);
  EXPECT_DOUBLE_EQ(d->mean, 3.0);
  EXPECT_FALSE(describe_values(std::vector<double>{}));
}

TEST(Bootstrap, PairedDifferenceIsDeterministicAndBracketsAShift) {
  std::vector<std::optional<double>> reference, arm;
  for (int i = 0; i < 100; ++i) {
    reference.push_back(10.0 + (i % 7));
    arm.push_back(8.0 + (i % 7));     // every patient 2 days earlier
  }
  const BootstrapOptions options{123, 4, 500, 0.95};
  const auto d = paired_bootstrap_difference(arm, reference, ArmStatistic::median, options);
  ASSERT_TRUE(d && d->interval);
  EXPECT_DOUBLE_EQ(d->estimate, -2.0);
  // A constant paired shift: every replicate's difference of medians is exactly -2.
  EXPECT_DOUBLE_EQ(d->interval->lower, -2.0);
  EXPECT_DOUBLE_EQ(d->interval->upper, -2.0);
  const auto again = paired_bootstrap_difference(arm, reference, ArmStatistic::median, options);
  EXPECT_EQ(again->interval->lower, d->interval->lower);
}

TEST(Bootstrap, MedianStatisticEqualsTheSortedQuantileExactly) {
  // arm_statistic selects the median without sorting; it must equal quantile_sorted bit for bit.
  for (std::size_t n : {1u, 2u, 3u, 10u, 11u, 1000u}) {
    std::vector<std::optional<double>> values;
    std::vector<double> sorted;
    for (std::size_t i = 0; i < n; ++i) {
      const double x = std::sin(static_cast<double>(i) * 12.9898) * 43758.5453;
      values.push_back(x);
      sorted.push_back(x);
    }
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(*arm_statistic(values, ArmStatistic::median), quantile_sorted(sorted, 0.5)) << n;
  }
}

TEST(Bootstrap, ProportionDifferenceIntervalCoversEstimate) {
  std::vector<std::optional<double>> reference, arm;
  for (int i = 0; i < 200; ++i) {
    reference.push_back(i % 4 == 0 ? 1.0 : 0.0);   // 25 %
    arm.push_back(i % 2 == 0 ? 1.0 : 0.0);         // 50 %
  }
  const auto d = paired_bootstrap_difference(arm, reference, ArmStatistic::proportion, {9, 0, 1000, 0.95});
  ASSERT_TRUE(d && d->interval);
  EXPECT_DOUBLE_EQ(d->estimate, 0.25);
  EXPECT_LT(d->interval->lower, 0.25);
  EXPECT_GT(d->interval->upper, 0.25);
  EXPECT_GT(d->interval->lower, 0.1);   // paired SE is sqrt(0.25 * 0.75 / 200) = 0.031
  EXPECT_LT(d->interval->upper, 0.4);
}

TEST(Bootstrap, FailedSubjectsAreLeftOut) {
  const double failed = std::numeric_limits<double>::quiet_NaN();
  const std::vector<std::optional<double>> values = {1.0, 0.0, failed, 1.0};
  EXPECT_DOUBLE_EQ(*arm_statistic(values, ArmStatistic::proportion), 2.0 / 3.0);
  const std::vector<std::optional<double>> days = {3.0, std::nullopt, failed, 5.0};
  EXPECT_DOUBLE_EQ(*arm_statistic(days, ArmStatistic::median), 4.0);
}

}  // namespace
}  // namespace engraft
