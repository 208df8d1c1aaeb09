#include "dosing.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace engraft::detail {

namespace {
// A steady state is reached when the state at the same phase of consecutive intervals
// changes by less than this, relative to its size, plus the solver's absolute tolerance
// (NONMEM's own bar is 1e-4 on outputs).
constexpr double steady_state_tolerance = 1e-10;
constexpr int max_steady_state_intervals = 20000;
constexpr double coincident_days = 1e-12;
}  // namespace

std::size_t Dosing::new_infusion(std::size_t route, double rate) {
  infusions_.push_back(Infusion{route, rate, false});
  return infusions_.size() - 1;
}

void Dosing::set_rate(std::size_t infusion, bool on, std::vector<double>& rates) const {
  const Infusion& inf = infusions_[infusion];
  const ResolvedRoute& route = model_->routes()[inf.route];
  const double sign = on ? 1.0 : -1.0;
  for (std::size_t j = 0; j < route.states.size(); ++j) rates[route.states[j]] += sign * inf.rate * fractions_[inf.route][j];
}

void Dosing::schedule(const Action& action) {
  const auto at = std::upper_bound(actions_.begin() + static_cast<long>(next_), actions_.end(), action.time,
                                   [](double t, const Action& a) { return t < a.time; });
  actions_.insert(at, action);
}

std::optional<std::string> Dosing::resolve(const CompiledModel& model, const Workspace& w, const EventSchedule* schedule_in,
                                           double t_start) {
  model_ = &model;
  actions_.clear();
  steady_states_.clear();
  infusions_.clear();
  next_ = 0;
  fractions_.clear();
  for (const ResolvedRoute& route : model.routes()) {
    std::vector<double> f;
    for (std::size_t reg : route.fraction_registers) f.push_back(model.route_fraction(reg, w));
    fractions_.push_back(std::move(f));
  }
  if (!schedule_in) return std::nullopt;
  const auto value_or = [&](const std::optional<std::size_t>& reg, double fallback) {
    return reg ? model.route_fraction(*reg, w) : fallback;
  };
  for (const DoseInstance& d : schedule_in->instances()) {
    if (d.kind == DoseKind::reset || d.kind == DoseKind::reset_and_dose) actions_.push_back({d.time_days, Kind::reset, 0, 0.0, 0});
    if (d.kind == DoseKind::reset) continue;
    const ResolvedRoute& route = model.routes()[d.route];
    const double f = value_or(route.bioavailability_register, 1.0);
    const double lag = value_or(route.lag_register, 0.0);
    if (!(f >= 0.0) || !(lag >= 0.0) || !std::isfinite(f) || !std::isfinite(lag))
      return fmt::format("route '{}': bioavailability {} and lag {} d must be finite and >= 0", route.name, f, lag);
    const double amount = d.amount * f;
    double rate = 0.0, duration = 0.0;  // duration 0 = bolus
    switch (d.rate_mode) {
      case RateMode::modelled_rate: rate = model.route_fraction(*route.rate_register, w); duration = amount / rate; break;
      case RateMode::modelled_duration: duration = model.route_fraction(*route.duration_register, w); rate = amount / duration; break;
      case RateMode::given:
        if (d.rate_per_day > 0.0) {
          rate = d.rate_per_day;
          duration = amount / rate;  // AMT = 0 with SS: a steady-state infusion that does not go on
        } else if (d.duration_days > 0.0) {
          duration = d.duration_days;
          rate = amount / duration;
        }
        break;
    }
    if (d.rate_mode != RateMode::given && !(rate > 0.0 && duration > 0.0 && std::isfinite(rate)))
      return fmt::format("route '{}': modelled infusion rate {} and duration {} d must be > 0", route.name, rate, duration);
    if (d.steady_state) {
      const bool constant_rate = d.amount == 0.0 && rate > 0.0;
      steady_states_.push_back(SteadyState{d.route, amount, rate,
                                           constant_rate ? std::numeric_limits<double>::infinity() : duration, lag,
                                           d.interval_days, d.steady_state});
      actions_.push_back({d.time_days, Kind::steady_state, d.route, 0.0, steady_states_.size() - 1});
    }
    const double t = d.time_days + lag;
    if (d.steady_state && d.amount == 0.0) continue;  // the steady state is all there is to it
    if (duration == 0.0) {
      if (amount > 0.0) actions_.push_back({t, Kind::bolus, d.route, amount, 0});
    } else {
      const std::size_t id = new_infusion(d.route, rate);
      actions_.push_back({t, Kind::start, d.route, rate, id});
      if (std::isfinite(duration)) actions_.push_back({t + duration, Kind::stop, d.route, rate, id});
    }
  }
  std::stable_sort(actions_.begin(), actions_.end(), [](const Action& a, const Action& b) { return a.time < b.time; });
  while (next_ < actions_.size() && actions_[next_].time < t_start) ++next_;
  return std::nullopt;
}

