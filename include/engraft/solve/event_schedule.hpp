// A regimen resolved against one model: validated, repeats expanded, sorted.
// The solver turns each instance into exact breakpoints for one subject, once
// that subject's lag times, bioavailability and modelled rates are known.
#pragma once

#include <cstddef>
#include <vector>

#include "engraft/model/compiled_model.hpp"
#include "engraft/solve/regimen.hpp"

namespace engraft {

/// One administration (or reset) at its record time, before lag and bioavailability.
struct DoseInstance {
  double time_days = 0.0;
  std::size_t route = 0;       // index into CompiledModel::routes()
  double amount = 0.0;
  double duration_days = 0.0;
  double rate_per_day = 0.0;
  double interval_days = 0.0;  // for steady state
  DoseKind kind = DoseKind::dose;
  RateMode rate_mode = RateMode::given;
  int steady_state = 0;
};

class EventSchedule {
 public:
  EventSchedule() = default;
  /// Expands repeats, drops what starts after t_end; throws InputError for an unknown route,
  /// a negative or non-finite amount, duration, rate or interval, or a modelled rate or
  /// duration the route does not define.
  static EventSchedule build(const CompiledModel& model, const Regimen& regimen, double t_end_days);
  /// In record-time order; equal times keep the regimen's order.
  const std::vector<DoseInstance>& instances() const { return instances_; }

 private:
  std::vector<DoseInstance> instances_;
};

}  // namespace engraft
