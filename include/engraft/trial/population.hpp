// Virtual patients: between-subject variability of parameters (normal, log-normal,
// uniform; truncated; correlated), covariates that scale parameters, and tables of
// individual values. A patient is a pure function of (seed, patient number).
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engraft/core/error.hpp"
#include "engraft/model/compiled_model.hpp"
#include "engraft/solve/regimen.hpp"
#include "engraft/trial/random.hpp"

namespace engraft {

enum class DistributionKind {
  normal,     // value = typical + eta,          eta ~ N(0, sd^2)
  lognormal,  // value = typical * exp(eta),     eta ~ N(0, omega^2)
  uniform,    // value ~ U(lower, upper), independent of the typical value
};

/// Truncation: a draw outside [lower, upper] is redrawn (for a uniform, the range itself).
struct Bounds {
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
  bool contains(double x) const { return x >= lower && x <= upper; }
};

struct ParameterVariability {
  std::string parameter;
  DistributionKind kind = DistributionKind::lognormal;
  double sd = 0.0;          // normal: in the parameter's unit; lognormal: omega, the sd of log(value)
  Bounds bounds;
  std::string source;
  SourceLocation where;
};

/// Between-patient variation of the amount given through one route (e.g. the CD34+
/// yield of a graft), as a dimensionless factor on every dose of the arm into it:
/// lognormal: factor = exp(eta), eta ~ N(0, omega^2); normal: factor = 1 + eta,
/// eta ~ N(0, sd^2); uniform: factor ~ U(lower, upper). Bounds apply to the factor.
/// An infusion keeps its duration (its rate is scaled with its amount).
struct DoseVariability {
  std::string route;
  DistributionKind kind = DistributionKind::lognormal;
  double sd = 0.0;
  Bounds bounds;
  std::string source;
  SourceLocation where;
};
/// Correlation of two parameters' random effects (normal or log-normal only).
struct Correlation {
  std::string first, second;
  double r = 0.0;
  SourceLocation where;
};

/// Covariates: weight (kg) and age (years) are numbers; sex, disease and
/// graft_source are levels (strings).
bool is_numeric_covariate(const std::string& name);
bool is_known_covariate(const std::string& name);

struct CovariateDistribution {
  std::string name;
  DistributionKind kind = DistributionKind::normal;   // numeric covariates; a normal's sd is absolute
  double mean = 0.0, sd = 0.0;                        // lognormal: median and omega
  Bounds bounds;
  std::vector<std::pair<std::string, double>> levels; // categorical: level and probability (sum 1)
  std::string source;
  SourceLocation where;
};

/// How a covariate scales a parameter (before the random effect is applied):
///   numeric:     P = P_typical * (value / reference)^exponent   (power model, e.g. allometry)
///   categorical: P = P_typical * factor when the level matches
struct CovariateEffect {
  std::string parameter, covariate;
  double reference = 1.0, exponent = 0.0;
  std::string level;
  double factor = 1.0;
  std::string source;
  SourceLocation where;
};

/// Individual values read from a table: one row per patient. Columns name
/// model parameters (used as they are) or covariates.
struct IndividualTable {
  std::vector<std::string> parameter_columns, covariate_columns;
  std::vector<std::vector<double>> parameter_rows;          // rows x parameter_columns
  std::vector<std::vector<std::string>> covariate_rows;     // rows x covariate_columns, as written
  std::filesystem::path file;
};

struct PopulationSpec {
  std::vector<ParameterVariability> parameters;
  std::vector<Correlation> correlations;
  std::vector<CovariateDistribution> covariates;
  std::vector<CovariateEffect> effects;
  std::vector<DoseVariability> doses;
  std::optional<IndividualTable> table;
};

struct CovariateValue {
  std::string name;
  double number = 0.0;     // numeric covariates
  std::string level;       // categorical covariates
};

struct Subject {
  std::uint64_t patient = 0;
  std::vector<CovariateValue> covariates;
  std::vector<double> parameters;     // every model parameter, in model order
  std::vector<double> dose_factors;   // one per PopulationSpec::doses entry
  std::string failure;                // non-empty: no valid draw (e.g. truncation rejected every try)
};

/// A population resolved against one model: names are indices, the correlation
/// matrix is factorised once. Immutable and shared by every thread.
class Population {
 public:
  /// Throws InputError (at the spec's locations) for unknown names, a correlation
  /// of a uniform parameter or a matrix that is not positive semi-definite.
  Population(const PopulationSpec& spec, const CompiledModel& model, std::uint64_t seed);

  /// Patient `patient` given the arm's typical parameter values: covariates first,
  /// then covariate effects, random effects and the table's individual values.
  Subject subject(std::uint64_t patient, std::span<const double> typical) const;

  /// Parameters that vary between patients (random effect, covariate or table), in model order.
  const std::vector<std::size_t>& varying_parameters() const { return varying_; }
  /// The subject's doses: every dose into a route of PopulationSpec::doses scaled by its factor.
  void apply_dose_factors(const Subject& subject, Regimen& regimen) const;
  const PopulationSpec& spec() const { return spec_; }
  std::uint64_t seed() const { return seed_; }

 private:
  std::vector<CovariateValue> covariates(RandomStream& random, std::uint64_t patient, bool& ok) const;
  void apply_covariate_effects(const std::vector<CovariateValue>& covariates, std::vector<double>& parameters) const;
  void apply_random_effects(RandomStream& random, std::vector<double>& parameters, bool& ok) const;

  PopulationSpec spec_;
  std::uint64_t seed_;
  std::vector<std::size_t> random_index_;      // model index of each ParameterVariability
  std::vector<std::size_t> effect_index_;      // model index of each CovariateEffect's parameter
  std::vector<std::size_t> table_index_;       // model index of each table parameter column
  std::vector<std::size_t> gaussian_;          // which ParameterVariability are normal/log-normal
  std::vector<double> cholesky_;               // lower triangle of the correlation matrix, row-major
  std::vector<std::size_t> varying_;
};

/// Lower-triangular L with L L^T = a (n x n, row-major) for a symmetric positive
/// semi-definite a: a pivot below tolerance is taken as an exact zero (a perfect
/// correlation); nullopt if a is not positive semi-definite.
std::optional<std::vector<double>> cholesky_semidefinite(const std::vector<double>& a, std::size_t n);

}  // namespace engraft
