// SBML Level 3 Version 2 export of an engraft model (libSBML stays behind this header).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engraft/model/model.hpp"

namespace engraft {

/// The model as SBML L3V2: parameters (constant unless an event sets them), states as
/// non-constant parameters with rate rules and initial assignments, assignments and
/// observables as assignment rules, events with persistent triggers that fire when they
/// become true (initialValue = false, so a trigger true at the start fires at the start,
/// as engraft's do). Units, sources and descriptions go into notes, a solver hint other than
/// auto into engraft's model annotation (engraft_sbml_namespace). Dose routes have no SBML
/// counterpart and are listed in the model's notes.
std::string export_sbml(const Model& model);

/// libSBML's consistency checks on SBML text: the messages of severity error or fatal
/// (warnings, e.g. about undeclared units, are not counted).
std::vector<std::string> sbml_consistency_errors(const std::string& sbml);

}  // namespace engraft
