// Trial summaries, computed from the per-subject values (read back from the
// per-subject file) so that they are the same for any thread count and after a resume.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "engraft/trial/statistics.hpp"
#include "engraft/trial/trial.hpp"

namespace engraft {

/// One arm's values of one endpoint, by patient. nullopt = not reached;
/// failed_value() = the subject's solve failed (left out of every statistic).
using ArmValues = std::vector<std::optional<double>>;
inline constexpr double failed_value() { return std::numeric_limits<double>::quiet_NaN(); }

struct ArmEndpointSummary {
  std::uint64_t subjects = 0;          // whose solve succeeded
  std::uint64_t count = 0;             // yes/no endpoint: yes; otherwise: reached
  Interval proportion_interval;        // Wilson 95 % for count / subjects
  std::optional<Distribution> values;  // over the subjects who reached it (not for yes/no)
};

struct EndpointSummary {
  std::string name, label, unit;       // unit "" for yes/no
  bool yes_no = false;
  std::vector<ArmEndpointSummary> arms;
  /// arm - reference: difference of medians (of proportions for yes/no), paired
  /// bootstrap; nullopt for the reference arm and where a statistic is undefined.
  std::vector<std::optional<Difference>> differences;
};

/// `per_arm[a]` holds arm a's values for endpoint `endpoint` (index into spec.endpoints).
EndpointSummary summarize_endpoint(const TrialSpec& spec, std::size_t endpoint, const std::vector<ArmValues>& per_arm);

/// Proportion `proportion` (index into spec.proportions) from its endpoint's values.
EndpointSummary summarize_proportion(const TrialSpec& spec, std::size_t proportion, const std::vector<ArmValues>& per_arm);

}  // namespace engraft
