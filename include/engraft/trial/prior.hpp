// The population as a prior for one patient's parameters, in whitened coordinates:
// the random effects of the estimated parameters are eta = diag(sd) L x with L L^T their
// correlation matrix, so the prior of x is N(0, I) (truncated where the population
// truncates) and -2 log prior = x^T x + constant. A uniform parameter maps through the
// normal CDF (P = lower + (upper - lower) Phi(x)), which makes its prior N(0, 1) too.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "engraft/model/compiled_model.hpp"
#include "engraft/trial/population.hpp"

namespace engraft {

/// One coordinate's box: where the prior has mass (truncation) within the search range.
struct CoordinateBox {
  std::vector<double> lower, upper;
  bool contains(std::span<const double> x) const;
};

class Prior {
 public:
  /// Half-width of the search range of every coordinate, in prior standard deviations:
  /// the prior puts 1e-15 of its mass beyond it.
  static constexpr double search_range = 8.0;

  /// The random effects of `estimate` (every parameter with one when empty). Throws
  /// InputError at `where` for a name without a random effect, for covariates, effects
  /// or tables in the population (the fit estimates random effects only), and for bounds
  /// on a parameter whose random effect mixes several coordinates (partial correlation).
  Prior(const PopulationSpec& spec, const std::vector<std::string>& estimate, const CompiledModel& model,
        const SourceLocation& where);

  std::size_t n_coordinates() const { return n_coordinates_; }
  /// The estimated parameters, in the population file's order, and their model indices.
  const std::vector<ParameterVariability>& parameters() const { return parameters_; }
  const std::vector<std::size_t>& parameter_indices() const { return index_; }

  /// Individual parameter values: `typical` (every model parameter) with the estimated
  /// ones moved by the random effects that x gives. Others keep their typical value.
  void apply(std::span<const double> x, std::span<const double> typical, std::vector<double>& parameters) const;

  /// The coordinates' box given the typical values (truncation bounds are in parameter units).
  CoordinateBox box(std::span<const double> typical) const;

 private:
  std::vector<ParameterVariability> parameters_;
  std::vector<std::size_t> index_;
  // Per estimated parameter: for a normal or log-normal one, its row of diag(sd) L over the
  // coordinates; for a uniform one, the coordinate it reads.
  std::vector<std::vector<double>> loading_;
  std::vector<std::size_t> uniform_coordinate_;
  std::size_t n_coordinates_ = 0;
};

}  // namespace engraft
