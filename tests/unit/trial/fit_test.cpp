#include "engraft/trial/fit.hpp"

#include <cmath>
#include <numbers>

#include <gtest/gtest.h>

#include "engraft/formats/model_file.hpp"

namespace engraft {
namespace {

// ln ANC(t) = ln Y0 + r t is linear in the whitened coordinates x (growth.toml), so with a
// log-normal residual the posterior of x is exactly N(m, P^-1), P = I + sum a_i a_i^T / sigma^2.
constexpr double omega_y0 = 0.4, sd_r = 0.1, rho = 0.5, sigma = 0.2;
const std::vector<double> days = {1.0, 2.0, 3.0}, counts = {0.08, 0.14, 0.2};

std::shared_ptr<const CompiledModel> growth_model() {
  return CompiledModel::compile(read_model_file(ENGRAFT_SOURCE_DIR "/tests/data/fit/growth.toml"));
}

Scenario growth_scenario() {
  Scenario s;
  s.name = "growth";
  s.start_day = 0.0;
  s.end_day = 12.0;
  s.solver.method = Method::rk45;
  s.solver.rtol = 1e-11;   // the ODE's error stays far below the tolerances checked
  s.solver.atol = 1e-15;
  return s;
}

ParameterVariability variability(const std::string& name, DistributionKind kind, double sd) {
  ParameterVariability v;
  v.parameter = name;
  v.kind = kind;
  v.sd = sd;
  return v;
}

FitProblem growth_problem(bool estimate_r, std::vector<Observation> observations = {}) {
  const auto model = growth_model();
  PopulationSpec spec;
  spec.parameters = {variability("Y0", DistributionKind::lognormal, omega_y0), variability("r", DistributionKind::normal, sd_r)};
  spec.correlations = {{"Y0", "r", rho, {}}};
  Prior prior(spec, estimate_r ? std::vector<std::string>{} : std::vector<std::string>{"Y0"}, *model, {});
  if (observations.empty())
    for (std::size_t i = 0; i < days.size(); ++i) observations.push_back({days[i], 0, counts[i], false, {}});
  return {model, growth_scenario(), std::move(prior), {{0, sigma, 0.0, "test"}}, std::move(observations), {}};
}

TEST(Fit, LinearGaussianMapAndLaplaceCovarianceAreExact) {
  // ln f_i = c_i + a_i . x with eta_Y0 = omega x1, eta_r = sd_r (rho x1 + sqrt(1 - rho^2) x2).
  double p11 = 1, p12 = 0, p22 = 1, b1 = 0, b2 = 0;
  for (std::size_t i = 0; i < days.size(); ++i) {
    const double a1 = omega_y0 + sd_r * rho * days[i], a2 = sd_r * std::sqrt(1 - rho * rho) * days[i];
    const double residual = std::log(counts[i]) - std::log(0.05) - 0.5 * days[i];
    p11 += a1 * a1 / (sigma * sigma), p12 += a1 * a2 / (sigma * sigma), p22 += a2 * a2 / (sigma * sigma);
    b1 += a1 * residual / (sigma * sigma), b2 += a2 * residual / (sigma * sigma);
  }
  const double det = p11 * p22 - p12 * p12;
  const double c11 = p22 / det, c12 = -p12 / det, c22 = p11 / det;   // posterior covariance P^-1
  const double m1 = c11 * b1 + c12 * b2, m2 = c12 * b1 + c22 * b2;

  const FitProblem problem = growth_problem(true);
  FitOptions options;
  options.max_evaluations = 2000;
  const MapEstimate map = find_map(problem, options);
  ASSERT_TRUE(map.converged) << map.status;
  // BOBYQA stops at xtol 1e-4 (prior sds); the posterior sds here are ~0.2-0.8.
  EXPECT_NEAR(map.x[0], m1, 1e-3);
  EXPECT_NEAR(map.x[1], m2, 1e-3);
  const LaplaceApproximation laplace = laplace_at(problem, map.x, options);
  EXPECT_EQ(laplace.regularised_eigenvalues, 0);
  // Central differences are exact for a quadratic: what remains is rounding of F / h^2.
  EXPECT_NEAR(laplace.covariance[0], c11, 1e-5);
  EXPECT_NEAR(laplace.covariance[1], c12, 1e-5);
  EXPECT_NEAR(laplace.covariance[3], c22, 1e-5);
  // The draw matrix factorises the covariance.
  const std::vector<double>& a = laplace.draw_matrix;
  EXPECT_NEAR(a[0] * a[2] + a[1] * a[3], laplace.covariance[1], 1e-12);
}

TEST(Fit, ForecastQuantilesOfAMonotoneEndpointFollowTheParameter) {
  // With Y0 alone estimated (r fixed at 0.5), the ANC 0.5 crossing ln(0.5 / Y0) / r falls as x
  // rises: its quantiles are those of x, reversed. 4000 draws put the 5 % quantile of x within
  // ~0.03 posterior sds of the truth (SE = sqrt(0.05 0.95 / 4000) / phi(1.645)); the tolerance is 5 SE.
  const FitProblem problem = growth_problem(false);
  FitOptions options;
  options.draws = 4000;
  options.prior_forecast = false;
  options.threads = 2;
  const FitResult r = fit_patient(problem, options);
  const double sd = std::sqrt(r.laplace.covariance[0]);
  const auto crossing = [](double x) { return std::log(0.5 / (0.05 * std::exp(omega_y0 * x))) / 0.5; };
  const EndpointForecast& f = r.forecast[2];
  ASSERT_EQ(f.endpoint->name, "anc_0_5_crossing_day");
  EXPECT_EQ(f.reached, 1.0);
  const double slope = omega_y0 / 0.5;   // days per unit of x
  const double tolerance = 5 * 0.033 * sd * slope;
  EXPECT_NEAR(*f.median, crossing(r.map.x[0]), tolerance);
  EXPECT_NEAR(*f.lower, crossing(r.map.x[0] + 1.6448536269514722 * sd), tolerance);
  EXPECT_NEAR(*f.upper, crossing(r.map.x[0] - 1.6448536269514722 * sd), tolerance);
  EXPECT_NEAR(f.interval_mass, 0.90, 0.01);
  ASSERT_EQ(r.parameters.size(), 1u);
  EXPECT_NEAR(r.parameters[0].map, 0.05 * std::exp(omega_y0 * r.map.x[0]), 1e-15);
}

TEST(Fit, ResultsDoNotDependOnTheThreadCount) {
  const FitProblem problem = growth_problem(true);
  FitOptions options;
  options.draws = 50;
  options.threads = 1;
  const FitResult one = fit_patient(problem, options);
  options.threads = 3;
  const FitResult three = fit_patient(problem, options);
  EXPECT_EQ(one.map.x, three.map.x);
  EXPECT_EQ(one.laplace.covariance, three.laplace.covariance);
  for (std::size_t k = 0; k < one.forecast.size(); ++k) EXPECT_EQ(one.forecast[k].median, three.forecast[k].median);
}

TEST(Fit, CensoredObservationUsesTheNormalCdf) {
  // F(0) = sum of residual terms: a measured value ((ln y - ln f)/sigma)^2, a censored one
  // -2 ln Phi((ln LLOQ - ln f)/sigma), with f = 0.05 exp(0.5 t).
  const FitProblem problem = growth_problem(true, {{1.0, 0, 0.09, false, {}}, {2.0, 0, 0.1, true, {}}});
  auto solver = make_solver(problem.model(), problem.scenario().solver);
  SolveResult scratch;
  const double f1 = 0.05 * std::exp(0.5), f2 = 0.05 * std::exp(1.0);
  const double measured = std::pow((std::log(0.09) - std::log(f1)) / sigma, 2);
  const double z = (std::log(0.1) - std::log(f2)) / sigma;
  const double censored = -2.0 * std::log(0.5 * std::erfc(-z / std::numbers::sqrt2));
  EXPECT_NEAR(problem.objective(std::vector<double>{0.0, 0.0}, *solver, scratch), measured + censored, 1e-8);
}

TEST(Fit, SimulatedObservationsAreCensoredAtTheLimit) {
  const auto model = growth_model();
  PopulationSpec spec;
  spec.parameters = {variability("Y0", DistributionKind::lognormal, omega_y0)};
  std::vector<Observation> design = {{0.5, 0, 1.0, false, {}}, {6.0, 0, 1.0, false, {}}};
  const FitProblem problem(model, growth_scenario(), Prior(spec, {}, *model, {}), {{0, 0.01, 0.1, "test"}}, design, {});
  auto solver = make_solver(model, problem.scenario().solver);
  RandomStream noise(1, static_cast<std::uint64_t>(RandomPurpose::observation_noise), 0);
  const auto simulated = simulate_observations(problem, std::vector<double>{0.0}, noise, *solver);
  ASSERT_TRUE(simulated);
  EXPECT_TRUE((*simulated)[0].censored);   // 0.064 < 0.1
  EXPECT_EQ((*simulated)[0].value, 0.1);
  EXPECT_FALSE((*simulated)[1].censored);  // 1.0, within a few % (sigma 0.01)
  EXPECT_NEAR((*simulated)[1].value, 0.05 * std::exp(3.0), 0.05 * 0.05 * std::exp(3.0));
}

TEST(Fit, ObservationOutsideTheScenarioIsAnInputError) {
  EXPECT_THROW(growth_problem(true, {{13.0, 0, 0.1, false, {"obs.csv", 4, "column 1 (day)"}}}), InputError);
  EXPECT_THROW(growth_problem(true, {{1.0, 0, -0.1, false, {"obs.csv", 4, "column 3 (value)"}}}), InputError);
}

}  // namespace
}  // namespace engraft
