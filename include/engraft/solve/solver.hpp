// Solvers: one per thread, reused across subjects; they never throw for
// numerical trouble, which is reported as a SolveStatus with a message.
#pragma once

#include <cstddef>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engraft/model/compiled_model.hpp"
#include "engraft/solve/event_schedule.hpp"

namespace engraft {

enum class Method {
  automatic,  // explicit Runge-Kutta; switches to BDF when stiffness is detected (as LSODA)
  rk45,       // Dormand-Prince 5(4) with 4th-order dense output
  bdf,        // SUNDIALS CVODES, BDF with Newton iteration and a dense linear solver
};

struct SolverOptions {
  Method method = Method::automatic;
  double rtol = 1e-6;
  double atol = 1e-9;          // in each state's own unit
  long max_steps = 200000;     // per solve
  // Longest step. Roots are found where a root function has changed sign between the ends of a
  // step, so a trigger that goes true and false again within one step is missed: bound the step
  // by the shortest such window when a model has one.
  double max_step_days = std::numeric_limits<double>::infinity();
};

/// Watch an observable for crossings of a threshold (both directions are reported).
struct CrossingMonitor {
  std::size_t observable = 0;
  double threshold = 0.0;
};

struct Crossing {
  std::size_t monitor = 0;
  double time_days = 0.0;
  int direction = 0;           // +1 upward, -1 downward
};

/// Values at the requested output times (row-major: one row per time).
struct Trajectory {
  std::vector<double> times;
  std::vector<double> states;        // times.size() x n_states
  std::vector<double> observables;   // times.size() x n_observables
  std::vector<Crossing> crossings;   // in time order
  std::vector<std::pair<double, std::size_t>> events_fired;  // (time, event index)
  double observable(std::size_t row, std::size_t k, std::size_t n_observables) const {
    return observables[row * n_observables + k];
  }
};

enum class SolveStatus { ok, too_much_work, accuracy_not_reached, convergence_failed, rhs_failed, event_failed };
const char* to_string(SolveStatus status);

struct SolverStats {
  long steps = 0;
  long rejected_steps = 0;
  long rhs_evaluations = 0;
  std::string method;          // what actually ran, e.g. "rk45" or "bdf (stiffness detected at t = 3.2 d)"
};

struct SolveResult {
  SolveStatus status = SolveStatus::ok;
  std::string message;
  double t_failed = 0.0;
  Trajectory trajectory;
  SolverStats stats;
  bool ok() const { return status == SolveStatus::ok; }
};

struct SolveProblem {
  double t_start_days = 0.0;
  double t_end_days = 0.0;
  std::span<const double> parameters;
  const EventSchedule* schedule = nullptr;     // may be null: no doses
  std::span<const double> output_times;        // sorted, inside [t_start, t_end]
  std::span<const CrossingMonitor> monitors;
};

class Solver {
 public:
  virtual ~Solver() = default;
  /// Fills `result` (its buffers are reused across calls).
  virtual void solve(const SolveProblem& problem, SolveResult& result) = 0;
};

std::unique_ptr<Solver> make_solver(std::shared_ptr<const CompiledModel> model, const SolverOptions& options);

}  // namespace engraft
