#include "engraft/trial/sensitivity.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "engraft/formats/scenario_file.hpp"

namespace engraft {
namespace {

TEST(SensitivityFactor, MapsTheUnitIntervalOntoItsRange) {
  SensitivityFactor uniform;
  uniform.lower = 0.7;
  uniform.upper = 0.9;
  EXPECT_EQ(uniform.value_at(0.0), 0.7);
  EXPECT_DOUBLE_EQ(uniform.value_at(0.5), 0.8);
  SensitivityFactor log = uniform;
  log.scale = FactorScale::log_uniform;
  log.lower = 1e-5;
  log.upper = 1e-1;
  EXPECT_EQ(log.value_at(0.0), 1e-5);
  EXPECT_DOUBLE_EQ(log.value_at(0.5), 1e-3);    // the geometric middle
  EXPECT_DOUBLE_EQ(log.value_at(0.75), 1e-2);
}

/// The default transplant with the graft dose and viability varied, on a small design.
SensitivitySpec small_study(const CompiledModel& model) {
  SensitivitySpec spec;
  spec.scenario = read_scenario(default_scenario_path(), model);
  SensitivityFactor dose;
  dose.name = "graft";
  dose.target = FactorTarget::dose;
  dose.scale = FactorScale::log_uniform;
  dose.lower = 2e6;
  dose.upper = 10e6;
  SensitivityFactor viability;
  viability.name = "viability";
  viability.lower = 0.7;
  viability.upper = 0.95;
  spec.factors = {dose, viability};
  spec.endpoints = {find_endpoint_column("anc_0_5_crossing_day"), find_endpoint_column("anc_nadir")};
  spec.not_reached.assign(2, std::nullopt);
  spec.sobol.base_samples = 16;
  spec.sobol.bootstrap_replicates = 50;
  return spec;
}

TEST(RunSensitivity, TheDoseFactorMovesEngraftmentAndThreadsChangeNothing) {
  const auto model = load_scenario_model(default_scenario_path());
  SensitivitySpec spec = small_study(*model);
  spec.sobol.threads = 1;
  const std::vector<SobolOutput> one = run_sensitivity(model, spec);
  spec.sobol.threads = 2;
  const std::vector<SobolOutput> two = run_sensitivity(model, spec);
  ASSERT_EQ(one.size(), 2u);
  EXPECT_EQ(one[0].rows_used, 16u);   // every typical-patient variant engrafts
  ASSERT_EQ(one[0].factors.size(), 2u);
  // The crossing falls with the viable dose, dose x viability: both factors act, the
  // dose (a factor of 5) more than viability (a factor of 1.36). Exact orders at N = 16
  // are not the point; only that each factor moves the endpoint.
  EXPECT_GT(one[0].factors[0].total.estimate, 0.0);
  EXPECT_GT(one[0].factors[1].total.estimate, 0.0);
  EXPECT_GT(one[0].factors[0].total.estimate, one[0].factors[1].total.estimate);
  for (std::size_t e = 0; e < 2; ++e)
    for (std::size_t i = 0; i < 2; ++i) {
      EXPECT_EQ(one[e].factors[i].first_order.estimate, two[e].factors[i].first_order.estimate);
      EXPECT_EQ(one[e].factors[i].total.interval.upper, two[e].factors[i].total.interval.upper);
    }
}

TEST(RunSensitivity, NotReachedIsDroppedOrReplaced) {
  // A run that ends on day 8, before any neutrophil recovery (the default patient's ANC
  // crosses 0.5 after day 9 at every dose in the range): the crossing is never reached.
  const auto model = load_scenario_model(default_scenario_path());
  SensitivitySpec spec = small_study(*model);
  spec.scenario.end_day = 8.0;
  spec.sobol.threads = 1;
  const std::vector<SobolOutput> dropped = run_sensitivity(model, spec);
  EXPECT_EQ(dropped[0].rows_used, 0u);
  EXPECT_TRUE(dropped[0].factors.empty());
  EXPECT_EQ(dropped[1].rows_used, 16u);   // the nadir is reached in every run
  spec.not_reached[0] = 8.0;              // end_of_run: every subject counts as day 8, no variance
  const SobolOutput censored = run_sensitivity(model, spec)[0];
  EXPECT_EQ(censored.rows_used, 16u);
  EXPECT_EQ(censored.mean, 8.0);
  EXPECT_TRUE(censored.factors.empty());
}

}  // namespace
}  // namespace engraft
