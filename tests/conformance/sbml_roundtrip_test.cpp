// Every built-in model exports to SBML L3V2 that passes libSBML's consistency checks, and
// export -> import -> simulate matches the original within 1e-8 relative.
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "engraft/formats/model_file.hpp"
#include "engraft/formats/sbml.hpp"
#include "engraft/formats/sbml_export.hpp"
#include "engraft/solve/solver.hpp"

namespace engraft {
namespace {

// Both runs use rtol 1e-12 on the same equations: 1e-8 relative is the bar. Near zero
// (a drug amount decayed to 1e-7 of its dose) the solvers' atol of 1e-14 sets the floor: 1e-12 absolute.
constexpr double relative_tolerance = 1e-8;
constexpr double absolute_floor = 1e-12;

// Starts every state away from its default (doses have no SBML counterpart, so the test
// moves the graft and drug into the initial state instead): v -> v + 0.25 * (|v| + 1).
Model perturbed(const Model& m) {
  const auto compiled = CompiledModel::compile(m);
  Workspace w = compiled->make_workspace();
  compiled->load_parameters(compiled->default_parameters(), w);
  std::vector<double> y(compiled->n_states());
  compiled->initial_state(0.0, y, w);
  Model out = m;
  for (std::size_t i = 0; i < y.size(); ++i) out.states[i].initial = Expression::number(y[i] + 0.25 * (std::abs(y[i]) + 1.0));
  return out;
}

std::vector<double> simulate(const Model& m, const std::vector<std::string>& state_order, const std::vector<double>& times) {
  const auto compiled = CompiledModel::compile(m);
  SolverOptions options;
  options.method = Method::bdf;
  options.rtol = 1e-12;
  options.atol = 1e-14;
  auto solver = make_solver(compiled, options);
  const std::vector<double> p = compiled->default_parameters();
  SolveResult r;
  solver->solve(SolveProblem{0.0, times.back(), p, nullptr, times, {}}, r);
  EXPECT_TRUE(r.ok()) << m.name << ": " << r.message;
  std::vector<double> values;
  for (std::size_t row = 0; row < r.trajectory.times.size(); ++row)
    for (const std::string& name : state_order)
      values.push_back(r.trajectory.states[row * compiled->n_states() + compiled->state_index(name)]);
  return values;
}

TEST(SbmlExport, BuiltinModelsRoundTrip) {
  for (const std::string& name : builtin_model_names()) {
    SCOPED_TRACE(name);
    const Model original = perturbed(load_model(name));
    const std::string sbml = export_sbml(original);
    const auto errors = sbml_consistency_errors(sbml);
    EXPECT_TRUE(errors.empty()) << errors.front();
    const Model imported = import_sbml_string(sbml, name + ".xml").model;
    EXPECT_EQ(imported.solver, original.solver) << "the solver hint travels in engraft's annotation";
    std::vector<std::string> states;
    for (const State& s : original.states) states.push_back(s.name);
    const std::vector<double> times = {0.0, 0.5, 1.0, 2.0, 5.0, 10.0};
    const std::vector<double> a = simulate(original, states, times), b = simulate(imported, states, times);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i)
      EXPECT_NEAR(b[i], a[i], relative_tolerance * std::abs(a[i]) + absolute_floor) << "value " << i;
  }
}

TEST(SbmlExport, EventAttributesRoundTrip) {
  Model m = load_model(builtin_model_names().front());
  EventRule e;
  e.name = "late_switch";
  e.trigger = parse_expression("t > 1", {});
  e.assignments.emplace_back(m.parameters.front().name, Expression::number(0.5));
  e.delay = parse_expression("0.25", {});
  e.priority = parse_expression("3", {});
  e.persistent = false;
  e.initial_value = true;
  e.use_values_from_trigger_time = false;
  m.events.push_back(e);
  const std::string sbml = export_sbml(m);
  const auto errors = sbml_consistency_errors(sbml);
  EXPECT_TRUE(errors.empty()) << errors.front();
  const Model imported = import_sbml_string(sbml, "events.xml").model;
  const auto it = std::find_if(imported.events.begin(), imported.events.end(),
                               [](const EventRule& r) { return r.name == "late_switch"; });
  ASSERT_NE(it, imported.events.end());
  ASSERT_TRUE(it->delay && it->priority);
  EXPECT_EQ(to_string(*it->delay), "0.25");
  EXPECT_EQ(to_string(*it->priority), "3");
  EXPECT_FALSE(it->persistent);
  EXPECT_TRUE(it->initial_value);
  EXPECT_FALSE(it->use_values_from_trigger_time);
}

}  // namespace
}  // namespace engraft
