// Validation cases as data (validation/*.toml): named runs of scenarios and
// checks of what they produce against a published value or band.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engraft/trial/run.hpp"
#include "engraft/trial/trial.hpp"

namespace engraft {

enum class Metric { crossing_up, crossing_down, value_at, nadir_value, nadir_day, maximum_value, maximum_day, endpoint };

/// A population summary read from a trial (checks with `trial` instead of `run`).
enum class TrialStatistic {
  proportion, median, q05, q25, q75, q95, mean,
  log10_span_90,   // log10(q95 / q05): how many logs the 5-95 % band spans (positive values only)
};

struct ValidationCheck {
  std::string name;
  std::string run;              // which run, or
  std::string trial;            // which trial (then `arm`, `endpoint` and `statistic` apply)
  std::string arm;              // the arm's name; empty = the first arm
  TrialStatistic statistic = TrialStatistic::proportion;
  std::optional<double> at_most, at_least;   // proportion of subjects with value <= / >= this (not reached: no)
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

/// A trial a case runs once: its summaries are checked against population numbers
/// (response rates, proportions engrafted by a day).
struct ValidationTrial {
  std::shared_ptr<const CompiledModel> model;
  TrialSpec spec;
  std::shared_ptr<const Population> population;
};

struct ValidationCase {
  std::string id, title, source, kind;
  std::map<std::string, Scenario> runs;
  std::map<std::string, ValidationTrial> trials;
  std::vector<ValidationCheck> checks;
  std::filesystem::path file;
};

struct CheckOutcome {
  std::string case_id, check, expected_text;
  std::optional<double> value;
  bool passed = false;
  std::string note;
};

/// Runs each scenario and each trial of the case once and evaluates every check.
std::vector<CheckOutcome> run_validation_case(const ValidationCase& c,
                                              const std::map<std::string, std::shared_ptr<const CompiledModel>>& models);

/// A metric read from one run (nullopt = not reached).
std::optional<double> evaluate_metric(const ValidationCheck& check, const CompiledModel& model, const RunResult& result);

}  // namespace engraft
