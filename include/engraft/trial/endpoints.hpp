// Clinical endpoints of a transplant run, following the ASTCT consensus
// definitions (hematopoiesis.md §3.1, case H14). Time is in days from the graft.
#pragma once

#include <limits>
#include <optional>
#include <vector>

#include "engraft/solve/solver.hpp"

namespace engraft {

struct EndpointSettings {
  double graft_day = 0.0;
  double neutrophil_threshold = 0.5;     // 10^9/L (ASTCT 500/µL)
  double platelet_threshold = 20.0;      // 10^9/L (ASTCT 20,000/µL)
  int consecutive_days = 3;              // ASTCT: first of 3 consecutive days
  int transfusion_free_days = 7;         // ASTCT: no platelet transfusion for 7 days
  double graft_failure_day = 30.0;       // day +30 for PBSC/BM, +42 for cord blood
};

/// Where the endpoints read the trajectory: observable indices and crossing monitors.
struct EndpointInputs {
  std::optional<std::size_t> anc_observable, plt_observable;
  std::optional<std::size_t> anc_monitor, plt_monitor;   // indices into the solve's monitors
  std::vector<double> transfusion_days;
};

struct TransplantEndpoints {
  std::optional<double> neutrophil_engraftment_day;   // integer ASTCT day
  std::optional<double> platelet_engraftment_day;
  std::optional<bool> graft_failure;                  // unknown when the run ends too early
  std::optional<double> anc_nadir, anc_nadir_day;
  std::optional<double> plt_nadir, plt_nadir_day;
  std::optional<double> severe_neutropenia_hours;     // total time with ANC < threshold
  std::optional<double> anc_0_5_crossing_day;         // first upward crossing after the graft (root-found)
  std::optional<double> plt_20_crossing_day;
  std::optional<double> anc_rise_24h;                 // ANC(crossing + 1 d) / threshold (H12)
};

TransplantEndpoints evaluate_endpoints(const Trajectory& trajectory, std::size_t n_observables,
                                       const EndpointInputs& inputs, const EndpointSettings& settings,
                                       double t_end_days);

/// Statistics of one observable's time course, for models without the transplant endpoint
/// bindings (cell kinetics, immunomodulation, beta cells) or for any extra endpoint of a trial.
/// They read the output grid (linear between output times; a scenario's output_step sets the
/// resolution), not the continuous solution.
enum class CourseStatistic {
  value_at,      // the value at `day`
  max, min,      // over the window [from, to]
  time_of_max, time_of_min,
  auc,           // trapezoidal area over the window, in unit x day
  first_above,   // first time in the window the value reaches `threshold` from below (linear between points)
  first_below,   // first time in the window the value falls to `threshold` from above
  above_at,      // yes/no: value at `day` >= threshold
  below_at,      // yes/no: value at `day` < threshold
};

struct CourseEndpoint {
  std::size_t observable = 0;
  CourseStatistic statistic = CourseStatistic::value_at;
  double day = 0.0;                                            // value_at, above_at, below_at
  double from = -std::numeric_limits<double>::infinity();      // the window of the others
  double to = std::numeric_limits<double>::infinity();
  double threshold = 0.0;                                      // first_*, above_at, below_at
};

/// nullopt when the time course does not reach the day, or the window holds no output time, or the
/// threshold is never crossed.
std::optional<double> evaluate_course_endpoint(const Trajectory& trajectory, std::size_t n_observables,
                                               const CourseEndpoint& endpoint);

/// Value of observable k at time t, linear between output times; nullopt outside them.
std::optional<double> observable_at(const Trajectory& trajectory, std::size_t n_observables, std::size_t k, double t);

}  // namespace engraft
