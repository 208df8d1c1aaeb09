// Clinical endpoints of a transplant run, following the ASTCT consensus
// definitions (hematopoiesis.md §3.1, case H14). Time is in days from the graft.
#pragma once

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

/// Value of observable k at time t, linear between output times; nullopt outside them.
std::optional<double> observable_at(const Trajectory& trajectory, std::size_t n_observables, std::size_t k, double t);

}  // namespace engraft
