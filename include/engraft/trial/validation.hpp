// Validation cases as data (validation/*.toml): named runs of scenarios and
// checks of what they produce against a published value or band.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engraft/trial/run.hpp"

namespace engraft {

enum class Metric { crossing_up, crossing_down, value_at, nadir_value, nadir_day, maximum_value, maximum_day, endpoint };

struct ValidationCheck {
  std::string name;
  std::string run;              // which run
  std::string minus;            // optional: subtract this run's value (differences between arms)
  Metric metric = Metric::endpoint;
  std::string observable;       // for observable metrics
  double threshold = 0.0;       // crossings
  double day = 0.0;             // value_at
  std::string endpoint;         // summary.json endpoint key
  double scale = 1.0;           // e.g. 24 to report a difference of days in hours
  std::optional<double> expected;
  double relative_tolerance = 0.0;
  double absolute_tolerance = 0.0;
  std::optional<double> band_min, band_max;
  std::string why;              // justification of the tolerance or band
  SourceLocation where;
};

struct ValidationCase {
  std::string id, title, source, kind;
  std::map<std::string, Scenario> runs;
  std::vector<ValidationCheck> checks;
  std::filesystem::path file;
};

struct CheckOutcome {
  std::string case_id, check, expected_text;
  std::optional<double> value;
  bool passed = false;
  std::string note;
};

/// Runs each scenario of the case once and evaluates every check.
std::vector<CheckOutcome> run_validation_case(const ValidationCase& c,
                                              const std::map<std::string, std::shared_ptr<const CompiledModel>>& models);

/// A metric read from one run (nullopt = not reached).
std::optional<double> evaluate_metric(const ValidationCheck& check, const CompiledModel& model, const RunResult& result);

}  // namespace engraft