std::optional<std::string> Dosing::apply_due(double t, std::vector<double>& y, std::vector<double>& rates,
                                             const Integrate& integrate, Workspace& w) {
  // Actions a rounding error apart (an infusion's end computed as start + duration) are one time.
  const double due = t + coincident_days * std::max(1.0, std::abs(t));
  while (next_ < actions_.size() && actions_[next_].time <= due) {
    const Action a = actions_[next_++];
    switch (a.kind) {
      case Kind::reset:
        model_->initial_state(t, y, w);
        std::fill(rates.begin(), rates.end(), 0.0);
        for (Infusion& inf : infusions_) inf.on = false;
        break;
      case Kind::steady_state:
        if (auto error = steady_state(steady_states_[a.index], t, y, rates, integrate)) return error;
        break;
      case Kind::bolus: {
        const ResolvedRoute& route = model_->routes()[a.route];
        for (std::size_t j = 0; j < route.states.size(); ++j) y[route.states[j]] += a.value * fractions_[a.route][j];
        break;
      }
      case Kind::start:
        infusions_[a.index].on = true;
        set_rate(a.index, true, rates);
        break;
      case Kind::stop:  // a reset or steady state may already have stopped it
        if (infusions_[a.index].on) {
          infusions_[a.index].on = false;
          set_rate(a.index, false, rates);
        }
        break;
    }
  }
  return std::nullopt;
}

// Simulates the regimen from empty compartments, one interval at a time, until the state at
// the record's phase repeats; infusions still running at that phase keep running after t.
// Assumes a time-invariant model, as NONMEM's steady state does.
std::optional<std::string> Dosing::steady_state(const SteadyState& spec, double t, std::vector<double>& y,
                                                std::vector<double>& rates, const Integrate& integrate) {
  const std::size_t n = y.size();
  std::vector<double> z(n, 0.0), previous(n, 0.0), local_rates(n, 0.0);
  const ResolvedRoute& route = model_->routes()[spec.route];
  const auto add_rate = [&](std::vector<double>& r, double rate) {
    for (std::size_t j = 0; j < route.states.size(); ++j) r[route.states[j]] += rate * fractions_[spec.route][j];
  };
  const bool constant_infusion = !std::isfinite(spec.duration) || spec.interval <= 0.0;
  const double period = constant_infusion ? 1.0 : spec.interval;  // constant infusion: check once a day
  std::vector<std::pair<double, double>> stops;  // (local stop time, rate) of infusions started
  double s = 0.0;
  long next_dose = 0;
  bool converged = false;
  if (constant_infusion) add_rate(local_rates, spec.rate);
  for (int m = 1; m <= max_steady_state_intervals && !converged; ++m) {
    const double end = m * period;
    while (true) {  // events inside (s, end]: doses at lag + j*interval, infusion stops
      double next_event = end;
      if (!constant_infusion) next_event = std::min(next_event, spec.lag + static_cast<double>(next_dose) * spec.interval);
      for (const auto& [stop, rate] : stops) next_event = std::min(next_event, stop);
      if (next_event > s + coincident_days * std::max(1.0, s)) {
        if (auto error = integrate(s, next_event, z, local_rates)) return "steady state: " + *error;
        s = next_event;
      }
      s = std::max(s, next_event);
      const double tolerance = coincident_days * std::max(1.0, s);
      if (!constant_infusion && spec.lag + static_cast<double>(next_dose) * spec.interval <= s + tolerance && s < end - tolerance) {
        if (spec.duration == 0.0) {
          for (std::size_t j = 0; j < route.states.size(); ++j) z[route.states[j]] += spec.amount * fractions_[spec.route][j];
        } else {
          add_rate(local_rates, spec.rate);
          stops.emplace_back(s + spec.duration, spec.rate);
        }
        ++next_dose;
        continue;
      }
      bool stopped = false;
      for (auto it = stops.begin(); it != stops.end();) {
        if (it->first <= s + tolerance) {
          add_rate(local_rates, -it->second);
          it = stops.erase(it);
          stopped = true;
        } else {
          ++it;
        }
      }
      if (!stopped && s >= end - tolerance) break;
    }
    double change = 0.0, size = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      change = std::max(change, std::abs(z[i] - previous[i]));
      size = std::max(size, std::abs(z[i]));
    }
    converged = m > 1 && change <= steady_state_tolerance * size + absolute_tolerance_;
    previous = z;
  }
  if (!converged) return fmt::format("steady state not reached in {} intervals", max_steady_state_intervals);

  if (spec.mode == 1) {  // SS = 1: the steady state replaces everything, running infusions included
    y = z;
    std::fill(rates.begin(), rates.end(), 0.0);
    for (Infusion& inf : infusions_) inf.on = false;
  } else {               // SS = 2: added to what is there
    for (std::size_t i = 0; i < n; ++i) y[i] += z[i];
  }
  for (const auto& [stop, rate] : stops) {  // still running at the record's phase
    const std::size_t id = new_infusion(spec.route, rate);
    infusions_[id].on = true;
    set_rate(id, true, rates);
    schedule({t + (stop - s), Kind::stop, spec.route, rate, id});
  }
  return std::nullopt;
}

}  // namespace engraft::detail
