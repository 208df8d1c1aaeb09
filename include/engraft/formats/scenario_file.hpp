// Scenario files (TOML, docs/scenario-format.md): one patient's run.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "engraft/model/compiled_model.hpp"
#include "engraft/trial/scenario.hpp"

namespace engraft {

/// Reads a scenario and checks it against its model (parameter names, routes,
/// units). Every key is known and typed; quantities are converted to the
/// model's units (per-kg and per-m² doses with the patient's weight and BSA).
/// Throws InputError with file, line and key.
Scenario read_scenario(const std::filesystem::path& file, const CompiledModel& model);

/// A scenario sent as text rather than read from a file (the web app's requests). It may name
/// only a built-in model, which `builtin` compiles (or takes from a cache): nothing is read from
/// the file system on the text's behalf. `label` stands for the file in messages.
struct TextScenario {
  std::shared_ptr<const CompiledModel> model;
  Scenario scenario;
};
TextScenario read_scenario_text(const std::string& text, const std::filesystem::path& label,
                                const std::function<std::shared_ptr<const CompiledModel>(const std::string&)>& builtin);

/// The model a scenario file names ([scenario] model) and where it says so, without reading the rest.
struct ModelReference {
  std::string name_or_path;
  SourceLocation where;
};
ModelReference scenario_model(const std::filesystem::path& file);

/// Reads the model a scenario names (built-in or relative to the scenario) and compiles it.
std::shared_ptr<const CompiledModel> load_scenario_model(const std::filesystem::path& scenario_file);

/// The built-in default: typical autologous transplant (scenarios/default.toml).
std::filesystem::path default_scenario_path();

}  // namespace engraft
