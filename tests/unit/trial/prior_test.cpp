#include "engraft/trial/prior.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "engraft/formats/model_file.hpp"

namespace engraft {
namespace {

std::shared_ptr<const CompiledModel> growth_model() {
  return CompiledModel::compile(read_model_file(ENGRAFT_SOURCE_DIR "/tests/data/fit/growth.toml"));
}

ParameterVariability variability(const std::string& name, DistributionKind kind, double sd, Bounds bounds = {}) {
  ParameterVariability v;
  v.parameter = name;
  v.kind = kind;
  v.sd = sd;
  v.bounds = bounds;
  return v;
}

TEST(Prior, CorrelatedEffectsAreWhitened) {
  const auto model = growth_model();
  PopulationSpec spec;
  spec.parameters = {variability("Y0", DistributionKind::lognormal, 0.4), variability("r", DistributionKind::normal, 0.1)};
  spec.correlations = {{"Y0", "r", 0.6, {}}};
  const Prior prior(spec, {}, *model, {});
  ASSERT_EQ(prior.n_coordinates(), 2u);
  const std::vector<double> typical = model->default_parameters();
  std::vector<double> p;
  // eta = diag(sd) L x with L = [[1, 0], [0.6, 0.8]].
  prior.apply(std::vector<double>{1.0, 2.0}, typical, p);
  EXPECT_NEAR(p[0], 0.05 * std::exp(0.4), 1e-15);
  EXPECT_NEAR(p[1], 0.5 + 0.1 * (0.6 + 0.8 * 2.0), 1e-15);
}

TEST(Prior, PerfectCorrelationSharesOneCoordinate) {
  const auto model = growth_model();
  PopulationSpec spec;
  spec.parameters = {variability("Y0", DistributionKind::lognormal, 0.4), variability("r", DistributionKind::lognormal, 0.2)};
  spec.correlations = {{"Y0", "r", 1.0, {}}};
  const Prior prior(spec, {}, *model, {});
  ASSERT_EQ(prior.n_coordinates(), 1u);
  std::vector<double> p;
  prior.apply(std::vector<double>{1.0}, model->default_parameters(), p);
  EXPECT_NEAR(p[1], 0.5 * std::exp(0.2), 1e-15);
}

TEST(Prior, UniformMapsThroughTheNormalCdfAndBoundsBecomeABox) {
  const auto model = growth_model();
  PopulationSpec spec;
  spec.parameters = {variability("Y0", DistributionKind::lognormal, 0.5, {0.025, 0.1}),
                     variability("r", DistributionKind::uniform, 0.0, {0.2, 0.6})};
  const Prior prior(spec, {}, *model, {});
  std::vector<double> p;
  prior.apply(std::vector<double>{0.0, 0.0}, model->default_parameters(), p);
  EXPECT_DOUBLE_EQ(p[1], 0.4);   // Phi(0) = 1/2: the middle of the range
  prior.apply(std::vector<double>{0.0, 1.0}, model->default_parameters(), p);
  EXPECT_NEAR(p[1], 0.2 + 0.4 * 0.8413447460685429, 1e-12);
  const CoordinateBox box = prior.box(model->default_parameters());
  EXPECT_NEAR(box.lower[0], std::log(0.5) / 0.5, 1e-12);
  EXPECT_NEAR(box.upper[0], std::log(2.0) / 0.5, 1e-12);
  EXPECT_DOUBLE_EQ(box.lower[1], -Prior::search_range);
}

TEST(Prior, RefusesBoundsOnAPartiallyCorrelatedEffectAndUnknownNames) {
  const auto model = growth_model();
  PopulationSpec spec;
  spec.parameters = {variability("Y0", DistributionKind::lognormal, 0.4),
                     variability("r", DistributionKind::lognormal, 0.2, {0.1, 1.0})};
  spec.correlations = {{"Y0", "r", 0.5, {}}};
  EXPECT_THROW(Prior(spec, {}, *model, {}), InputError);
  EXPECT_NO_THROW(Prior(spec, {"r"}, *model, {}));   // alone, r's bounds are a box again
  EXPECT_THROW(Prior(spec, {"kfast"}, *model, {}), InputError);
}

}  // namespace
}  // namespace engraft
