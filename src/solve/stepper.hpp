// The one-step interface both integrators implement; the driver (driver.cpp)
// owns doses, events, root finding and output, so each integrator only steps.
#pragma once

#include <string>
#include <vector>

#include "engraft/model/compiled_model.hpp"
#include "engraft/solve/solver.hpp"

namespace engraft::detail {

/// f(t, y) of the model plus the running zero-order infusions.
struct RightHandSide {
  const CompiledModel* model = nullptr;
  Workspace* workspace = nullptr;
  const std::vector<double>* infusion_rates = nullptr;  // per state, amount per day
  bool any_infusion = false;
  long evaluations = 0;

  void operator()(double t, const double* y, double* ydot) {
    ++evaluations;
    model->rhs(t, y, ydot, *workspace);
    if (any_infusion)
      for (std::size_t i = 0; i < infusion_rates->size(); ++i) ydot[i] += (*infusion_rates)[i];
  }
};

struct StepOutcome {
  SolveStatus status = SolveStatus::ok;
  std::string message;
  double t_new = 0.0;
  bool became_stiff = false;   // the explicit method asks to be replaced
};

class Stepper {
 public:
  virtual ~Stepper() = default;
  /// Starts (or restarts after a discontinuity) from (t, y).
  virtual void reset(double t, const double* y) = 0;
  /// One accepted step, never beyond t_limit.
  virtual StepOutcome step(double t_limit) = 0;
  /// Dense output inside the last accepted step.
  virtual void interpolate(double t, double* y) = 0;
  /// The state at the end of the last accepted step.
  virtual const double* y() const = 0;
  virtual long steps() const = 0;
  virtual long rejected_steps() const = 0;
};

std::unique_ptr<Stepper> make_dormand_prince(std::size_t n, RightHandSide& f, const SolverOptions& options,
                                             bool detect_stiffness);
std::unique_ptr<Stepper> make_cvodes_bdf(std::size_t n, RightHandSide& f, const SolverOptions& options);

}  // namespace engraft::detail
