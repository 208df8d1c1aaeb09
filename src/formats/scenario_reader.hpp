// Pieces of the scenario and trial readers that other files reuse (an arm's doses
// and parameter changes are written as in a scenario; trial and sensitivity files
// name a scenario and endpoints alike). Private to formats/.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "engraft/model/compiled_model.hpp"
#include "engraft/trial/scenario.hpp"
#include "engraft/trial/trial.hpp"
#include "toml_reader.hpp"

namespace engraft::detail {

/// One [[dose]] table, in the route's unit (per-kg and per-m² amounts with `body`).
Dose read_dose(const TomlNode& node, const CompiledModel& model, const BodySize& body, double start_day);

/// A [parameters] table: name = value in the parameter's unit (or a quantity).
void read_parameter_overrides(const TomlNode& table, const CompiledModel& model, std::vector<ParameterOverride>& out);

/// `[...] endpoints = [...]`: names from transplant_endpoint_columns() and `course` (a trial's
/// [[endpoint]] tables). When absent: the transplant set if the model binds neutrophils or
/// platelets, and every course endpoint.
std::vector<const EndpointColumn*> read_endpoint_list(const std::optional<TomlNode>& node,
                                                      const std::vector<std::shared_ptr<const EndpointColumn>>& course,
                                                      const CompiledModel& model);

/// `scenario = "..."` of a table, relative to `dir` (it must exist); the built-in default when absent.
std::filesystem::path read_scenario_path(const TomlNode& head, const std::filesystem::path& dir);

}  // namespace engraft::detail
