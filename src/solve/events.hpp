// SBML's event semantics for one run: a trigger that goes from false to true schedules an
// execution (now, or `delay` later); executions due at one time run one at a time, highest
// priority first, and triggers are re-checked after each, so one event may trigger another,
// and a non-persistent event whose trigger has gone false is dropped before it runs. SBML leaves
// the order of equal priorities random: a pseudo-random choice seeded at each run's start, so
// that a run repeats exactly.
#pragma once

#include <cstddef>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "engraft/model/compiled_model.hpp"

namespace engraft::detail {

class Events {
 public:
  explicit Events(const CompiledModel& model) : model_(model), trigger_was_(model.n_events(), false) {}

  /// Before a run: each trigger takes the value it had before the start, nothing is pending.
  void reset();

  /// The earliest pending execution; infinity when none is pending.
  double next_time() const;

  /// Brings the events up to date at time t (the driver calls it wherever a trigger may have
  /// changed and at each pending execution time): schedules the triggers that rose, drops what
  /// their triggers cancel, and executes every execution due, in order. Each execution is
  /// appended to `fired`. Returns an error message for a delay that is not a finite number >= 0
  /// or for events that keep firing at one time.
  std::optional<std::string> settle(double t, std::vector<double>& y, Workspace& w,
                                    std::vector<std::pair<double, std::size_t>>& fired);

 private:
  struct Execution {
    double time = 0.0;
    std::size_t event = 0;
    std::optional<std::vector<double>> values;  // computed when triggered (useValuesFromTriggerTime)
  };

  std::optional<std::string> update_triggers(double t, const std::vector<double>& y, Workspace& w);
  std::optional<std::string> schedule(std::size_t event, double t, const std::vector<double>& y, Workspace& w);
  /// Index into pending_ of the execution to run next at t, if any is due.
  std::optional<std::size_t> next_due(double t, const std::vector<double>& y, Workspace& w);
  void execute(Execution execution, double t, std::vector<double>& y, Workspace& w);

  const CompiledModel& model_;
  std::vector<bool> trigger_was_;      // each trigger's value when last checked
  std::vector<Execution> pending_;     // unordered; few at a time
  std::mt19937_64 random_;             // picks among equal priorities
};

}  // namespace engraft::detail
