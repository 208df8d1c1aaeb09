#include "engraft/trial/summary.hpp"

#include <cmath>

#include <fmt/format.h>

namespace engraft {

namespace {

/// Per-arm statistics and arm differences; `stream` keeps this summary's bootstrap
/// resamples apart from every other summary's.
void summarize_values(const TrialSpec& spec, std::uint64_t stream, const std::vector<ArmValues>& per_arm,
                      EndpointSummary& summary) {
  for (const ArmValues& values : per_arm) {
    ArmEndpointSummary arm;
    std::vector<double> present;
    for (const auto& v : values) {
      if (v && std::isnan(*v)) continue;
      ++arm.subjects;
      if (v && (!summary.yes_no || *v != 0.0)) ++arm.count;
      if (v && !summary.yes_no) present.push_back(*v);
    }
    if (arm.subjects > 0) arm.proportion_interval = wilson_interval(arm.count, arm.subjects);
    if (!summary.yes_no) arm.values = describe_values(present);
    summary.arms.push_back(arm);
  }
  const ArmStatistic statistic = summary.yes_no ? ArmStatistic::proportion : ArmStatistic::median;
  for (std::size_t a = 0; a < per_arm.size(); ++a) {
    if (a == spec.reference_arm) {
      summary.differences.emplace_back();
      continue;
    }
    const BootstrapOptions options{spec.seed, stream * 1024 + a, spec.bootstrap_replicates, 0.95};
    summary.differences.push_back(paired_bootstrap_difference(per_arm[a], per_arm[spec.reference_arm], statistic, options));
  }
}

}  // namespace

EndpointSummary summarize_endpoint(const TrialSpec& spec, std::size_t endpoint, const std::vector<ArmValues>& per_arm) {
  const EndpointColumn& column = *spec.endpoints[endpoint];
  EndpointSummary summary{std::string(column.name), std::string(column.label), std::string(column.unit), column.yes_no, {}, {}};
  summarize_values(spec, endpoint, per_arm, summary);
  return summary;
}

EndpointSummary summarize_proportion(const TrialSpec& spec, std::size_t proportion, const std::vector<ArmValues>& per_arm) {
  const ProportionSpec& p = spec.proportions[proportion];
  const EndpointColumn& column = *spec.endpoints[p.endpoint];
  EndpointSummary summary{fmt::format("{}_{}_{}", column.name, p.at_most ? "at_most" : "at_least", p.threshold),
                          fmt::format("{} {} {} {}", column.label, p.at_most ? "<=" : ">=", p.threshold, column.unit), "",
                          true, {}, {}};
  std::vector<ArmValues> yes_no(per_arm.size());
  for (std::size_t a = 0; a < per_arm.size(); ++a)
    for (const auto& v : per_arm[a]) {
      if (v && std::isnan(*v)) yes_no[a].push_back(v);  // failed: stays out
      else yes_no[a].push_back(v && (p.at_most ? *v <= p.threshold : *v >= p.threshold) ? 1.0 : 0.0);
    }
  summarize_values(spec, spec.endpoints.size() + proportion, yes_no, summary);
  return summary;
}

}  // namespace engraft
