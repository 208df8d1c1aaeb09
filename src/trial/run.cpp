#include "engraft/trial/run.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace engraft {

std::vector<double> resolve_parameters(const CompiledModel& model, const Scenario& scenario) {
  std::vector<double> values = model.default_parameters();
  for (const ParameterOverride& o : scenario.parameters) values[model.parameter_index(o.name, o.where)] = o.value;
  return values;
}

std::vector<double> output_grid(const Scenario& s) {
  std::vector<double> grid;
  const double step = s.output_step_days;
  const long n = static_cast<long>(std::floor((s.end_day - s.start_day) / step + 1e-9));
  for (long i = 0; i <= n; ++i) grid.push_back(s.start_day + static_cast<double>(i) * step);
  for (double d = std::ceil(s.start_day); d <= s.end_day; d += 1.0) grid.push_back(d);
  grid.push_back(s.end_day);
  std::sort(grid.begin(), grid.end());
  // Merge points closer than a millisecond of a day (rounding of the step grid).
  std::vector<double> merged;
  for (double t : grid)
    if (merged.empty() || t - merged.back() > 1e-8) merged.push_back(t);
    else if (std::abs(t - std::round(t)) < 1e-8) merged.back() = std::round(t);
  return merged;
}

RunResult run(const std::shared_ptr<const CompiledModel>& model, const Scenario& scenario) {
  auto solver = make_solver(model, scenario.solver);
  return run(model, scenario, *solver, resolve_parameters(*model, scenario));
}

RunResult run(const std::shared_ptr<const CompiledModel>& model, const Scenario& scenario, Solver& solver,
              const std::vector<double>& parameters) {
  RunResult result;
  run(model, scenario, solver, parameters, result);
  return result;
}

void run(const std::shared_ptr<const CompiledModel>& model, const Scenario& scenario, Solver& solver,
         const std::vector<double>& parameters, RunResult& result) {
  result.parameters = parameters;
  result.endpoints = {};
  const EventSchedule schedule = EventSchedule::build(*model, scenario.regimen, scenario.end_day);
  const std::vector<double> grid = output_grid(scenario);

  const EndpointBinding& binding = model->description().endpoints;
  EndpointInputs inputs;
  std::vector<CrossingMonitor> monitors;
  if (!binding.neutrophils.empty()) {
    inputs.anc_observable = model->observable_index(binding.neutrophils);
    inputs.anc_monitor = monitors.size();
    monitors.push_back({*inputs.anc_observable, scenario.endpoints.neutrophil_threshold});
  }
  if (!binding.platelets.empty()) {
    inputs.plt_observable = model->observable_index(binding.platelets);
    inputs.plt_monitor = monitors.size();
    monitors.push_back({*inputs.plt_observable, scenario.endpoints.platelet_threshold});
  }
  for (const Dose& d : scenario.regimen.doses)
    if (!binding.transfusion_route.empty() && d.route == binding.transfusion_route)
      for (int k = 0; k <= d.additional; ++k) inputs.transfusion_days.push_back(d.time_days + k * d.interval_days);

  SolveProblem problem;
  problem.t_start_days = scenario.start_day;
  problem.t_end_days = scenario.end_day;
  problem.parameters = result.parameters;
  problem.schedule = &schedule;
  problem.output_times = grid;
  problem.monitors = monitors;
  solver.solve(problem, result.solve);
  if (result.solve.ok())
    result.endpoints = evaluate_endpoints(result.solve.trajectory, model->n_observables(), inputs,
                                          scenario.endpoints, scenario.end_day);
}

}  // namespace engraft
