#include "engraft/solve/event_schedule.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace engraft {

namespace {
void require_finite_nonnegative(double value, const Dose& dose, const char* field) {
  if (!std::isfinite(value) || value < 0.0) {
    SourceLocation where = dose.where;
    where.key = where.key.empty() ? field : where.key + "." + field;
    throw InputError(where, "a finite number >= 0", fmt::format("{}", value));
  }
}
}  // namespace

EventSchedule EventSchedule::build(const CompiledModel& model, const Regimen& regimen, double t_end_days) {
  const auto& routes = model.routes();
  EventSchedule schedule;
  for (const Dose& dose : regimen.doses) {
    require_finite_nonnegative(dose.amount, dose, "amount");
    require_finite_nonnegative(dose.duration_days, dose, "duration");
    require_finite_nonnegative(dose.interval_days, dose, "interval");
    if (!std::isfinite(dose.time_days)) {
      SourceLocation where = dose.where;
      throw InputError(where, "a finite dose time", fmt::format("{}", dose.time_days));
    }
    if (dose.additional < 0 || (dose.additional > 0 && dose.interval_days <= 0.0))
      throw InputError(dose.where, "additional doses >= 0 with an interval > 0",
                       fmt::format("additional = {}, interval = {} d", dose.additional, dose.interval_days));
    const std::size_t route = static_cast<std::size_t>(&model.route(dose.route, dose.where) - routes.data());
    for (int k = 0; k <= dose.additional; ++k) {
      const double start = dose.time_days + k * dose.interval_days;
      if (start > t_end_days) break;
      if (dose.duration_days == 0.0) {
        schedule.actions_.push_back({start, ScheduledAction::Kind::bolus, route, dose.amount});
      } else {
        const double rate = dose.amount / dose.duration_days;
        schedule.actions_.push_back({start, ScheduledAction::Kind::rate_change, route, rate});
        schedule.actions_.push_back({start + dose.duration_days, ScheduledAction::Kind::rate_change, route, -rate});
      }
    }
  }
  std::stable_sort(schedule.actions_.begin(), schedule.actions_.end(),
                   [](const ScheduledAction& a, const ScheduledAction& b) {
                     if (a.time_days != b.time_days) return a.time_days < b.time_days;
                     return a.kind == ScheduledAction::Kind::rate_change && b.kind == ScheduledAction::Kind::bolus;
                   });
  return schedule;
}

}  // namespace engraft
