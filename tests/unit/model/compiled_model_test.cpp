#include "engraft/model/compiled_model.hpp"

#include <cmath>
#include <map>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace engraft {
namespace {

Expression ex(const std::string& text) { return parse_expression(text, {}); }

Model small_model() {
  Model m;
  m.name = "test";
  m.where.file = "test.toml";
  for (auto [name, value] : std::vector<std::pair<std::string, double>>{{"k", 0.7}, {"a", 2.0}, {"thr", 1.5}})
    m.parameters.push_back(Parameter{name, value, "1", "", "test", "", {}});
  m.states.push_back(State{"x", "1", "", ex("a"), {}});
  m.states.push_back(State{"y", "1", "", ex("0"), {}});
  m.assignments.push_back(Assignment{"s", ex("1 / (1 + k * x)"), "1", "", {}});
  m.assignments.push_back(Assignment{"twice_k", ex("2 * k"), "1", "", {}});  // parameters only: derived once
  m.derivatives.push_back(Derivative{"x", ex("-twice_k * x * s + if(t > 3, 1, 0)"), {}});
  m.derivatives.push_back(Derivative{"y", ex("x ^ 2 - y ^ 0.5 + max(x, y, 0.1) + factorial(floor(y))"), {}});
  m.observables.push_back(Observable{"total", ex("x + y"), "1", "", {}});
  EventRule bump;
  bump.name = "bump";
  bump.trigger = ex("x < thr");
  bump.assignments = {{"y", ex("y + 1")}, {"k", ex("k / 2")}};
  m.events.push_back(bump);
  return m;
}

// The compiled bytecode must agree with the tree-walking oracle on random inputs. The compiler
// reorders products and hoists constant factors, which changes rounding by a few ulp: 1e-13 relative.
constexpr double reassociation_tolerance = 1e-13;

TEST(CompiledModel, MatchesTreeWalkingOracle) {
  const Model m = small_model();
  const auto model = CompiledModel::compile(m);
  Workspace w = model->make_workspace();
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> u(0.01, 5.0);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<double> p = {u(rng), u(rng), u(rng)};
    model->load_parameters(p, w);
    const double t = u(rng), y[2] = {u(rng), u(rng)};
    double ydot[2];
    model->rhs(t, y, ydot, w);
    std::map<std::string, double> v = {{"k", p[0]}, {"a", p[1]}, {"thr", p[2]}, {"x", y[0]}, {"y", y[1]}, {"t", t}};
    v["s"] = evaluate(m.assignments[0].value, [&](const std::string& n) { return v.at(n); });
    v["twice_k"] = 2 * p[0];
    const auto lookup = [&](const std::string& n) { return v.at(n); };
    for (int i = 0; i < 2; ++i) {
      const double expected = evaluate(m.derivatives[i].rate, lookup);
      EXPECT_NEAR(ydot[i], expected, reassociation_tolerance * std::max(1.0, std::abs(expected)));
    }
    double total;
    model->observe(t, y, &total, w);
    EXPECT_EQ(total, y[0] + y[1]);
  }
}

TEST(CompiledModel, RootsCoverComparisonsAndEvents) {
  const auto model = CompiledModel::compile(small_model());
  ASSERT_EQ(model->n_roots(), 2u);  // the t > 3 switch, then the event trigger
  EXPECT_FALSE(model->roots_info()[0].is_event);
  EXPECT_TRUE(model->roots_info()[1].is_event);
  Workspace w = model->make_workspace();
  model->load_parameters(model->default_parameters(), w);
  double y[2] = {1.0, 0.0}, g[2];
  model->roots(2.5, y, g, w);
  EXPECT_DOUBLE_EQ(g[0], 2.5 - 3.0);
  EXPECT_DOUBLE_EQ(g[1], 1.5 - 1.0);  // x < thr  ->  thr - x > 0 when true
}

TEST(CompiledModel, EventAssignsSimultaneouslyAndRederives) {
  const auto model = CompiledModel::compile(small_model());
  Workspace w = model->make_workspace();
  model->load_parameters(model->default_parameters(), w);
  double y[2] = {1.0, 4.0};
  std::vector<double> values(model->n_event_values(0));
  model->event_values(0, 1.0, y, values, w);
  y[1] = 10.0;  // values computed earlier (at trigger time) are assigned as they were
  model->assign_event(0, 1.0, values, y, w);
  EXPECT_DOUBLE_EQ(y[1], 5.0);
  EXPECT_DOUBLE_EQ(model->parameters(w)[0], 0.35);
  double ydot[2];
  model->rhs(1.0, y, ydot, w);  // twice_k follows the new k
  EXPECT_NEAR(ydot[0], -0.7 * 1.0 / (1 + 0.35), 1e-15);
}

TEST(CompiledModel, RejectsBrokenModels) {
  Model cycle = small_model();
  cycle.assignments.push_back(Assignment{"p", ex("q + 1"), "", "", {}});
  cycle.assignments.push_back(Assignment{"q", ex("p * 2"), "", "", {}});
  EXPECT_THROW(CompiledModel::compile(cycle), InputError);

  Model undefined = small_model();
  undefined.derivatives[0].rate = ex("-kk * x");
  EXPECT_THROW(CompiledModel::compile(undefined), InputError);

  Model missing_ode = small_model();
  missing_ode.derivatives.pop_back();
  EXPECT_THROW(CompiledModel::compile(missing_ode), InputError);

  Model duplicate = small_model();
  duplicate.assignments.push_back(Assignment{"k", ex("1"), "", "", {}});
  EXPECT_THROW(CompiledModel::compile(duplicate), InputError);

  Model reserved = small_model();
  reserved.parameters.push_back(Parameter{"t", 1.0, "1", "", "x", "", {}});
  EXPECT_THROW(CompiledModel::compile(reserved), InputError);

  // a1 = x * x, a2 = a1 * a1, ...: the residual inlined is a tree of 2^40 nodes.
  Model exploding = small_model();
  exploding.assignments.push_back(Assignment{"a1", ex("x * x"), "", "", {}});
  for (int i = 2; i <= 40; ++i)
    exploding.assignments.push_back(Assignment{"a" + std::to_string(i), ex("a" + std::to_string(i - 1) + " * a" + std::to_string(i - 1)), "", "", {}});
  exploding.algebraic_rules.push_back(AlgebraicRule{"z", ex("z - a40"), ex("0"), "", "", {}});
  EXPECT_THROW(CompiledModel::compile(exploding), InputError);
}

}  // namespace
}  // namespace engraft

namespace engraft {
namespace {

// Constants are pooled by bit pattern: NaN (a piecewise without otherwise) must not
// stand for, or be stood for by, another constant.
TEST(CompiledModel, NanConstantKeepsItsOwnRegister) {
  Model m;
  m.name = "nan";
  m.states.push_back(State{"x", "1", "", Expression::number(2.0), {}});
  m.derivatives.push_back(Derivative{"x", parse_expression("piecewise(3, t < 0) + 0 * x", {}), {}});
  m.observables.push_back(Observable{"y", parse_expression("x + 7", {}), "1", "", {}});
  const auto model = CompiledModel::compile(m);
  Workspace w = model->make_workspace();
  model->load_parameters({}, w);
  const double x = 2.0;
  double ydot = 0.0, y = 0.0;
  model->rhs(1.0, &x, &ydot, w);
  model->observe(1.0, &x, &y, w);
  EXPECT_TRUE(std::isnan(ydot));
  EXPECT_EQ(y, 9.0);
}

}  // namespace
}  // namespace engraft
