#include "events.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include <fmt/format.h>

namespace engraft::detail {

namespace {
// Any fixed value: the order among equal priorities is random, yet the same in every run.
constexpr std::uint64_t random_seed = 20260101;
// More executions than this at one time is an endless cascade (events that re-trigger each other).
constexpr int max_executions_at_one_time = 100000;
}  // namespace

void Events::reset() {
  const auto& rules = model_.description().events;
  for (std::size_t k = 0; k < rules.size(); ++k) trigger_was_[k] = rules[k].initial_value;
  pending_.clear();
  random_.seed(random_seed);
}

double Events::next_time() const {
  double earliest = std::numeric_limits<double>::infinity();
  for (const Execution& e : pending_) earliest = std::min(earliest, e.time);
  return earliest;
}

std::optional<std::string> Events::settle(double t, std::vector<double>& y, Workspace& w,
                                          std::vector<std::pair<double, std::size_t>>& fired) {
  for (int executed = 0;; ++executed) {
    if (auto error = update_triggers(t, y, w)) return error;
    const std::optional<std::size_t> due = next_due(t, y, w);
    if (!due) return std::nullopt;
    if (executed == max_executions_at_one_time)
      return fmt::format("more than {} event executions at t = {:.9g} d (events that keep triggering each other)",
                         max_executions_at_one_time, t);
    Execution execution = std::move(pending_[*due]);
    pending_.erase(pending_.begin() + static_cast<long>(*due));
    fired.emplace_back(t, execution.event);
    execute(std::move(execution), t, y, w);
  }
}

std::optional<std::string> Events::update_triggers(double t, const std::vector<double>& y, Workspace& w) {
  const auto& rules = model_.description().events;
  for (std::size_t k = 0; k < rules.size(); ++k) {
    const bool now = model_.trigger_value(k, t, y.data(), w);
    if (now && !trigger_was_[k])
      if (auto error = schedule(k, t, y, w)) return error;
    trigger_was_[k] = now;
  }
  std::erase_if(pending_, [&](const Execution& e) { return !rules[e.event].persistent && !trigger_was_[e.event]; });
  return std::nullopt;
}

std::optional<std::string> Events::schedule(std::size_t event, double t, const std::vector<double>& y, Workspace& w) {
  const EventRule& rule = model_.description().events[event];
  const double delay = model_.event_delay(event, t, y.data(), w);
  if (!std::isfinite(delay) || delay < 0.0)
    return fmt::format("event '{}' triggered at t = {:.9g} d with delay {} (expected a finite delay >= 0)", rule.name,
                       t, delay);
  Execution execution{t + delay, event, std::nullopt};
  if (rule.use_values_from_trigger_time) {
    execution.values.emplace(model_.n_event_values(event));
    model_.event_values(event, t, y.data(), *execution.values, w);
  }
  pending_.push_back(std::move(execution));
  return std::nullopt;
}

std::optional<std::size_t> Events::next_due(double t, const std::vector<double>& y, Workspace& w) {
  // Highest priority first, evaluated now (after the executions before); no priority (or NaN) is lowest.
  // Among equal priorities each is picked with the same probability (reservoir sampling).
  std::optional<std::size_t> best;
  double best_priority = 0.0;
  std::uint64_t ties = 0;
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    if (pending_[i].time > t) continue;
    double priority = model_.event_priority(pending_[i].event, t, y.data(), w);
    if (std::isnan(priority)) priority = -std::numeric_limits<double>::infinity();
    if (!best || priority > best_priority) {
      best = i, best_priority = priority, ties = 1;
    } else if (priority == best_priority && random_() % ++ties == 0) {
      best = i;  // with probability 1/ties (bias ~ties/2^64); not a std distribution, whose results vary by library
    }
  }
  return best;
}

void Events::execute(Execution execution, double t, std::vector<double>& y, Workspace& w) {
  if (!execution.values) {
    execution.values.emplace(model_.n_event_values(execution.event));
    model_.event_values(execution.event, t, y.data(), *execution.values, w);
  }
  model_.assign_event(execution.event, t, *execution.values, y.data(), w);
}

}  // namespace engraft::detail
