// Model files (TOML, docs/model-format.md) and the catalogue of built-in models.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engraft/model/model.hpp"

namespace engraft {

/// Reads and checks a model file; throws InputError naming file, line and key.
Model read_model_file(const std::filesystem::path& file);

/// Folder of the built-in models: $ENGRAFT_MODELS_DIR, else the source tree's
/// models/ (for a build tree), else the installed share/engraft/models.
std::filesystem::path builtin_models_dir();
std::vector<std::string> builtin_model_names();

/// A built-in name ("zhu2025_platelet") or a path to a model file; relative
/// paths are taken from `base_dir`.
Model load_model(const std::string& name_or_path, const std::filesystem::path& base_dir = {},
                 const SourceLocation& where = {});

}  // namespace engraft
