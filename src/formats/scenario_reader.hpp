// Pieces of the scenario reader that trial files reuse (an arm's doses and
// parameter changes are written as in a scenario). Private to formats/.
#pragma once

#include <vector>

#include "engraft/model/compiled_model.hpp"
#include "engraft/trial/scenario.hpp"
#include "toml_reader.hpp"

namespace engraft::detail {

/// One [[dose]] table, in the route's unit (per-kg and per-m² amounts with `body`).
Dose read_dose(const TomlNode& node, const CompiledModel& model, const BodySize& body, double start_day);

/// A [parameters] table: name = value in the parameter's unit (or a quantity).
void read_parameter_overrides(const TomlNode& table, const CompiledModel& model, std::vector<ParameterOverride>& out);

}  // namespace engraft::detail
