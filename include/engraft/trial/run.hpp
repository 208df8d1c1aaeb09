// One patient, end to end: scenario + compiled model -> trajectory and endpoints.
#pragma once

#include <memory>
#include <vector>

#include "engraft/model/compiled_model.hpp"
#include "engraft/solve/solver.hpp"
#include "engraft/trial/endpoints.hpp"
#include "engraft/trial/scenario.hpp"

namespace engraft {

struct RunResult {
  std::vector<double> parameters;      // the values used, in model order
  SolveResult solve;
  TransplantEndpoints endpoints;
};

/// Parameter vector: the model's defaults with the scenario's overrides
/// (InputError naming the scenario line for an unknown name).
std::vector<double> resolve_parameters(const CompiledModel& model, const Scenario& scenario);

/// Output grid: whole days and every output_step_days from start to end.
std::vector<double> output_grid(const Scenario& scenario);

/// Runs one subject. Throws InputError for a scenario that does not fit the
/// model; numerical failure is reported in result.solve.
RunResult run(const std::shared_ptr<const CompiledModel>& model, const Scenario& scenario);

/// The same, with a solver the caller keeps (trials reuse one per thread).
RunResult run(const std::shared_ptr<const CompiledModel>& model, const Scenario& scenario, Solver& solver,
              const std::vector<double>& parameters);

/// The same, filling `result`, whose buffers are reused: a trial keeps one per thread, so
/// that a subject's trajectory does not cost a fresh allocation.
void run(const std::shared_ptr<const CompiledModel>& model, const Scenario& scenario, Solver& solver,
         const std::vector<double>& parameters, RunResult& result);

}  // namespace engraft
