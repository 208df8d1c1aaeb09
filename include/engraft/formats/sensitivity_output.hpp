// What `engraft sensitivity --out DIR` writes (docs/outputs.md):
//   sobol.csv    one row per endpoint and factor: S1, ST, their bootstrap intervals, rows used
//   sobol.json   the same with the design, the factors' ranges and sources, and provenance
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engraft/formats/sensitivity_file.hpp"

namespace engraft {

/// Writes sobol.csv and sobol.json into `dir` (created if missing), staged and committed together.
void write_sensitivity_outputs(const std::filesystem::path& dir, const LoadedSensitivity& loaded,
                               const std::vector<SobolOutput>& outputs);

/// The aligned table printed on stdout.
std::string render_sensitivity_table(const LoadedSensitivity& loaded, const std::vector<SobolOutput>& outputs);

}  // namespace engraft
