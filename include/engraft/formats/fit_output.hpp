// What `engraft fit --out DIR` writes (docs/outputs.md#outputs-of-engraft-fit):
//   fit.json       MAP, posterior and prior of each parameter, convergence, Laplace diagnostics,
//                  forecast quantiles, observations, provenance
//   forecast.csv   one row per endpoint and distribution (posterior, prior)
// Both are staged and committed together: on error neither is left behind.
#pragma once

#include <filesystem>
#include <string>

#include "engraft/formats/fit_file.hpp"

namespace engraft {

void write_fit_outputs(const std::filesystem::path& dir, const LoadedFit& fit, const FitResult& result);

/// The readable report printed on stdout.
std::string render_fit_report(const LoadedFit& fit, const FitResult& result);

}  // namespace engraft
