// Summary statistics of a trial: quantiles, proportions with Wilson intervals and
// bootstrap intervals of arm differences. Pure functions of their inputs.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace engraft {

/// Sample quantile, Hyndman & Fan (Am Stat 1996;50:361) type 7 (R's and NumPy's
/// default): with the values sorted x[0] <= ... <= x[n-1], h = (n - 1) p and
/// Q(p) = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]).
/// `sorted` must be sorted ascending and non-empty; p in [0, 1].
double quantile_sorted(std::span<const double> sorted, double p);

struct Interval {
  double lower = 0.0, upper = 0.0;
};

/// Wilson score interval for `successes` of `n` (Wilson, JASA 1927;22:209;
/// Newcombe, Stat Med 1998;17:857, method 3), z = 1.959964 for 95 %. n > 0.
Interval wilson_interval(std::uint64_t successes, std::uint64_t n, double z = 1.959963984540054);

/// Distribution of one endpoint over the subjects who reached it.
struct Distribution {
  std::uint64_t n = 0;           // subjects with a value
  double median = 0.0, q25 = 0.0, q75 = 0.0, q05 = 0.0, q95 = 0.0, mean = 0.0;
};
/// nullopt when no value is present. Sorts a copy.
std::optional<Distribution> describe_values(std::span<const double> values);

/// A statistic of one arm's per-subject values (missing = endpoint not reached).
enum class ArmStatistic { median, proportion };

/// The statistic itself: the median of the present values, or the fraction of
/// subjects whose value is present and non-zero (a yes/no endpoint, or "reached").
/// A NaN value marks a failed subject, left out of both.
std::optional<double> arm_statistic(std::span<const std::optional<double>> values, ArmStatistic statistic);

struct BootstrapOptions {
  std::uint64_t seed = 0;
  std::uint64_t stream = 0;       // keeps different endpoints' resamples apart
  int replicates = 1000;
  double level = 0.95;
};

struct Difference {
  double estimate = 0.0;
  std::optional<Interval> interval;   // percentile bootstrap; none if too few replicates defined
  int defined_replicates = 0;
};

/// statistic(arm) - statistic(reference) with a percentile bootstrap interval.
/// Arms treat the same virtual patients (paired), so patients are resampled
/// jointly: replicate b draws patient indices once and applies them to both arms.
std::optional<Difference> paired_bootstrap_difference(std::span<const std::optional<double>> arm,
                                                      std::span<const std::optional<double>> reference,
                                                      ArmStatistic statistic, const BootstrapOptions& options);

}  // namespace engraft
