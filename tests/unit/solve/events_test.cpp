// SBML's event semantics in the solver driver, on x' = -k x (x(0) = 10, k = 0.5) whose answers are
// closed-form: delays, values from trigger or execution time, persistence, priorities, cascades
// and initial values.
#include "engraft/solve/solver.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace engraft {
namespace {

// rtol 1e-10 on values of order 1..10: errors ~1e-9 absolute; 1e-7 relative is safe for both methods.
constexpr double value_tolerance = 1e-7;
// Roots are located to 1e-10 d on dense output whose error is ~rtol: 1e-7 d is safe.
constexpr double time_tolerance = 1e-7;
constexpr double k = 0.5;
const double t_threshold = std::log(10.0 / 2.0) / k;  // x reaches thr = 2

EventRule event(const std::string& name, const std::string& trigger,
                std::vector<std::pair<std::string, std::string>> set) {
  EventRule e;
  e.name = name;
  e.trigger = parse_expression(trigger, {});
  for (const auto& [target, value] : set) e.assignments.emplace_back(target, parse_expression(value, {}));
  return e;
}

Model decay_with(std::vector<EventRule> events) {
  Model m;
  m.name = "decay_events";
  m.parameters = {Parameter{"k", k, "1/d", "", "test", "", {}}, Parameter{"thr", 2.0, "1", "", "test", "", {}},
                  Parameter{"p", 1.0, "1", "", "test", "", {}}, Parameter{"q", 0.0, "1", "", "test", "", {}}};
  m.states.push_back(State{"x", "mg", "", Expression::number(10.0), {}});
  m.derivatives.push_back(Derivative{"x", parse_expression("-k * x", {}), {}});
  m.observables = {Observable{"P", parse_expression("p", {}), "1", "", {}},
                   Observable{"Q", parse_expression("q", {}), "1", "", {}}};
  m.events = std::move(events);
  return m;
}

class Events : public ::testing::TestWithParam<Method> {
 protected:
  // Rows of (x, P, Q) at `times`.
  SolveResult solve(std::vector<EventRule> events, std::vector<double> times) {
    model_ = CompiledModel::compile(decay_with(std::move(events)));
    SolverOptions o;
    o.method = GetParam();
    o.rtol = 1e-10;
    o.atol = 1e-12;
    o.max_step_days = 0.1;  // the trigger windows below are 0.5 d wide
    times_ = std::move(times);
    parameters_ = model_->default_parameters();
    SolveResult r;
    make_solver(model_, o)->solve(SolveProblem{0.0, times_.back(), parameters_, nullptr, times_, {}}, r);
    return r;
  }
  double x(const SolveResult& r, std::size_t row) const { return r.trajectory.states[row]; }
  double p(const SolveResult& r, std::size_t row) const { return r.trajectory.observables[row * 2]; }
  double q(const SolveResult& r, std::size_t row) const { return r.trajectory.observables[row * 2 + 1]; }

