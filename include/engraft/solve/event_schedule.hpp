// A regimen resolved against one model: exact, sorted breakpoints at which the
// solver stops and re-initialises (bolus, infusion start and stop).
#pragma once

#include <cstddef>
#include <vector>

#include "engraft/model/compiled_model.hpp"
#include "engraft/solve/regimen.hpp"

namespace engraft {

struct ScheduledAction {
  enum class Kind { bolus, rate_change };
  double time_days = 0.0;
  Kind kind = Kind::bolus;
  std::size_t route = 0;      // index into CompiledModel::routes()
  double value = 0.0;         // bolus amount, or change of infusion rate (amount per day)
};

class EventSchedule {
 public:
  EventSchedule() = default;
  /// Expands repeats, drops what starts after t_end; throws InputError for an unknown route
  /// or a negative, non-finite amount, duration or interval.
  static EventSchedule build(const CompiledModel& model, const Regimen& regimen, double t_end_days);
  /// Sorted by time; at equal times, rate changes before boluses, in input order otherwise.
  const std::vector<ScheduledAction>& actions() const { return actions_; }

 private:
  std::vector<ScheduledAction> actions_;
};

}  // namespace engraft
