#include "engraft/trial/summary.hpp"

#include <cmath>

namespace engraft {

EndpointSummary summarize_endpoint(const TrialSpec& spec, std::size_t endpoint, const std::vector<ArmValues>& per_arm) {
  EndpointSummary summary;
  summary.column = spec.endpoints[endpoint];
  const bool yes_no = summary.column->yes_no;
  for (const ArmValues& values : per_arm) {
    ArmEndpointSummary arm;
    std::vector<double> present;
    for (const auto& v : values) {
      if (v && std::isnan(*v)) continue;
      ++arm.subjects;
      if (v && (!yes_no || *v != 0.0)) ++arm.count;
      if (v && !yes_no) present.push_back(*v);
    }
    if (arm.subjects > 0) arm.proportion_interval = wilson_interval(arm.count, arm.subjects);
    if (!yes_no) arm.values = describe_values(present);
    summary.arms.push_back(arm);
  }
  const ArmStatistic statistic = yes_no ? ArmStatistic::proportion : ArmStatistic::median;
  for (std::size_t a = 0; a < per_arm.size(); ++a) {
    if (a == spec.reference_arm) {
      summary.differences.emplace_back();
      continue;
    }
    // Each (endpoint, arm) pair resamples from its own stream of the trial seed.
    const BootstrapOptions options{spec.seed, endpoint * 1024 + a, spec.bootstrap_replicates, 0.95};
    summary.differences.push_back(paired_bootstrap_difference(per_arm[a], per_arm[spec.reference_arm], statistic, options));
  }
  return summary;
}

}  // namespace engraft
