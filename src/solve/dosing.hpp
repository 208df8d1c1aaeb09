// One subject's doses as exact breakpoints: lag times, bioavailability and
// modelled rates applied, infusions tracked so that a reset or a steady state
// can stop them, and steady states found by simulating dosing intervals.
#pragma once

#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "engraft/model/compiled_model.hpp"
#include "engraft/solve/event_schedule.hpp"

namespace engraft::detail {

class Dosing {
 public:
  /// absolute_tolerance: the solver's, in state units; changes below it are integration noise
  /// to the steady-state search.
  explicit Dosing(double absolute_tolerance) : absolute_tolerance_(absolute_tolerance) {}

  /// Integrates y from t0 to t1 with the given per-state infusion rates (no doses, no roots);
  /// returns an error message on failure.
  using Integrate = std::function<std::optional<std::string>(double t0, double t1, std::vector<double>& y,
                                                             const std::vector<double>& rates)>;

  /// Turns the schedule into this subject's timed actions (after load_parameters).
  /// Actions before t_start are dropped. Returns an error for an invalid modelled value.
  std::optional<std::string> resolve(const CompiledModel& model, const Workspace& w, const EventSchedule* schedule,
                                     double t_start);

  double next_time() const {
    return next_ < actions_.size() ? actions_[next_].time : std::numeric_limits<double>::infinity();
  }

  /// Applies every action due at or before t to the states and infusion rates.
  std::optional<std::string> apply_due(double t, std::vector<double>& y, std::vector<double>& rates,
                                       const Integrate& integrate, Workspace& w);

 private:
  enum class Kind { reset, steady_state, bolus, start, stop };
  struct Action {
    double time;
    Kind kind;
    std::size_t route;
    double value;        // bolus amount or infusion rate
    std::size_t index;   // infusion id (start/stop) or steady-state spec
  };
  struct SteadyState {
    std::size_t route;
    double amount, rate, duration, lag, interval;  // duration = inf: constant infusion
    int mode;
  };

  std::size_t new_infusion(std::size_t route, double rate);
  void set_rate(std::size_t infusion, bool on, std::vector<double>& rates) const;
  void schedule(const Action& action);
  std::optional<std::string> steady_state(const SteadyState& spec, double t, std::vector<double>& y,
                                          std::vector<double>& rates, const Integrate& integrate);

  double absolute_tolerance_;
  const CompiledModel* model_ = nullptr;
  std::vector<Action> actions_;
  std::size_t next_ = 0;
  std::vector<SteadyState> steady_states_;
  struct Infusion {
    std::size_t route;
    double rate;
    bool on;
  };
  std::vector<Infusion> infusions_;
  std::vector<std::vector<double>> fractions_;  // per route, per state: this subject's split
};

}  // namespace engraft::detail
