#include "engraft/trial/prior.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace engraft {

namespace {
double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }
}  // namespace

bool CoordinateBox::contains(std::span<const double> x) const {
  for (std::size_t k = 0; k < x.size(); ++k)
    if (!(x[k] >= lower[k] && x[k] <= upper[k])) return false;
  return true;
}

Prior::Prior(const PopulationSpec& spec, const std::vector<std::string>& estimate, const CompiledModel& model,
             const SourceLocation& where) {
  if (!spec.covariates.empty() || !spec.effects.empty() || spec.table)
    throw InputError(where, "a prior population with random effects only",
                     "covariates, covariate effects or an individual table",
                     "a fit estimates random effects; give the patient's covariate-adjusted values as scenario parameters");
  if (estimate.empty()) {
    parameters_ = spec.parameters;
  } else {
    for (const std::string& name : estimate) {
      const auto it = std::find_if(spec.parameters.begin(), spec.parameters.end(),
                                   [&](const ParameterVariability& v) { return v.parameter == name; });
      if (it == spec.parameters.end())
        throw InputError(where, "parameters with a random effect in the prior's [population.parameters]", "'" + name + "'");
      parameters_.push_back(*it);
    }
  }
  if (parameters_.empty()) throw InputError(where, "a prior with at least one random effect", "none");
  for (const ParameterVariability& v : parameters_) index_.push_back(model.parameter_index(v.parameter, v.where));

  // Correlations among the estimated normal and log-normal random effects (their marginal prior).
  std::vector<std::size_t> gaussian;
  for (std::size_t i = 0; i < parameters_.size(); ++i)
    if (parameters_[i].kind != DistributionKind::uniform) gaussian.push_back(i);
  const std::size_t n = gaussian.size();
  const auto position = [&](const std::string& name) {
    for (std::size_t g = 0; g < n; ++g)
      if (parameters_[gaussian[g]].parameter == name) return g;
    return n;
  };
  std::vector<double> r(n * n, 0.0);
  for (std::size_t g = 0; g < n; ++g) r[g * n + g] = 1.0;
  for (const Correlation& c : spec.correlations) {
    const std::size_t i = position(c.first), j = position(c.second);
    if (i < n && j < n) r[i * n + j] = r[j * n + i] = c.r;
  }
  const auto l = cholesky_semidefinite(r, n);
  if (!l) throw InputError(where, "correlations that form a positive semi-definite matrix", "a negative eigenvalue");

  // A zero pivot means a perfectly correlated effect: it adds no coordinate of its own.
  std::vector<std::size_t> coordinate_of_column(n, n);
  for (std::size_t c = 0; c < n; ++c)
    if ((*l)[c * n + c] > 0.0) coordinate_of_column[c] = n_coordinates_++;
  loading_.assign(parameters_.size(), {});
  uniform_coordinate_.assign(parameters_.size(), 0);
  for (std::size_t g = 0; g < n; ++g) {
    const ParameterVariability& v = parameters_[gaussian[g]];
    std::vector<double>& row = loading_[gaussian[g]];
    row.assign(n_coordinates_, 0.0);
    for (std::size_t c = 0; c <= g; ++c)
      if (coordinate_of_column[c] < n) row[coordinate_of_column[c]] = v.sd * (*l)[g * n + c];
    const bool bounded = std::isfinite(v.bounds.lower) || std::isfinite(v.bounds.upper);
    if (bounded && std::count_if(row.begin(), row.end(), [](double w) { return w != 0.0; }) > 1)
      throw InputError(v.where, "truncation bounds only on a random effect that is uncorrelated or perfectly correlated",
                       "bounds on a partially correlated one", "a fit keeps bounds as a box of its coordinates");
  }
  for (std::size_t i = 0; i < parameters_.size(); ++i)
    if (parameters_[i].kind == DistributionKind::uniform) uniform_coordinate_[i] = n_coordinates_++;
  for (std::size_t g : gaussian) loading_[g].resize(n_coordinates_, 0.0);   // uniform coordinates do not load
}

void Prior::apply(std::span<const double> x, std::span<const double> typical, std::vector<double>& parameters) const {
  parameters.assign(typical.begin(), typical.end());
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    const ParameterVariability& v = parameters_[i];
    double& value = parameters[index_[i]];
    if (v.kind == DistributionKind::uniform) {
      value = v.bounds.lower + (v.bounds.upper - v.bounds.lower) * normal_cdf(x[uniform_coordinate_[i]]);
      continue;
    }
    double eta = 0.0;
    for (std::size_t k = 0; k < n_coordinates_; ++k) eta += loading_[i][k] * x[k];
    value = v.kind == DistributionKind::lognormal ? value * std::exp(eta) : value + eta;
  }
}

CoordinateBox Prior::box(std::span<const double> typical) const {
  CoordinateBox box{std::vector<double>(n_coordinates_, -search_range), std::vector<double>(n_coordinates_, search_range)};
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    const ParameterVariability& v = parameters_[i];
    if (v.kind == DistributionKind::uniform) continue;  // its bounds are the support of Phi
    const auto k = static_cast<std::size_t>(
        std::find_if(loading_[i].begin(), loading_[i].end(), [](double w) { return w != 0.0; }) - loading_[i].begin());
    ENGRAFT_ASSERT(k < n_coordinates_, "a random effect with sd > 0 loads on a coordinate");
    const double centre = typical[index_[i]], w = loading_[i][k];
    const auto eta = [&](double bound) {
      if (v.kind == DistributionKind::normal) return bound - centre;
      if (bound <= 0.0) return -std::numeric_limits<double>::infinity();
      return std::log(bound / centre);
    };
    double lo = eta(v.bounds.lower) / w, hi = eta(v.bounds.upper) / w;
    if (w < 0.0) std::swap(lo, hi);
    box.lower[k] = std::max(box.lower[k], lo);
    box.upper[k] = std::min(box.upper[k], hi);
  }
  return box;
}

}  // namespace engraft
