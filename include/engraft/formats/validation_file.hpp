// Validation case files (validation/*.toml, format in docs/validation-format.md).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <vector>

#include "engraft/trial/validation.hpp"

namespace engraft {

struct LoadedValidationCase {
  ValidationCase spec;
  std::map<std::string, std::shared_ptr<const CompiledModel>> models;  // per run
};

LoadedValidationCase read_validation_case(const std::filesystem::path& file);

/// validation/ beside the built-in models; every *.toml in it, sorted.
std::vector<std::filesystem::path> validation_case_files();

}  // namespace engraft
