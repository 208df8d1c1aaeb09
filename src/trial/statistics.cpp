#include "engraft/trial/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "engraft/core/error.hpp"
#include "engraft/trial/random.hpp"

namespace engraft {

double quantile_sorted(std::span<const double> sorted, double p) {
  ENGRAFT_ASSERT(!sorted.empty() && p >= 0.0 && p <= 1.0, "quantile of an empty sample or p outside [0, 1]");
  const double h = static_cast<double>(sorted.size() - 1) * p;
  const auto below = static_cast<std::size_t>(std::floor(h));
  if (below + 1 >= sorted.size()) return sorted.back();
  return sorted[below] + (h - static_cast<double>(below)) * (sorted[below + 1] - sorted[below]);
}

Interval wilson_interval(std::uint64_t successes, std::uint64_t n, double z) {
  ENGRAFT_ASSERT(n > 0 && successes <= n, "Wilson interval needs 0 <= successes <= n, n > 0");
  const double nn = static_cast<double>(n), p = static_cast<double>(successes) / nn, z2 = z * z;
  const double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
  const double half = z / (1 + z2 / nn) * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

std::optional<Distribution> describe_values(std::span<const double> values) {
  if (values.empty()) return std::nullopt;
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  Distribution d;
  d.n = sorted.size();
  d.median = quantile_sorted(sorted, 0.5);
  d.q25 = quantile_sorted(sorted, 0.25);
  d.q75 = quantile_sorted(sorted, 0.75);
  d.q05 = quantile_sorted(sorted, 0.05);
  d.q95 = quantile_sorted(sorted, 0.95);
  // Summed in sorted order, so the mean does not depend on the order subjects finished in.
  d.mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(sorted.size());
  return d;
}

namespace {

// The type 7 median by selection, O(n) rather than a sort: it reads the same two order
// statistics as quantile_sorted and combines them with the same expression, so the
// result is bit-identical. The bootstrap calls it once per arm and replicate.
double median_unsorted(std::vector<double>& values) {
  const double h = static_cast<double>(values.size() - 1) * 0.5;
  const auto below = static_cast<std::size_t>(std::floor(h));
  std::nth_element(values.begin(), values.begin() + static_cast<long>(below), values.end());
  const double low = values[below];
  if (below + 1 >= values.size()) return low;
  const double high = *std::min_element(values.begin() + static_cast<long>(below) + 1, values.end());
  return low + (h - static_cast<double>(below)) * (high - low);
}

std::optional<double> statistic_of(std::span<const std::optional<double>> values, std::span<const std::size_t> pick,
                                   ArmStatistic statistic, std::vector<double>& scratch) {
  // A NaN marks a subject whose solve failed: it counts in no statistic.
  if (statistic == ArmStatistic::proportion) {
    std::size_t yes = 0, subjects = 0;
    for (std::size_t i : pick) {
      if (values[i] && std::isnan(*values[i])) continue;
      ++subjects;
      yes += values[i] && *values[i] != 0.0 ? 1 : 0;
    }
    if (subjects == 0) return std::nullopt;
    return static_cast<double>(yes) / static_cast<double>(subjects);
  }
  scratch.clear();
  for (std::size_t i : pick)
    if (values[i] && !std::isnan(*values[i])) scratch.push_back(*values[i]);
  if (scratch.empty()) return std::nullopt;
  return median_unsorted(scratch);
}

}  // namespace

std::optional<double> arm_statistic(std::span<const std::optional<double>> values, ArmStatistic statistic) {
  std::vector<std::size_t> all(values.size());
  std::iota(all.begin(), all.end(), std::size_t{0});
  std::vector<double> scratch;
  return statistic_of(values, all, statistic, scratch);
}

std::optional<Difference> paired_bootstrap_difference(std::span<const std::optional<double>> arm,
                                                      std::span<const std::optional<double>> reference,
                                                      ArmStatistic statistic, const BootstrapOptions& options) {
  ENGRAFT_ASSERT(arm.size() == reference.size(), "paired arms of different sizes");
  const auto a = arm_statistic(arm, statistic), r = arm_statistic(reference, statistic);
  if (!a || !r) return std::nullopt;
  Difference d;
  d.estimate = *a - *r;
  RandomStream random(options.seed, static_cast<std::uint64_t>(RandomPurpose::bootstrap), options.stream);
  std::vector<std::size_t> pick(arm.size());
  std::vector<double> replicates, scratch;
  for (int b = 0; b < options.replicates; ++b) {
    for (std::size_t& i : pick) i = random.below(arm.size());
    const auto ab = statistic_of(arm, pick, statistic, scratch), rb = statistic_of(reference, pick, statistic, scratch);
    if (ab && rb) replicates.push_back(*ab - *rb);
  }
  d.defined_replicates = static_cast<int>(replicates.size());
  // An interval from fewer than 90 % of the replicates would describe a different population.
  if (replicates.size() * 10 >= static_cast<std::size_t>(options.replicates) * 9 && !replicates.empty()) {
    std::sort(replicates.begin(), replicates.end());
    const double tail = (1.0 - options.level) / 2.0;
    d.interval = Interval{quantile_sorted(replicates, tail), quantile_sorted(replicates, 1.0 - tail)};
  }
  return d;
}

}  // namespace engraft
