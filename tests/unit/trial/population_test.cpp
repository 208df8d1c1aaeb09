#include "engraft/trial/population.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "engraft/formats/model_file.hpp"

namespace engraft {
namespace {

std::shared_ptr<const CompiledModel> recovery_model() {
  return CompiledModel::compile(read_model_file(ENGRAFT_SOURCE_DIR "/tests/data/trial/recovery.toml"));
}

ParameterVariability lognormal(const std::string& name, double omega) {
  ParameterVariability v;
  v.parameter = name;
  v.kind = DistributionKind::lognormal;
  v.sd = omega;
  return v;
}

struct Moments {
  double mean_x = 0, mean_y = 0, sd_x = 0, sd_y = 0, r = 0;
};

// Sample moments of log(k / 0.02) and log(A0 / 4) over patients 0 .. n-1.
Moments log_moments(const Population& population, const CompiledModel& model, int n) {
  const std::vector<double> typical = model.default_parameters();
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (int i = 0; i < n; ++i) {
    const Subject s = population.subject(static_cast<std::uint64_t>(i), typical);
    const double x = std::log(s.parameters[0] / typical[0]), y = std::log(s.parameters[1] / typical[1]);
    sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
  }
  Moments m;
  m.mean_x = sx / n, m.mean_y = sy / n;
  m.sd_x = std::sqrt(sxx / n - m.mean_x * m.mean_x);
  m.sd_y = std::sqrt(syy / n - m.mean_y * m.mean_y);
  m.r = (sxy / n - m.mean_x * m.mean_y) / (m.sd_x * m.sd_y);
  return m;
}

// Tolerances are 5 standard errors (a correct sampler fails with probability < 1e-6):
// SE(mean) = omega / sqrt(n), SE(sd) = omega / sqrt(2n), SE(r) = (1 - r^2) / sqrt(n).
TEST(Population, LognormalMomentsAndCorrelationReproduced) {
  const auto model = recovery_model();
  PopulationSpec spec;
  spec.parameters = {lognormal("k", 0.3), lognormal("A0", 0.5)};
  spec.correlations = {{"k", "A0", 0.6, {}}};
  const Population population(spec, *model, 2026);
  constexpr int n = 20000;
  const Moments m = log_moments(population, *model, n);
  EXPECT_NEAR(m.mean_x, 0.0, 5 * 0.3 / std::sqrt(n));
  EXPECT_NEAR(m.mean_y, 0.0, 5 * 0.5 / std::sqrt(n));
  EXPECT_NEAR(m.sd_x, 0.3, 5 * 0.3 / std::sqrt(2.0 * n));
  EXPECT_NEAR(m.sd_y, 0.5, 5 * 0.5 / std::sqrt(2.0 * n));
  EXPECT_NEAR(m.r, 0.6, 5 * (1 - 0.36) / std::sqrt(n));
}

TEST(Population, PerfectCorrelationSharesTheRandomEffect) {
  const auto model = recovery_model();
  PopulationSpec spec;
  spec.parameters = {lognormal("k", 0.3), lognormal("A0", 0.3)};
  spec.correlations = {{"k", "A0", 1.0, {}}};
  const Population population(spec, *model, 3);
  const std::vector<double> typical = model->default_parameters();
  for (std::uint64_t i = 0; i < 50; ++i) {
    const Subject s = population.subject(i, typical);
    EXPECT_NEAR(std::log(s.parameters[0] / 0.02), std::log(s.parameters[1] / 4.0), 1e-12);
  }
}

TEST(Population, CorrelationsThatAreNotPositiveSemidefiniteAreRefused) {
  const auto model = recovery_model();
  PopulationSpec spec;
  spec.parameters = {lognormal("k", 0.3), lognormal("A0", 0.3), lognormal("kfast", 0.3)};
  spec.correlations = {{"k", "A0", 0.9, {}}, {"k", "kfast", 0.9, {}}, {"A0", "kfast", -0.9, {}}};
  EXPECT_THROW(Population(spec, *model, 1), InputError);
}

TEST(Population, TruncationAndUniformStayInBounds) {
  const auto model = recovery_model();
  PopulationSpec spec;
  ParameterVariability k = lognormal("k", 1.0);
  k.bounds = {0.01, 0.03};
  ParameterVariability a0;
  a0.parameter = "A0";
  a0.kind = DistributionKind::uniform;
  a0.bounds = {2.0, 6.0};
  spec.parameters = {k, a0};
  const Population population(spec, *model, 11);
  const std::vector<double> typical = model->default_parameters();
  constexpr int n = 20000;
  double sum = 0;
  for (int i = 0; i < n; ++i) {
    const Subject s = population.subject(static_cast<std::uint64_t>(i), typical);
    ASSERT_TRUE(s.failure.empty());
    ASSERT_GE(s.parameters[0], 0.01);
    ASSERT_LE(s.parameters[0], 0.03);
    ASSERT_GE(s.parameters[1], 2.0);
    ASSERT_LT(s.parameters[1], 6.0);
    sum += s.parameters[1];
  }
  EXPECT_NEAR(sum / n, 4.0, 5 * (4.0 / std::sqrt(12.0)) / std::sqrt(n));  // U(2, 6): sd = 4 / sqrt(12)
}

TEST(Population, CovariatesScaleParametersByTheirFormulas) {
  const auto model = recovery_model();
  PopulationSpec spec;
  CovariateDistribution weight{"weight", DistributionKind::normal, 70, 15, {40, 140}, {}, "test", {}};
  CovariateDistribution sex{"sex", DistributionKind::normal, 0, 0, {}, {{"female", 0.5}, {"male", 0.5}}, "test", {}};
  spec.covariates = {weight, sex};
  spec.effects = {{"A0", "weight", 70, 0.75, "", 1.0, "allometry", {}}, {"k", "sex", 1, 0, "female", 1.25, "test", {}}};
  const Population population(spec, *model, 5);
  const std::vector<double> typical = model->default_parameters();
  int females = 0;
  for (std::uint64_t i = 0; i < 400; ++i) {
    const Subject s = population.subject(i, typical);
    ASSERT_EQ(s.covariates.size(), 2u);
    const double w = s.covariates[0].number;
    ASSERT_GE(w, 40.0);
    ASSERT_LE(w, 140.0);
    EXPECT_DOUBLE_EQ(s.parameters[1], 4.0 * std::pow(w / 70.0, 0.75));
    const bool female = s.covariates[1].level == "female";
    females += female;
    EXPECT_DOUBLE_EQ(s.parameters[0], female ? 0.02 * 1.25 : 0.02);
  }
  EXPECT_NEAR(females, 200, 5 * std::sqrt(400 * 0.25));  // binomial(400, 1/2)
}

TEST(Population, TableValuesAreUsedAsWritten) {
  const auto model = recovery_model();
  PopulationSpec spec;
  spec.parameters = {lognormal("k", 0.3)};
  spec.table = IndividualTable{{"A0"}, {"sex"}, {{3.0}, {5.0}}, {{"male"}, {"female"}}, {}};
  const Population population(spec, *model, 5);
  const Subject s = population.subject(1, model->default_parameters());
  EXPECT_EQ(s.parameters[1], 5.0);
  EXPECT_EQ(s.covariates.at(0).level, "female");
  EXPECT_NE(s.parameters[0], 0.02);   // k still varies
}

TEST(Population, APatientDoesNotDependOnWhoWasDrawnBefore) {
  const auto model = recovery_model();
  PopulationSpec spec;
  spec.parameters = {lognormal("k", 0.3), lognormal("A0", 0.2)};
  const Population population(spec, *model, 99);
  const std::vector<double> typical = model->default_parameters();
  const Subject alone = population.subject(17, typical);
  for (std::uint64_t i = 0; i < 17; ++i) population.subject(i, typical);
  EXPECT_EQ(population.subject(17, typical).parameters, alone.parameters);
}

// Dose variation: log factors with the stated omega (5 SE, as above), drawn from a stream of
// their own so that the parameters of every patient stay as they were without it.
TEST(Population, DoseFactorsVaryTheRouteAloneAndLeaveParametersAsTheyWere) {
  const auto model = CompiledModel::compile(read_model_file(ENGRAFT_SOURCE_DIR "/models/stiehl2015_neutrophil.toml"));
  PopulationSpec spec;
  spec.parameters = {lognormal("p1", 0.2)};
  const Population without(spec, *model, 7);
  DoseVariability graft;
  graft.route = "graft";
  graft.sd = 0.5;
  spec.doses = {graft};
  const Population with(spec, *model, 7);
  const std::vector<double> typical = model->default_parameters();
  constexpr int n = 20000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const Subject s = with.subject(static_cast<std::uint64_t>(i), typical);
    ASSERT_EQ(s.parameters, without.subject(static_cast<std::uint64_t>(i), typical).parameters);
    ASSERT_EQ(s.dose_factors.size(), 1u);
    const double x = std::log(s.dose_factors[0]);
    sum += x, sum2 += x * x;
  }
  const double mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
  EXPECT_NEAR(mean, 0.0, 5 * 0.5 / std::sqrt(n));
  EXPECT_NEAR(sd, 0.5, 5 * 0.5 / std::sqrt(2.0 * n));

  Regimen regimen;
  regimen.doses.resize(2);
  regimen.doses[0].route = "graft", regimen.doses[0].amount = 5e6, regimen.doses[0].rate_per_day = 1e6;
  regimen.doses[1].route = "other", regimen.doses[1].amount = 3.0;
  const Subject s = with.subject(3, typical);
  with.apply_dose_factors(s, regimen);
  EXPECT_DOUBLE_EQ(regimen.doses[0].amount, 5e6 * s.dose_factors[0]);
  EXPECT_DOUBLE_EQ(regimen.doses[0].rate_per_day, 1e6 * s.dose_factors[0]);   // same infusion duration
  EXPECT_EQ(regimen.doses[1].amount, 3.0);                                       // another route: unchanged
}

TEST(Population, DoseVariationOfAnUnknownRouteIsRefused) {
  const auto model = recovery_model();
  PopulationSpec spec;
  DoseVariability d;
  d.route = "graft";
  d.sd = 0.5;
  spec.doses = {d};
  EXPECT_THROW(Population(spec, *model, 1), InputError);
}

}  // namespace
}  // namespace engraft
