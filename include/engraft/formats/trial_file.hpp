// Trial files (TOML, docs/trial-format.md): a scenario, arms that change it, a
// population of virtual patients and the endpoints to summarise.
#pragma once

#include <filesystem>
#include <memory>

#include "engraft/model/compiled_model.hpp"
#include "engraft/trial/trial.hpp"

namespace engraft {

struct LoadedTrial {
  std::shared_ptr<const CompiledModel> model;
  TrialSpec spec;
  std::shared_ptr<const Population> population;   // resolved against the model (names checked)
  std::uint64_t fingerprint = 0;   // of every input file's bytes and the model: a resume must match it
};

/// Reads a trial file, its scenario, model and individual table. Every key is
/// known and typed; throws InputError with file, line and key.
LoadedTrial read_trial(const std::filesystem::path& file);

}  // namespace engraft
