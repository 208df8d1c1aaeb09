// Fit files (TOML, docs/fit-format.md): a prior (a trial file's [population]), the
// patient's scenario, the patient's blood counts (CSV), the residual error and settings.
#pragma once

#include <filesystem>
#include <string>

#include "engraft/formats/trial_file.hpp"
#include "engraft/trial/fit.hpp"

namespace engraft {

struct LoadedFit {
  std::filesystem::path file;
  std::string name;
  LoadedTrial prior;                        // the trial file whose population is the prior
  std::filesystem::path observations_file;
  FitProblem problem;
  FitOptions options;                       // threads are the command line's
};

/// Reads a fit file, its prior trial file, the patient's scenario and the observations.
/// Every key is known and typed; a bad row of the observations names file, line and column.
/// Throws InputError.
LoadedFit read_fit(const std::filesystem::path& file);

/// Reads observations: a CSV file with the header day,observable,value (any order). A value
/// "<X" was below a limit of quantification X; a number below the observable's `lloq` is
/// taken as "<lloq". Blank lines and lines starting with # are skipped.
std::vector<Observation> read_observations(const std::filesystem::path& file, const CompiledModel& model,
                                           const std::vector<ResidualError>& errors);

/// Writes observations in the same format, in shortest round-trip form.
void write_observations(const std::vector<Observation>& observations, const CompiledModel& model, std::ostream& out);

}  // namespace engraft