  std::shared_ptr<const CompiledModel> model_;
  std::vector<double> times_, parameters_;
};

TEST_P(Events, DelayedExecutionHappensDelayLater) {
  EventRule e = event("refill", "x < thr", {{"x", "8"}});
  e.delay = parse_expression("1", {});
  const double t_execute = t_threshold + 1.0;
  const SolveResult r = solve({e}, {t_threshold + 0.5, 6.0});
  ASSERT_TRUE(r.ok()) << r.message;
  ASSERT_EQ(r.trajectory.events_fired.size(), 1u);
  EXPECT_NEAR(r.trajectory.events_fired[0].first, t_execute, time_tolerance);
  const double pending = 10.0 * std::exp(-k * (t_threshold + 0.5));  // nothing happens during the delay
  EXPECT_NEAR(x(r, 0), pending, value_tolerance * pending);
  const double after = 8.0 * std::exp(-k * (6.0 - t_execute));
  EXPECT_NEAR(x(r, 1), after, value_tolerance * after);
}

TEST_P(Events, ValuesFromTriggerTimeOrFromExecutionTime) {
  EventRule e = event("add", "x < thr", {{"x", "x + 8"}});
  e.delay = parse_expression("1", {});
  const double t_end = t_threshold + 1.0 + 0.5;
  const SolveResult from_trigger = solve({e}, {t_end});
  ASSERT_TRUE(from_trigger.ok()) << from_trigger.message;
  const double expected_trigger = (2.0 + 8.0) * std::exp(-k * 0.5);  // x was 2 when it fired
  EXPECT_NEAR(x(from_trigger, 0), expected_trigger, value_tolerance * expected_trigger);

  e.use_values_from_trigger_time = false;
  const SolveResult from_execution = solve({e}, {t_end});
  ASSERT_TRUE(from_execution.ok()) << from_execution.message;
  const double expected_execution = (2.0 * std::exp(-k) + 8.0) * std::exp(-k * 0.5);  // x decayed for 1 d more
  EXPECT_NEAR(x(from_execution, 0), expected_execution, value_tolerance * expected_execution);
}

TEST_P(Events, ANonPersistentEventIsDroppedWhenItsTriggerGoesFalse) {
  // The trigger holds on (1, 1.5); the execution would be due at 2.
  EventRule e = event("window", "t > 1 && t < 1.5", {{"q", "5"}});
  e.delay = parse_expression("1", {});
  e.persistent = false;
  const SolveResult dropped = solve({e}, {3.0});
  ASSERT_TRUE(dropped.ok()) << dropped.message;
  EXPECT_EQ(q(dropped, 0), 0.0);
  EXPECT_TRUE(dropped.trajectory.events_fired.empty());

  e.persistent = true;
  const SolveResult kept = solve({e}, {1.9, 3.0});
  ASSERT_TRUE(kept.ok()) << kept.message;
  EXPECT_EQ(q(kept, 0), 0.0);
  EXPECT_EQ(q(kept, 1), 5.0);
  ASSERT_EQ(kept.trajectory.events_fired.size(), 1u);
  EXPECT_NEAR(kept.trajectory.events_fired[0].first, 2.0, time_tolerance);
}

TEST_P(Events, HigherPriorityExecutesFirst) {
  // Both fire at t = 1 from p = 1. With values from execution time double-then-add gives 3,
  // add-then-double 4.
  EventRule twice = event("twice", "t > 1", {{"p", "2 * p"}});
  EventRule plus_one = event("plus_one", "t > 1", {{"p", "p + 1"}});
  twice.priority = parse_expression("2", {});
  plus_one.priority = parse_expression("1", {});
  // With values from trigger time (SBML's default) both were computed from p = 1 (2 * 1 = 1 + 1 = 2).
  const SolveResult trigger_values = solve({twice, plus_one}, {2.0});
  ASSERT_TRUE(trigger_values.ok()) << trigger_values.message;
  EXPECT_EQ(p(trigger_values, 0), 2.0);
  ASSERT_EQ(trigger_values.trajectory.events_fired.size(), 2u);
  EXPECT_EQ(trigger_values.trajectory.events_fired[0].second, 0u);  // "twice" first

  twice.use_values_from_trigger_time = plus_one.use_values_from_trigger_time = false;
  const SolveResult double_first = solve({twice, plus_one}, {2.0});
  ASSERT_TRUE(double_first.ok()) << double_first.message;
  EXPECT_EQ(p(double_first, 0), 3.0);

  plus_one.priority = parse_expression("3", {});
  const SolveResult add_first = solve({twice, plus_one}, {2.0});
  ASSERT_TRUE(add_first.ok()) << add_first.message;
  EXPECT_EQ(p(add_first, 0), 4.0);
}

TEST_P(Events, AnEventTriggersAnotherAtTheSameTime) {
  const SolveResult r = solve({event("first", "t > 1", {{"p", "3"}}), event("second", "p > 2", {{"q", "5"}})}, {2.0});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(q(r, 0), 5.0);
  ASSERT_EQ(r.trajectory.events_fired.size(), 2u);
  EXPECT_EQ(r.trajectory.events_fired[0].first, r.trajectory.events_fired[1].first);
}

TEST_P(Events, AHigherPriorityEventCancelsANonPersistentOne) {
  // Both fire at t = 1; "reset" (priority 2) makes "needs_p"'s trigger false before it executes.
  EventRule reset = event("reset", "t > 1", {{"p", "0"}});
  reset.priority = parse_expression("2", {});
  EventRule needs_p = event("needs_p", "t > 1 && p > 0.5", {{"q", "5"}});
  needs_p.priority = parse_expression("1", {});
  needs_p.persistent = false;
  const SolveResult cancelled = solve({reset, needs_p}, {2.0});
  ASSERT_TRUE(cancelled.ok()) << cancelled.message;
  EXPECT_EQ(q(cancelled, 0), 0.0);

  needs_p.persistent = true;
  const SolveResult executed = solve({reset, needs_p}, {2.0});
  ASSERT_TRUE(executed.ok()) << executed.message;
  EXPECT_EQ(q(executed, 0), 5.0);
}

TEST_P(Events, InitialValueDecidesWhetherATriggerTrueAtTheStartFires) {
  EventRule e = event("high", "x > 5", {{"q", "5"}});
  const SolveResult fires = solve({e}, {0.0, 1.0});
  ASSERT_TRUE(fires.ok()) << fires.message;
  EXPECT_EQ(q(fires, 0), 5.0);

  e.initial_value = true;
  const SolveResult waits = solve({e}, {0.0, 1.0});
  ASSERT_TRUE(waits.ok()) << waits.message;
  EXPECT_EQ(q(waits, 1), 0.0);
  EXPECT_TRUE(waits.trajectory.events_fired.empty());
}

TEST_P(Events, ANegativeDelayIsAnError) {
  EventRule e = event("bad", "t > 1", {{"q", "5"}});
  e.delay = parse_expression("-1", {});
  const SolveResult r = solve({e}, {2.0});
  EXPECT_EQ(r.status, SolveStatus::event_failed);
  EXPECT_NE(r.message.find("delay"), std::string::npos) << r.message;
}

INSTANTIATE_TEST_SUITE_P(Methods, Events, ::testing::Values(Method::rk45, Method::bdf),
                         [](const auto& info) { return info.param == Method::rk45 ? "rk45" : "bdf"; });

}  // namespace
}  // namespace engraft
