#include "engraft/trial/sobol.hpp"

#include <cmath>
#include <numbers>
#include <set>

#include <gtest/gtest.h>

namespace engraft {
namespace {

// ---------------------------------------------------------------- the sequence

double radical_inverse_base2(std::uint64_t i) {
  double x = 0.0, place = 0.5;
  for (; i; i >>= 1, place /= 2) x += static_cast<double>(i & 1u) * place;
  return x;
}

TEST(SobolSequence, FirstDimensionIsVanDerCorput) {
  std::vector<double> p(1);
  for (std::uint64_t i = 0; i < 4096; ++i) {
    sobol_point(i, 1, p);
    EXPECT_EQ(p[0], radical_inverse_base2(i)) << i;
  }
}

TEST(SobolSequence, SecondDimensionStartsAsPublished) {
  // Dimension 2 (s = 1, a = 0, m_1 = 1): v_1 = 1/2, v_2 = 3/4, v_3 = 5/8; point i is the XOR of v_b over the set bits b.
  std::vector<double> p(2);
  const double expected[] = {0.0, 0.5, 0.75, 0.25, 0.625, 0.125, 0.375, 0.875};
  for (std::uint64_t i = 0; i < 8; ++i) {
    sobol_point(i, 2, p);
    EXPECT_EQ(p[1], expected[i]) << i;
  }
}

TEST(SobolSequence, EveryCoordinateOfTheFirst2PowMPointsIsStratified) {
  // A (t, m, s)-net in base 2: each one-dimensional projection of the first 2^m points
  // puts exactly one point in each interval [j/2^m, (j+1)/2^m). It holds for every
  // dimension whose generator matrix is non-singular, i.e. for correctly built direction numbers.
  constexpr std::uint64_t n = 1024;
  std::vector<double> p(max_sobol_dimensions);
  std::vector<std::set<long>> cells(max_sobol_dimensions);
  for (std::uint64_t i = 0; i < n; ++i) {
    sobol_point(i, max_sobol_dimensions, p);
    for (std::size_t d = 0; d < max_sobol_dimensions; ++d) {
      ASSERT_GE(p[d], 0.0);
      ASSERT_LT(p[d], 1.0);
      cells[d].insert(static_cast<long>(std::floor(p[d] * n)));
    }
  }
  for (std::size_t d = 0; d < max_sobol_dimensions; ++d) EXPECT_EQ(cells[d].size(), n) << "dimension " << d + 1;
}

TEST(SobolSequence, FirstTwoDimensionsFormA0Net) {
  // Dimensions 1 and 2 of Sobol's sequence are a (0, m, 2)-net: every elementary box
  // 2^-a x 2^-(m-a) holds exactly one of the first 2^m points.
  constexpr int m = 8;
  std::vector<double> p(2);
  for (int a = 0; a <= m; ++a) {
    std::set<std::pair<long, long>> boxes;
    for (std::uint64_t i = 0; i < (1u << m); ++i) {
      sobol_point(i, 2, p);
      boxes.insert({static_cast<long>(std::ldexp(p[0], a)), static_cast<long>(std::ldexp(p[1], m - a))});
    }
    EXPECT_EQ(boxes.size(), 1u << m) << "a = " << a;
  }
}

// ---------------------------------------------------------------- the estimators

/// Ishigami & Homma (1990): f = sin x1 + a sin^2 x2 + b x3^4 sin x1, x_i ~ U(-pi, pi).
constexpr double ishigami_a = 7.0, ishigami_b = 0.1;

SobolEvaluatorFactory ishigami() {
  return [] {
    return [](std::span<const double> u, std::span<double> y) {
      const double pi = std::numbers::pi;
      const double x1 = -pi + 2 * pi * u[0], x2 = -pi + 2 * pi * u[1], x3 = -pi + 2 * pi * u[2];
      y[0] = std::sin(x1) + ishigami_a * std::sin(x2) * std::sin(x2) + ishigami_b * std::pow(x3, 4) * std::sin(x1);
    };
  };
}

/// Analytic indices (Sobol' & Levitan, Comput Phys Commun 1999;117:52; Saltelli et al.,
/// Global Sensitivity Analysis: The Primer, Wiley 2008, §4.9): with b' = b pi^4,
/// V1 = (1 + b'/5)^2 / 2, V2 = a^2/8, V3 = 0, V13 = b'^2 (1/18 - 1/50) = 8 b'^2/225,
/// V = 1/2 + a^2/8 + b'/5 + b'^2/18.
struct Ishigami {
  double s[3], st[3];
};
Ishigami ishigami_analytic() {
  const double bp = ishigami_b * std::pow(std::numbers::pi, 4);
  const double v1 = 0.5 * (1 + bp / 5) * (1 + bp / 5), v2 = ishigami_a * ishigami_a / 8, v13 = 8 * bp * bp / 225;
  const double v = 0.5 + ishigami_a * ishigami_a / 8 + bp / 5 + bp * bp / 18;
  return {{v1 / v, v2 / v, 0.0}, {(v1 + v13) / v, v2 / v, v13 / v}};
}

TEST(SobolAnalysis, IshigamiAnalyticIndicesAreTheQuotedOnes) {
  // The values every reference quotes to 4 digits (e.g. Saltelli et al. 2010, §5).
  const Ishigami x = ishigami_analytic();
  constexpr double four_digits = 5e-5;
  EXPECT_NEAR(x.s[0], 0.3139, four_digits);
  EXPECT_NEAR(x.s[1], 0.4424, four_digits);
  EXPECT_NEAR(x.st[0], 0.5576, four_digits);
  EXPECT_NEAR(x.st[1], 0.4424, four_digits);
  EXPECT_NEAR(x.st[2], 0.2437, four_digits);
}

// The acceptance tolerance: every index within 0.02 of the analytic value.
// At N = 8192 (N (k + 2) = 40,960 evaluations) the measured errors are at most 0.001 (docs/sensitivity-format.md).
constexpr double ishigami_tolerance = 0.02;
constexpr std::uint64_t ishigami_samples = 8192;

TEST(SobolAnalysis, IshigamiIndicesWithin002OfAnalytic) {
  SobolOptions o;
  o.base_samples = ishigami_samples;
  o.bootstrap_replicates = 200;
  o.threads = 2;
  const std::vector<SobolOutput> out = sobol_analysis(3, 1, ishigami(), o);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].factors.size(), 3u);
  EXPECT_EQ(out[0].rows_used, ishigami_samples);
  const Ishigami x = ishigami_analytic();
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(out[0].factors[i].first_order.estimate, x.s[i], ishigami_tolerance) << "S" << i + 1;
    EXPECT_NEAR(out[0].factors[i].total.estimate, x.st[i], ishigami_tolerance) << "ST" << i + 1;
  }
}

