// A model compiled once into register bytecode and shared read-only by every
// thread. Scratch memory lives in a Workspace that each thread owns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engraft/model/model.hpp"

namespace engraft {

namespace detail {
struct Program;
/// A program that computes one value into `result`.
struct ScalarProgram {
  std::unique_ptr<Program> program;
  std::uint32_t result = 0;
  ScalarProgram();
  ScalarProgram(std::unique_ptr<Program> program, std::uint32_t result);
  ScalarProgram(ScalarProgram&&) noexcept;
  ScalarProgram& operator=(ScalarProgram&&) noexcept;
  ~ScalarProgram();
};
}

/// One thread's registers for one CompiledModel: time, states, parameters,
/// assignments, observables, temporaries and constants.
class Workspace {
 public:
  Workspace() = default;

 private:
  friend class CompiledModel;
  std::vector<double> registers_;
};

/// A way into the model's states, resolved: bolus amounts are multiplied by each fraction.
struct ResolvedRoute {
  std::string name;
  std::string unit;
  std::vector<std::size_t> states;
  std::vector<std::size_t> fraction_registers;  // read with CompiledModel::route_fraction
  // Registers of the dose modifiers; nullopt = not defined by the model (lag 0, F 1).
  std::optional<std::size_t> lag_register, bioavailability_register, rate_register, duration_register;
};

/// A root function the solver must stop at: a discontinuity of the right-hand
/// side (from a comparison) or an event trigger.
struct RootInfo {
  bool is_event = false;
  std::size_t event = 0;     // index into events when is_event
  std::string text;          // the expression, for messages
};

class CompiledModel {
 public:
  /// Resolves names, orders assignments, rejects cycles and undefined symbols,
  /// and lowers everything to bytecode. Throws InputError naming the model file.
  static std::shared_ptr<const CompiledModel> compile(const Model& model);

  const Model& description() const { return model_; }
  const std::string& name() const { return model_.name; }
  std::uint64_t content_hash() const { return hash_; }

  std::size_t n_states() const { return model_.states.size(); }
  std::size_t n_parameters() const { return model_.parameters.size(); }
  std::size_t n_observables() const { return model_.observables.size(); }
  std::size_t n_roots() const { return roots_.size(); }
  std::size_t n_events() const { return model_.events.size(); }
  std::size_t n_algebraic() const { return model_.algebraic_rules.size(); }
  const std::vector<RootInfo>& roots_info() const { return roots_; }

  /// Index by name; throws InputError (with `where`) when there is none.
  std::size_t state_index(std::string_view name, const SourceLocation& where = {}) const;
  std::size_t parameter_index(std::string_view name, const SourceLocation& where = {}) const;
  std::size_t observable_index(std::string_view name, const SourceLocation& where = {}) const;
  const ResolvedRoute& route(std::string_view name, const SourceLocation& where = {}) const;
  const std::vector<ResolvedRoute>& routes() const { return routes_; }
  bool has_observable(std::string_view name) const;

  std::vector<double> default_parameters() const;
  Workspace make_workspace() const;

  /// Loads one subject's parameters and evaluates what depends on them alone.
  void load_parameters(std::span<const double> parameters, Workspace& w) const;
  /// Current (possibly event-modified) parameters.
  std::span<const double> parameters(const Workspace& w) const;
  /// A value the derive program computed (route fractions and dose modifiers).
  double route_fraction(std::size_t fraction_register, const Workspace& w) const;
  /// Initial states at time t (after load_parameters).
  void initial_state(double t, std::span<double> y, Workspace& w) const;
  void rhs(double t, const double* y, double* ydot, Workspace& w) const;
  void observe(double t, const double* y, double* out, Workspace& w) const;
  /// Root functions g(t, y): a sign change marks a discontinuity or a trigger.
  void roots(double t, const double* y, double* g, Workspace& w) const;
  /// Whether event k's trigger is true at (t, y).
  bool trigger_value(std::size_t k, double t, const double* y, Workspace& w) const;
  /// Event k's delay at (t, y) in days; 0 when it has none.
  double event_delay(std::size_t k, double t, const double* y, Workspace& w) const;
  /// Event k's priority at (t, y); -infinity when it has none.
  double event_priority(std::size_t k, double t, const double* y, Workspace& w) const;
  /// How many values event k assigns.
  std::size_t n_event_values(std::size_t k) const { return event_targets_[k].size(); }
  /// The values event k would assign at (t, y), in the order of its assignments.
  void event_values(std::size_t k, double t, const double* y, std::span<double> values, Workspace& w) const;
  /// Sets event k's targets to `values` (from event_values, possibly at an earlier time), all at
  /// once, and re-derives what depends on a changed parameter.
  void assign_event(std::size_t k, double t, std::span<const double> values, double* y, Workspace& w) const;

  ~CompiledModel();
  CompiledModel(const CompiledModel&) = delete;
  CompiledModel& operator=(const CompiledModel&) = delete;

 private:
  CompiledModel();
  friend class ModelCompiler;
  /// Sets t and the states in the registers, runs `program`, returns the registers.
  double* run_at(const detail::Program& program, double t, const double* y, Workspace& w) const;
  /// Solves the algebraic rules for their variables at the t and states in the registers.
  void solve_algebraic(double* registers) const;
  /// A least-squares step where the algebraic rules' Jacobian is singular.
  bool least_squares_step(double* registers) const;

  Model model_;
  std::uint64_t hash_ = 0;
  std::size_t n_registers_ = 0;
  std::size_t state_base_ = 1, parameter_base_ = 0, observable_base_ = 0, derivative_base_ = 0, root_base_ = 0;
  std::size_t algebraic_base_ = 0, solved_base_ = 0, residual_base_ = 0, jacobian_base_ = 0;  // solved: last solution
  /// Runs `program` at (t, y) and returns the value it leaves in `result`.
  double evaluate(const detail::ScalarProgram& program, double t, const double* y, Workspace& w) const;

  std::vector<std::pair<std::size_t, double>> constants_;
  std::unique_ptr<detail::Program> derive_, initial_, rhs_, observe_, roots_program_, residual_, jacobian_;
  std::vector<detail::ScalarProgram> triggers_;
  std::vector<std::optional<detail::ScalarProgram>> delays_, priorities_;
  std::vector<std::unique_ptr<detail::Program>> events_;    // computes event k's values into registers
  std::vector<std::vector<std::uint32_t>> event_value_registers_, event_targets_;  // per event, per assignment
  std::vector<RootInfo> roots_;
  std::vector<ResolvedRoute> routes_;
};

}  // namespace engraft
