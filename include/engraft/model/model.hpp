// A model as plain data: what the model file (or SBML) says, nothing evaluated.
// CompiledModel turns it into something that runs.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engraft/core/error.hpp"
#include "engraft/model/expression.hpp"

namespace engraft {

/// A number the model is built on, with its provenance.
struct Parameter {
  std::string name;
  double value = 0.0;
  std::string unit;
  std::string description;
  std::string source;        // citation, with the reference case it reproduces where there is one
  std::string uncertainty;   // e.g. "CV 42 % (IIV)", "range 0.06-1.99 across 50 patients"; empty = not known
  SourceLocation where;
};

struct State {
  std::string name;
  std::string unit;
  std::string description;
  Expression initial;        // of parameters (and derived quantities); evaluated at the start time
  SourceLocation where;
};

/// name = value, recomputed whenever it is needed. Order in the file does not matter.
struct Assignment {
  std::string name;
  Expression value;
  std::string unit;
  std::string description;
  SourceLocation where;
};

struct Derivative {
  std::string state;
  Expression rate;
  SourceLocation where;
};

/// 0 = residual, the equation that determines `variable` (an algebraic variable: neither a
/// state nor an assignment). The model is then an index-1 DAE, reduced to ODEs: the algebraic
/// variables are solved for by Newton's method wherever the model is evaluated. `guess` (of
/// parameters) starts that search at the start time; later searches start from the last solution.
struct AlgebraicRule {
  std::string variable;
  Expression residual;
  Expression guess;
  std::string unit;
  std::string description;
  SourceLocation where;
};

/// When `trigger` goes from false to true, each target (a state or a parameter) is set,
/// `delay` later when there is one (SBML's event semantics).
struct EventRule {
  std::string name;
  Expression trigger;
  std::vector<std::pair<std::string, Expression>> assignments;
  std::optional<Expression> delay;     // days, evaluated when the trigger fires; none = at once
  std::optional<Expression> priority;  // among events due at one time the highest goes first; none = last
  bool persistent = true;              // false: a pending execution is dropped when the trigger goes false
  bool initial_value = false;          // the trigger's value just before the start (true: no firing at the start)
  bool use_values_from_trigger_time = true;  // false: values are computed when the assignments execute
  SourceLocation where;
};

struct Observable {
  std::string name;
  Expression value;
  std::string unit;
  std::string description;
  SourceLocation where;
};

/// A named way into the model for doses: an amount in `unit` split over states
/// (fractions may be expressions of parameters, e.g. graft composition).
struct Route {
  std::string name;
  std::string unit;
  std::string description;
  std::vector<std::pair<std::string, Expression>> into;  // state, fraction of the dose
  // Optional dose modifiers, expressions of parameters (NONMEM's ALAG, F, R and D):
  std::optional<Expression> lag_days;         // doses take effect this much later
  std::optional<Expression> bioavailability;  // fraction of the amount that arrives (not of a given rate)
  std::optional<Expression> rate;             // amount/day, for records with RATE = -1
  std::optional<Expression> duration_days;    // for records with RATE = -2
  SourceLocation where;
};

/// Which observables the clinical endpoints read (ANC, PLT).
struct EndpointBinding {
  std::string neutrophils;   // observable in 10^9/L; empty when the model has none
  std::string platelets;     // observable in 10^9/L
  std::string transfusion_route;  // route that platelet transfusions use; empty if none
};

enum class SolverHint { automatic, nonstiff, stiff };

/// The spelling model files and engraft's SBML annotation use: "auto", "nonstiff", "stiff".
inline std::string_view to_string(SolverHint hint) {
  switch (hint) {
    case SolverHint::nonstiff: return "nonstiff";
    case SolverHint::stiff: return "stiff";
    case SolverHint::automatic: break;
  }
  return "auto";
}
inline std::optional<SolverHint> solver_hint_named(std::string_view name) {
  for (const SolverHint hint : {SolverHint::automatic, SolverHint::nonstiff, SolverHint::stiff})
    if (to_string(hint) == name) return hint;
  return std::nullopt;
}

struct Model {
  std::string name;
  std::string version;
  std::string title;
  std::string description;
  std::string time_unit = "day";
  SolverHint solver = SolverHint::automatic;
  std::vector<std::string> references;   // the validation cases it reproduces (H4, ...)
  std::vector<Parameter> parameters;
  std::vector<State> states;
  std::vector<Assignment> assignments;
  std::vector<Derivative> derivatives;
  std::vector<AlgebraicRule> algebraic_rules;
  std::vector<EventRule> events;
  std::vector<Observable> observables;
  std::vector<Route> routes;
  EndpointBinding endpoints;
  SourceLocation where;                  // the file it came from
};

}  // namespace engraft
