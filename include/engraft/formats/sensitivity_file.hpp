// Sensitivity files (TOML, docs/sensitivity-format.md): a scenario, factors with
// sourced ranges, endpoints, and the size of the Sobol' design.
#pragma once

#include <filesystem>
#include <memory>

#include "engraft/model/compiled_model.hpp"
#include "engraft/trial/sensitivity.hpp"

namespace engraft {

struct LoadedSensitivity {
  std::shared_ptr<const CompiledModel> model;
  SensitivitySpec spec;
};

/// Reads a sensitivity file, its scenario and model. Every key is known and typed;
/// throws InputError with file, line and key.
LoadedSensitivity read_sensitivity(const std::filesystem::path& file);

}  // namespace engraft
