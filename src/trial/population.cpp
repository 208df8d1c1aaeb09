#include "engraft/trial/population.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "engraft/trial/random.hpp"

namespace engraft {

namespace {
constexpr const char* numeric_covariates[] = {"weight", "age"};
constexpr const char* categorical_covariates[] = {"sex", "disease", "graft_source"};
// A truncated distribution that rejects this many draws in a row is almost empty:
// that is a mistake in the population, reported per patient rather than looping.
constexpr int max_truncation_tries = 1000;

bool gaussian(DistributionKind kind) { return kind != DistributionKind::uniform; }

double draw_numeric(RandomStream& random, DistributionKind kind, double centre, double sd, const Bounds& b,
                    bool& ok) {
  for (int attempt = 0; attempt < max_truncation_tries; ++attempt) {
    double x = 0.0;
    switch (kind) {
      case DistributionKind::normal: x = centre + sd * random.normal(); break;
      case DistributionKind::lognormal: x = centre * std::exp(sd * random.normal()); break;
      case DistributionKind::uniform: x = b.lower + (b.upper - b.lower) * random.uniform(); break;
    }
    if (b.contains(x)) return x;
  }
  ok = false;
  return centre;
}

std::string draw_level(RandomStream& random, const std::vector<std::pair<std::string, double>>& levels) {
  const double u = random.uniform();
  double cumulative = 0.0;
  for (const auto& [level, probability] : levels) {
    cumulative += probability;
    if (u < cumulative) return level;
  }
  return levels.back().first;  // rounding of the probabilities' sum
}
}  // namespace

bool is_numeric_covariate(const std::string& name) {
  return std::find(std::begin(numeric_covariates), std::end(numeric_covariates), name) != std::end(numeric_covariates);
}

bool is_known_covariate(const std::string& name) {
  return is_numeric_covariate(name) || std::find(std::begin(categorical_covariates), std::end(categorical_covariates),
                                                 name) != std::end(categorical_covariates);
}

std::optional<std::vector<double>> cholesky_semidefinite(const std::vector<double>& a, std::size_t n) {
  constexpr double tolerance = 1e-10;  // relative to the diagonal, which is 1 for a correlation matrix
  std::vector<double> l(n * n, 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    double pivot = a[j * n + j];
    for (std::size_t k = 0; k < j; ++k) pivot -= l[j * n + k] * l[j * n + k];
    if (pivot < -tolerance) return std::nullopt;
    if (pivot <= tolerance) {  // column j is a combination of earlier ones: check the rest agrees
      for (std::size_t i = j + 1; i < n; ++i) {
        double rest = a[i * n + j];
        for (std::size_t k = 0; k < j; ++k) rest -= l[i * n + k] * l[j * n + k];
        if (std::abs(rest) > 1e-8) return std::nullopt;
      }
      continue;
    }
    const double d = std::sqrt(pivot);
    l[j * n + j] = d;
    for (std::size_t i = j + 1; i < n; ++i) {
      double sum = a[i * n + j];
      for (std::size_t k = 0; k < j; ++k) sum -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = sum / d;
    }
  }
  return l;
}

Population::Population(const PopulationSpec& spec, const CompiledModel& model, std::uint64_t seed)
    : spec_(spec), seed_(seed) {
  for (const ParameterVariability& v : spec_.parameters) {
    random_index_.push_back(model.parameter_index(v.parameter, v.where));
    if (gaussian(v.kind)) gaussian_.push_back(random_index_.size() - 1);
  }
  for (const CovariateEffect& e : spec_.effects) effect_index_.push_back(model.parameter_index(e.parameter, e.where));
  if (spec_.table)
    for (const std::string& column : spec_.table->parameter_columns)
      table_index_.push_back(model.parameter_index(column, {spec_.table->file, 1, column}));

  // Correlation matrix over the normal and log-normal random effects, in gaussian_ order.
  const std::size_t n = gaussian_.size();
  std::vector<double> r(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) r[i * n + i] = 1.0;
  const auto position = [&](const Correlation& c, const std::string& name) {
    for (std::size_t i = 0; i < n; ++i)
      if (spec_.parameters[gaussian_[i]].parameter == name) return i;
    throw InputError(c.where, "a parameter with a normal or log-normal random effect", "'" + name + "'");
  };
  for (const Correlation& c : spec_.correlations) {
    const std::size_t i = position(c, c.first), j = position(c, c.second);
    if (i == j) throw InputError(c.where, "two different parameters", "'" + c.first + "' twice");
    r[i * n + j] = r[j * n + i] = c.r;
  }
  auto l = cholesky_semidefinite(r, n);
  if (!l)
    throw InputError(spec_.correlations.empty() ? SourceLocation{} : spec_.correlations.front().where,
                     "correlations that form a positive semi-definite matrix", "a matrix with a negative eigenvalue");
  cholesky_ = std::move(*l);

  for (const DoseVariability& d : spec_.doses) model.route(d.route, d.where);  // throws for an unknown route

  varying_ = random_index_;
  varying_.insert(varying_.end(), effect_index_.begin(), effect_index_.end());
  varying_.insert(varying_.end(), table_index_.begin(), table_index_.end());
  std::sort(varying_.begin(), varying_.end());
  varying_.erase(std::unique(varying_.begin(), varying_.end()), varying_.end());
}

std::vector<CovariateValue> Population::covariates(RandomStream& random, std::uint64_t patient, bool& ok) const {
  std::vector<CovariateValue> values;
  for (const CovariateDistribution& c : spec_.covariates) {
    CovariateValue value{c.name, 0.0, {}};
    if (is_numeric_covariate(c.name)) value.number = draw_numeric(random, c.kind, c.mean, c.sd, c.bounds, ok);
    else value.level = draw_level(random, c.levels);
    values.push_back(std::move(value));
  }
  if (!spec_.table) return values;
  const IndividualTable& table = *spec_.table;
  for (std::size_t k = 0; k < table.covariate_columns.size(); ++k) {
    const std::string& name = table.covariate_columns[k];
    const std::string& text = table.covariate_rows[patient % table.covariate_rows.size()][k];
    auto it = std::find_if(values.begin(), values.end(), [&](const auto& c) { return c.name == name; });
    if (it == values.end()) it = values.insert(values.end(), CovariateValue{name, 0.0, {}});
    if (is_numeric_covariate(name)) it->number = std::stod(text);  // checked when the table was read
    else it->level = text;
  }
  return values;
}

void Population::apply_covariate_effects(const std::vector<CovariateValue>& covariates, std::vector<double>& p) const {
  for (std::size_t k = 0; k < spec_.effects.size(); ++k) {
    const CovariateEffect& e = spec_.effects[k];
    const auto c = std::find_if(covariates.begin(), covariates.end(), [&](const auto& v) { return v.name == e.covariate; });
    if (c == covariates.end()) continue;  // checked when read: every effect's covariate is defined
    double& value = p[effect_index_[k]];
    if (is_numeric_covariate(e.covariate)) value *= std::pow(c->number / e.reference, e.exponent);
    else if (c->level == e.level) value *= e.factor;
  }
}

// eta = diag(sd) L z, redrawn as a whole while any value is out of its bounds (a
// truncated multivariate normal by rejection, so correlations are kept).
void Population::apply_random_effects(RandomStream& random, std::vector<double>& p, bool& ok) const {
  const std::vector<double> centre = p;
  const std::size_t n = gaussian_.size();
  std::vector<double> z(n);
  bool inside = false;
  for (int attempt = 0; attempt < max_truncation_tries && !inside; ++attempt) {
    for (double& x : z) x = random.normal();
    inside = true;
    for (std::size_t i = 0; i < n; ++i) {
      double eta = 0.0;
      for (std::size_t k = 0; k <= i; ++k) eta += cholesky_[i * n + k] * z[k];
      const ParameterVariability& v = spec_.parameters[gaussian_[i]];
      const std::size_t index = random_index_[gaussian_[i]];
      eta *= v.sd;
      p[index] = v.kind == DistributionKind::normal ? centre[index] + eta : centre[index] * std::exp(eta);
      inside = inside && v.bounds.contains(p[index]);
    }
  }
  ok = ok && inside;
  for (std::size_t k = 0; k < spec_.parameters.size(); ++k) {
    const ParameterVariability& v = spec_.parameters[k];
    if (!gaussian(v.kind)) p[random_index_[k]] = draw_numeric(random, v.kind, 0.0, 0.0, v.bounds, ok);
  }
}

Subject Population::subject(std::uint64_t patient, std::span<const double> typical) const {
  Subject s;
  s.patient = patient;
  s.parameters.assign(typical.begin(), typical.end());
  RandomStream random(seed_, static_cast<std::uint64_t>(RandomPurpose::patient), patient);
  bool ok = true;
  s.covariates = covariates(random, patient, ok);
  apply_covariate_effects(s.covariates, s.parameters);
  apply_random_effects(random, s.parameters, ok);
  if (spec_.table) {
    const std::vector<double>& row = spec_.table->parameter_rows[patient % spec_.table->parameter_rows.size()];
    for (std::size_t k = 0; k < table_index_.size(); ++k) s.parameters[table_index_[k]] = row[k];
  }
  // A stream of their own, so that adding dose variation leaves every other draw as it was.
  RandomStream dose_random(seed_, static_cast<std::uint64_t>(RandomPurpose::dose), patient);
  for (const DoseVariability& d : spec_.doses)
    s.dose_factors.push_back(draw_numeric(dose_random, d.kind, 1.0, d.sd, d.bounds, ok));  // centred on the arm's dose
  if (!ok) s.failure = fmt::format("no draw inside the truncation bounds in {} tries", max_truncation_tries);
  return s;
}

void Population::apply_dose_factors(const Subject& subject, Regimen& regimen) const {
  for (std::size_t k = 0; k < spec_.doses.size(); ++k)
    for (Dose& dose : regimen.doses)
      if (dose.route == spec_.doses[k].route) {
        dose.amount *= subject.dose_factors[k];
        dose.rate_per_day *= subject.dose_factors[k];
      }
}

}  // namespace engraft
