// Sensitivity of transplant endpoints to model parameters and doses: a scenario,
// factors with ranges, and the Sobol' indices of each endpoint (trial/sobol.hpp).
// formats/sensitivity_file.hpp reads it from a file (docs/sensitivity-format.md).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engraft/model/compiled_model.hpp"
#include "engraft/trial/scenario.hpp"
#include "engraft/trial/sobol.hpp"
#include "engraft/trial/trial.hpp"

namespace engraft {

/// What a factor sets: a model parameter, or the amount of every dose of a route
/// (e.g. the CD34+ cells/kg of the graft).
enum class FactorTarget { parameter, dose };

/// u in [0, 1) maps to lower + u (upper - lower) (uniform), or to
/// lower (upper / lower)^u (log-uniform: uniform in log(value); 0 < lower).
enum class FactorScale { uniform, log_uniform };

struct SensitivityFactor {
  std::string name;                  // the parameter or the route
  FactorTarget target = FactorTarget::parameter;
  FactorScale scale = FactorScale::uniform;
  double lower = 0.0, upper = 1.0;   // in the parameter's or the route's unit; lower < upper
  std::string unit;
  std::string source;                // where the range comes from
  SourceLocation where;
  /// The factor's value at u in [0, 1).
  double value_at(double u) const;
  /// "viability" for a parameter, "dose.graft" for a route's doses.
  std::string label() const;
};

struct SensitivitySpec {
  std::string name, description;
  std::filesystem::path file;
  Scenario scenario;
  std::vector<SensitivityFactor> factors;            // 1 to max_sobol_factors
  std::vector<const EndpointColumn*> endpoints;
  /// Per endpoint: the value given to a subject who does not reach it, or nullopt
  /// to drop every base row with such a subject (SobolOutput::rows_used counts the rest).
  std::vector<std::optional<double>> not_reached;
  SobolOptions sobol;                                // samples, bootstrap, seed (threads: the caller's)
};

/// Sobol' indices of every endpoint (spec.endpoints order) to every factor. A subject
/// whose solve fails is missing for every endpoint (its base rows are dropped).
std::vector<SobolOutput> run_sensitivity(const std::shared_ptr<const CompiledModel>& model, const SensitivitySpec& spec);

}  // namespace engraft
