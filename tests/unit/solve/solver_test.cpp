// One test body for every integrator (rk45, bdf, automatic) on problems with
// closed-form solutions: bolus, infusion on/off, discontinuities, roots, events.
#include "engraft/solve/solver.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace engraft {
namespace {

// rtol 1e-9 on solutions of order 1..100 leaves errors ~1e-7 absolute; 1e-6 relative is safe
// for the explicit method and for BDF (whose error constants are larger).
constexpr double value_tolerance = 1e-6;
// Roots are located to 1e-10 d on dense output whose error is ~rtol: 1e-6 d is safe.
constexpr double time_tolerance = 1e-6;

Model decay_model(const std::string& rate = "-k * x") {
  Model m;
  m.name = "decay";
  m.parameters.push_back(Parameter{"k", 0.5, "1/d", "", "test", "", {}});
  m.parameters.push_back(Parameter{"thr", 2.0, "1", "", "test", "", {}});
  m.states.push_back(State{"x", "mg", "", Expression::number(0.0), {}});
  m.derivatives.push_back(Derivative{"x", parse_expression(rate, {}), {}});
  m.observables.push_back(Observable{"conc", parse_expression("x", {}), "mg", "", {}});
  Route iv;
  iv.name = "iv";
  iv.unit = "mg";
  iv.into = {{"x", Expression::number(1.0)}};
  m.routes.push_back(iv);
  return m;
}

class SolverConformance : public ::testing::TestWithParam<Method> {
 protected:
  SolveResult solve(const Model& m, const Regimen& regimen, std::vector<double> times, double t_end,
                    std::vector<CrossingMonitor> monitors = {}) {
    model_ = CompiledModel::compile(m);
    SolverOptions o;
    o.method = GetParam();
    o.rtol = 1e-9;
    o.atol = 1e-12;
    auto solver = make_solver(model_, o);
    schedule_ = EventSchedule::build(*model_, regimen, t_end);
    times_ = std::move(times);
    monitors_ = std::move(monitors);
    parameters_ = model_->default_parameters();
    SolveResult r;
    solver->solve(SolveProblem{0.0, t_end, parameters_, &schedule_, times_, monitors_}, r);
    return r;
  }
  std::shared_ptr<const CompiledModel> model_;
  EventSchedule schedule_;
  std::vector<double> times_, parameters_;
  std::vector<CrossingMonitor> monitors_;
};

TEST_P(SolverConformance, RepeatedBolusDecays) {
  Regimen r;
  r.doses.push_back(Dose{.time_days = 0.0, .route = "iv", .amount = 100.0, .interval_days = 2.0, .additional = 1, .where = {}});  // day 0 and day 2
  const SolveResult res = solve(decay_model(), r, {0.0, 1.0, 2.0, 3.5, 10.0}, 10.0);
  ASSERT_TRUE(res.ok()) << res.message;
  const auto exact = [](double t) { return 100 * std::exp(-0.5 * t) + (t >= 2 ? 100 * std::exp(-0.5 * (t - 2)) : 0.0); };
  ASSERT_EQ(res.trajectory.times.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i)
    EXPECT_NEAR(res.trajectory.states[i], exact(res.trajectory.times[i]), value_tolerance * exact(res.trajectory.times[i]))
        << "t = " << res.trajectory.times[i];
}

TEST_P(SolverConformance, InfusionStartsAndStops) {
  Regimen r;
  r.doses.push_back(Dose{.time_days = 1.0, .route = "iv", .amount = 40.0, .duration_days = 2.0, .where = {}});  // 20 mg/d from day 1 to day 3
  const SolveResult res = solve(decay_model(), r, {1.0, 2.0, 3.0, 6.0}, 6.0);
  ASSERT_TRUE(res.ok()) << res.message;
  const double k = 0.5, rate = 20.0;
  const auto during = [&](double t) { return rate / k * (1 - std::exp(-k * (t - 1))); };
  const double expected[] = {0.0, during(2.0), during(3.0), during(3.0) * std::exp(-k * 3.0)};
  for (std::size_t i = 0; i < 4; ++i)
    EXPECT_NEAR(res.trajectory.states[i], expected[i], value_tolerance * std::max(1.0, expected[i]));
}

TEST_P(SolverConformance, InfusionLongAfterWashoutStarts) {
  // Fuzz finding F11: an infusion into a state that has decayed to ~1e-11 at t ~ 40 d made the
  // first step estimate smaller than the too-small bar, so the solve failed before its first step.
  Regimen r;
  r.doses.push_back(Dose{.time_days = 0.0, .route = "iv", .amount = 100.0, .where = {}});
  r.doses.push_back(Dose{.time_days = 60.0, .route = "iv", .amount = 20.0, .duration_days = 1.0, .where = {}});
  const SolveResult res = solve(decay_model(), r, {60.0, 61.0}, 61.0);
  ASSERT_TRUE(res.ok()) << res.message;
  const double k = 0.5;
  const double left = 100 * std::exp(-k * 60.0);  // 9.4e-12 mg
  EXPECT_NEAR(res.trajectory.states[0], left, 1e-12);
  const double expected = left * std::exp(-k) + 20.0 / k * (1 - std::exp(-k));
  EXPECT_NEAR(res.trajectory.states[1], expected, value_tolerance * expected);
}

TEST_P(SolverConformance, CrossingsAreRootFound) {
  Regimen r;
  r.doses.push_back(Dose{.time_days = 0.0, .route = "iv", .amount = 10.0, .where = {}});
  const SolveResult res = solve(decay_model(), r, {0.0, 5.0}, 5.0, {{0, 2.0}});
  ASSERT_TRUE(res.ok()) << res.message;
  ASSERT_EQ(res.trajectory.crossings.size(), 1u);
  EXPECT_EQ(res.trajectory.crossings[0].direction, -1);
  EXPECT_NEAR(res.trajectory.crossings[0].time_days, std::log(10.0 / 2.0) / 0.5, time_tolerance);
}

TEST_P(SolverConformance, ComparisonInRightHandSideIsAnExactSwitch) {
  // x' = if(t > 3, 1, 0): x(t) = max(0, t - 3)
  const SolveResult res = solve(decay_model("if(t > 3, 1, 0)"), {}, {2.0, 3.0, 3.25, 7.0}, 7.0);
  ASSERT_TRUE(res.ok()) << res.message;
  EXPECT_NEAR(res.trajectory.states[1], 0.0, 1e-9);
  EXPECT_NEAR(res.trajectory.states[2], 0.25, value_tolerance);
  EXPECT_NEAR(res.trajectory.states[3], 4.0, value_tolerance * 4);
}

TEST_P(SolverConformance, EventFiresOnceWhenTriggerBecomesTrue) {
  Model m = decay_model();
  EventRule redose;
  redose.name = "redose";
  redose.trigger = parse_expression("x < thr", {});
  redose.assignments = {{"x", parse_expression("x + 8", {})}};
  m.events.push_back(redose);
  Regimen r;
  r.doses.push_back(Dose{.time_days = 0.0, .route = "iv", .amount = 10.0, .where = {}});
  const SolveResult res = solve(m, r, {6.0}, 6.0);
  ASSERT_TRUE(res.ok()) << res.message;
  const double t1 = std::log(5.0) / 0.5;  // x reaches 2, jumps to 10, reaches 2 again at 2*t1
  ASSERT_GE(res.trajectory.events_fired.size(), 1u);
  EXPECT_NEAR(res.trajectory.events_fired[0].first, t1, time_tolerance);
  const double expected = 10.0 * std::exp(-0.5 * (6.0 - t1));
  EXPECT_NEAR(res.trajectory.states[0], expected, value_tolerance * expected);
  EXPECT_EQ(res.trajectory.events_fired.size(), 1u);  // 2*t1 = 6.44 > 6
}

TEST_P(SolverConformance, OutputsDoNotDependOnRequestedTimes) {
  Regimen r;
  r.doses.push_back(Dose{.time_days = 0.0, .route = "iv", .amount = 100.0, .where = {}});
  const SolveResult coarse = solve(decay_model("-k * x / (1 + x / 50)"), r, {4.0}, 4.0);
  std::vector<double> fine;
  for (int i = 0; i <= 400; ++i) fine.push_back(i * 0.01);
  const SolveResult dense = solve(decay_model("-k * x / (1 + x / 50)"), r, fine, 4.0);
  ASSERT_TRUE(coarse.ok() && dense.ok());
  EXPECT_EQ(coarse.trajectory.states.back(), dense.trajectory.states.back());
}

TEST_P(SolverConformance, FailureIsReportedNotThrown) {
  // x' = 1 / (2 - t) - blows up at t = 2.
  const SolveResult res = solve(decay_model("1 / (2 - t)^2"), {}, {3.0}, 3.0);
  EXPECT_FALSE(res.ok());
  EXPECT_FALSE(res.message.empty());
  EXPECT_LT(res.t_failed, 2.0 + 1e-6);
}

// x' = -k x (x0 = 4 mg) with y determined by an algebraic rule: y follows x at every output.
Model decay_with_algebraic(const std::string& residual, double guess) {
  Model m = decay_model();
  m.states[0].initial = Expression::number(4.0);
  m.algebraic_rules.push_back(AlgebraicRule{"y", parse_expression(residual, {}), Expression::number(guess), "", "", {}});
  m.observables.push_back(Observable{"y_out", parse_expression("y", {}), "", "", {}});
  return m;
}

TEST_P(SolverConformance, LinearAlgebraicRuleIsSolvedAtEveryOutput) {
  // 0 = y - 2x: y(t) = 8 exp(-t/2), whatever the guess (Newton is exact in one step).
  const SolveResult res = solve(decay_with_algebraic("y - 2 * x", -3.0), {}, {0.0, 1.0, 4.0}, 4.0);
  ASSERT_TRUE(res.ok()) << res.message;
  for (std::size_t row = 0; row < 3; ++row) {
    const double expected = 8.0 * std::exp(-0.5 * res.trajectory.times[row]);
    EXPECT_NEAR(res.trajectory.observable(row, 1, 2), expected, value_tolerance * expected);
  }
}

TEST_P(SolverConformance, NonlinearAlgebraicRuleFollowsTheRootNearTheGuess) {
  // 0 = y^2 - x has roots +-sqrt(x); from the guess 1 Newton finds y = 2 exp(-t/4) at the start
  // and, warm-started, stays on that branch.
  const SolveResult res = solve(decay_with_algebraic("y ^ 2 - x", 1.0), {}, {0.0, 2.0, 6.0}, 6.0);
  ASSERT_TRUE(res.ok()) << res.message;
  for (std::size_t row = 0; row < 3; ++row) {
    const double expected = 2.0 * std::exp(-0.25 * res.trajectory.times[row]);
    EXPECT_NEAR(res.trajectory.observable(row, 1, 2), expected, value_tolerance * expected);
  }
}

TEST_P(SolverConformance, NewtonConvergesRelativeToTheSolutionNotToUnits) {
  // 0 = y^2 - 1e-24 from the guess 1: Newton halves y for about 40 steps before it converges
  // quadratically to 1e-12; an absolute stopping rule would stop near 1e-9.
  const SolveResult res = solve(decay_with_algebraic("y ^ 2 - 1e-24", 1.0), {}, {0.0, 1.0}, 1.0);
  ASSERT_TRUE(res.ok()) << res.message;
  for (std::size_t row = 0; row < 2; ++row) EXPECT_NEAR(res.trajectory.observable(row, 1, 2), 1e-12, 1e-12 * value_tolerance);
}

TEST_P(SolverConformance, SingularJacobianAtTheGuessTakesALeastSquaresStep) {
  // 0 = y k + 6 x and 0 = k + 3: at the guess k = 0 the Jacobian [[k, y], [0, 1]] is singular.
  // The least-squares step moves k alone; then Newton finds k = -3, y = 2x = 8 exp(-t/2).
  Model m = decay_with_algebraic("y * kk + 6 * x", 1.0);
  m.algebraic_rules.push_back(AlgebraicRule{"kk", parse_expression("kk + 3", {}), Expression::number(0.0), "", "", {}});
  const SolveResult res = solve(m, {}, {0.0, 2.0}, 2.0);
  ASSERT_TRUE(res.ok()) << res.message;
  for (std::size_t row = 0; row < 2; ++row) {
    const double expected = 8.0 * std::exp(-0.5 * res.trajectory.times[row]);
    EXPECT_NEAR(res.trajectory.observable(row, 1, 2), expected, value_tolerance * expected);
  }
}

TEST_P(SolverConformance, AlgebraicRuleWithoutSolutionGivesNoValue) {
  // 0 = y^2 + 1 + x has no real root: y is NaN (x' does not read y, so the solve itself succeeds).
  const SolveResult res = solve(decay_with_algebraic("y ^ 2 + 1 + x", 1.0), {}, {1.0}, 1.0);
  ASSERT_TRUE(res.ok()) << res.message;
  EXPECT_TRUE(std::isnan(res.trajectory.observable(0, 1, 2)));
}

TEST_P(SolverConformance, AlgebraicRuleWithoutSolutionFailsTheSolveThatReadsIt) {
  Model m = decay_with_algebraic("y ^ 2 + 1 + x", 1.0);
  m.derivatives[0].rate = parse_expression("-k * y", {});
  const SolveResult res = solve(m, {}, {1.0}, 1.0);
  EXPECT_FALSE(res.ok());
}

INSTANTIATE_TEST_SUITE_P(AllMethods, SolverConformance,
                         ::testing::Values(Method::rk45, Method::bdf, Method::automatic),
                         [](const auto& info) {
                           return info.param == Method::rk45 ? std::string("rk45")
                                  : info.param == Method::bdf ? std::string("bdf") : std::string("automatic");
                         });

TEST(Solver, StiffProblemSwitchesToBdf) {
  // Robertson-like stiff linear system: fast and slow decay (eigenvalues -1e4 and -1).
  Model m;
  m.name = "stiff";
  m.states.push_back(State{"a", "1", "", Expression::number(1.0), {}});
  m.states.push_back(State{"b", "1", "", Expression::number(1.0), {}});
  m.derivatives.push_back(Derivative{"a", parse_expression("-10000 * (a - b)", {}), {}});
  m.derivatives.push_back(Derivative{"b", parse_expression("-b", {}), {}});
  auto model = CompiledModel::compile(m);
  auto solver = make_solver(model, SolverOptions{});
  std::vector<double> times = {10.0};
  SolveResult res;
  solver->solve(SolveProblem{0.0, 10.0, {}, nullptr, times, {}}, res);
  ASSERT_TRUE(res.ok()) << res.message;
  EXPECT_NE(res.stats.method.find("bdf"), std::string::npos) << res.stats.method;
  // Default rtol 1e-6: global error over ten time constants stays well below 1e-4 relative.
  EXPECT_NEAR(res.trajectory.states[1], std::exp(-10.0), 1e-4 * std::exp(-10.0));
}

}  // namespace
}  // namespace engraft