TEST(SobolAnalysis, IshigamiBootstrapIntervalsContainTheAnalyticValues) {
  // At a modest N the 95 % intervals are wide enough to mean something (about +-0.05);
  // the bootstrap treats the low-discrepancy rows as independent, which overstates the
  // error of a quasi-random design, so every one of the six intervals should cover.
  SobolOptions o;
  o.base_samples = 1024;
  o.seed = 7;
  const std::vector<SobolOutput> out = sobol_analysis(3, 1, ishigami(), o);
  const Ishigami x = ishigami_analytic();
  for (std::size_t i = 0; i < 3; ++i) {
    const FactorIndices& f = out[0].factors[i];
    EXPECT_LE(f.first_order.interval.lower, x.s[i]) << "S" << i + 1;
    EXPECT_GE(f.first_order.interval.upper, x.s[i]) << "S" << i + 1;
    EXPECT_LE(f.total.interval.lower, x.st[i]) << "ST" << i + 1;
    EXPECT_GE(f.total.interval.upper, x.st[i]) << "ST" << i + 1;
    EXPECT_LT(f.first_order.interval.lower, f.first_order.interval.upper);
  }
}

TEST(SobolAnalysis, BitIdenticalForAnyThreadCount) {
  SobolOptions o;
  o.base_samples = 1000;   // not a power of two: rows still split unevenly between threads
  o.bootstrap_replicates = 100;
  o.seed = 3;
  o.threads = 1;
  const std::vector<SobolOutput> one = sobol_analysis(3, 1, ishigami(), o);
  o.threads = 3;
  const std::vector<SobolOutput> three = sobol_analysis(3, 1, ishigami(), o);
  ASSERT_EQ(one[0].factors.size(), three[0].factors.size());
  EXPECT_EQ(one[0].variance, three[0].variance);
  for (std::size_t i = 0; i < 3; ++i) {
    const FactorIndices &a = one[0].factors[i], &b = three[0].factors[i];
    EXPECT_EQ(a.first_order.estimate, b.first_order.estimate);
    EXPECT_EQ(a.first_order.interval.lower, b.first_order.interval.lower);
    EXPECT_EQ(a.first_order.interval.upper, b.first_order.interval.upper);
    EXPECT_EQ(a.total.estimate, b.total.estimate);
    EXPECT_EQ(a.total.interval.lower, b.total.interval.lower);
    EXPECT_EQ(a.total.interval.upper, b.total.interval.upper);
  }
}

