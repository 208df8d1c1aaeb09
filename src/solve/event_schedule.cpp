#include "engraft/solve/event_schedule.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace engraft {

namespace {
// A regimen with more administrations than this in one run is a mistake (and would exhaust memory).
constexpr std::size_t max_administrations = 1000000;

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
    require_finite_nonnegative(dose.rate_per_day, dose, "rate");
    require_finite_nonnegative(dose.interval_days, dose, "interval");
    if (!std::isfinite(dose.time_days)) throw InputError(dose.where, "a finite dose time", fmt::format("{}", dose.time_days));
    if (dose.additional < 0 || (dose.additional > 0 && dose.interval_days <= 0.0))
      throw InputError(dose.where, "additional doses >= 0 with an interval > 0",
                       fmt::format("additional = {}, interval = {} d", dose.additional, dose.interval_days));
    if (dose.duration_days > 0.0 && dose.rate_per_day > 0.0)
      throw InputError(dose.where, "either a duration or a rate", "both");
    if (dose.steady_state < 0 || dose.steady_state > 2)
      throw InputError(dose.where, "steady state 0, 1 or 2", fmt::format("{}", dose.steady_state));
    if (dose.steady_state && dose.interval_days <= 0.0 && dose.rate_per_day <= 0.0)
      throw InputError(dose.where, "an interval > 0 for a steady-state dose (or a constant-rate infusion)", "none");
    if (dose.kind == DoseKind::reset) {
      schedule.instances_.push_back(DoseInstance{dose.time_days, 0, 0.0, 0.0, 0.0, 0.0, DoseKind::reset, RateMode::given, 0});
      continue;
    }
    const std::size_t route = static_cast<std::size_t>(&model.route(dose.route, dose.where) - routes.data());
    if (dose.rate_mode == RateMode::modelled_rate && !routes[route].rate_register)
      throw InputError(dose.where, fmt::format("a route with a `rate` expression for RATE = -1 (route '{}' has none)", dose.route), "RATE = -1");
    if (dose.rate_mode == RateMode::modelled_duration && !routes[route].duration_register)
      throw InputError(dose.where, fmt::format("a route with a `duration` expression for RATE = -2 (route '{}' has none)", dose.route), "RATE = -2");
    for (int k = 0; k <= dose.additional; ++k) {
      const double start = dose.time_days + k * dose.interval_days;
      if (start > t_end_days) break;
      if (schedule.instances_.size() >= max_administrations)
        throw InputError(dose.where, fmt::format("at most {} administrations before the end of the run", max_administrations),
                         "more", "check interval and additional");
      DoseInstance instance{start, route, dose.amount, dose.duration_days, dose.rate_per_day, dose.interval_days,
                            k == 0 ? dose.kind : DoseKind::dose, dose.rate_mode, k == 0 ? dose.steady_state : 0};
      schedule.instances_.push_back(instance);
    }
  }
  std::stable_sort(schedule.instances_.begin(), schedule.instances_.end(),
                   [](const DoseInstance& a, const DoseInstance& b) { return a.time_days < b.time_days; });
  return schedule;
}

}  // namespace engraft