TEST(SobolAnalysis, LinearAdditiveModelHasKnownIndices) {
  // f = sum c_i u_i, u_i ~ U(0, 1) independent: V_i = c_i^2 / 12 and no interactions, so
  // S_i = ST_i = c_i^2 / sum c^2 = (1, 4, 9) / 14 for c = (1, 2, 3). The estimators are
  // unbiased but not exact at finite N; at N = 4096 the measured error is below 2e-4, and
  // 0.01 leaves room for the design, not for a wrong estimator (an error in V or a
  // factor of 2 in Jansen's formula moves an index by >= 0.03).
  constexpr double tolerance = 0.01;
  const SobolEvaluatorFactory linear = [] {
    return [](std::span<const double> u, std::span<double> y) { y[0] = 1 * u[0] + 2 * u[1] + 3 * u[2]; };
  };
  SobolOptions o;
  o.base_samples = 4096;
  o.bootstrap_replicates = 50;
  const std::vector<SobolOutput> out = sobol_analysis(3, 1, linear, o);
  const double c2[] = {1, 4, 9};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(out[0].factors[i].first_order.estimate, c2[i] / 14, tolerance);
    EXPECT_NEAR(out[0].factors[i].total.estimate, c2[i] / 14, tolerance);
  }
  EXPECT_NEAR(out[0].variance, 14.0 / 12.0, 14.0 / 12.0 * tolerance);
}

TEST(SobolAnalysis, AFactorTheFunctionIgnoresHasIndicesExactlyZero) {
  // f(A_B^i) = f(A) exactly when f does not read u_i, so both estimators (and every
  // bootstrap replicate) are exactly 0: no tolerance.
  const SobolEvaluatorFactory ignores_second = [] {
    return [](std::span<const double> u, std::span<double> y) { y[0] = std::exp(u[0]) + u[2] * u[2]; };
  };
  SobolOptions o;
  o.base_samples = 256;
  o.bootstrap_replicates = 50;
  const std::vector<SobolOutput> out = sobol_analysis(3, 1, ignores_second, o);
  const FactorIndices& f = out[0].factors[1];
  EXPECT_EQ(f.first_order.estimate, 0.0);
  EXPECT_EQ(f.total.estimate, 0.0);
  EXPECT_EQ(f.total.interval.lower, 0.0);
  EXPECT_EQ(f.total.interval.upper, 0.0);
}

TEST(SobolAnalysis, RowsWithAMissingValueAreDroppedPerOutput) {
  // Output 1 is missing wherever u_1 < 0.25. Row j's points read u_1 from A_j (columns A and
  // A_B^(2), A_B^(3)) or from B_j (B and A_B^(1)), so the row stays only if both are >= 0.25.
  constexpr std::uint64_t n = 512;
  const SobolEvaluatorFactory partly_missing = [] {
    return [](std::span<const double> u, std::span<double> y) {
      y[0] = u[0] + u[1];
      y[1] = u[0] < 0.25 ? std::nan("") : u[0] - u[1];
    };
  };
  SobolOptions o;
  o.base_samples = n;
  o.bootstrap_replicates = 20;
  const std::vector<SobolOutput> out = sobol_analysis(2, 2, partly_missing, o);
  std::uint64_t complete = 0;
  std::vector<double> ab(4);
  for (std::uint64_t j = 0; j < n; ++j) {
    sobol_point(j, 4, ab);
    complete += ab[0] >= 0.25 && ab[2] >= 0.25;
  }
  EXPECT_EQ(out[0].rows_used, n);
  EXPECT_EQ(out[1].rows_used, complete);
  EXPECT_LT(complete, n);
  EXPECT_EQ(out[1].factors.size(), 2u);
}

TEST(SobolAnalysis, AConstantOutputHasNoIndices) {
  const SobolEvaluatorFactory constant = [] {
    return [](std::span<const double>, std::span<double> y) { y[0] = 11.0; };
  };
  SobolOptions o;
  o.base_samples = 64;
  const std::vector<SobolOutput> out = sobol_analysis(2, 1, constant, o);
  EXPECT_EQ(out[0].rows_used, 64u);
  EXPECT_EQ(out[0].variance, 0.0);
  EXPECT_TRUE(out[0].factors.empty());
}

TEST(SobolAnalysis, AnEvaluatorExceptionReachesTheCaller) {
  const SobolEvaluatorFactory throws = [] {
    return [](std::span<const double> u, std::span<double> y) {
      if (u[0] > 0.9) throw std::runtime_error("refused");
      y[0] = u[0];
    };
  };
  SobolOptions o;
  o.base_samples = 64;
  o.threads = 2;
  EXPECT_THROW(sobol_analysis(1, 1, throws, o), std::runtime_error);
}

}  // namespace
}  // namespace engraft
