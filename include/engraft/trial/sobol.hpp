// Global sensitivity analysis: Sobol' indices of a function f: [0,1)^k -> R^m by
// Saltelli's design, first-order indices by Saltelli 2010's estimator, total
// indices by Jansen's, with percentile bootstrap intervals (docs/sensitivity-format.md).
// Pure library code: no files, no endpoints; trial/sensitivity.hpp applies it to a model.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "engraft/trial/statistics.hpp"

namespace engraft {

/// Point `index` (0, 1, 2, ...) of the Sobol' low-discrepancy sequence in `dimensions`
/// dimensions (at most max_sobol_dimensions), written to `point` (size `dimensions`),
/// each coordinate in [0, 1). Direction numbers of Joe & Kuo (SIAM J Sci Comput
/// 2008;30:2635, file new-joe-kuo-6.21201), in natural (not Gray-code) order: point 0
/// is the origin, and every block of 2^m points is a (t, m, s)-net.
void sobol_point(std::uint64_t index, std::size_t dimensions, std::span<double> point);
inline constexpr std::size_t max_sobol_dimensions = 32;
/// A Saltelli design takes two independent k-dimensional samples from one 2k-dimensional sequence.
inline constexpr std::size_t max_sobol_factors = max_sobol_dimensions / 2;

/// Writes f(u) for one point u in [0,1)^k: `values` has one slot per output; NaN marks
/// a value that is missing (an endpoint not reached, a failed solve).
using SobolEvaluator = std::function<void(std::span<const double> u, std::span<double> values)>;
/// Called once per worker thread; the evaluator it returns is used by that thread only
/// (so it may own a solver and scratch buffers). It must be a pure function of u.
using SobolEvaluatorFactory = std::function<SobolEvaluator()>;

struct SobolOptions {
  std::uint64_t base_samples = 1024;   // N: the design evaluates f at N (k + 2) points
  int bootstrap_replicates = 1000;
  double level = 0.95;                 // of the percentile bootstrap intervals
  std::uint64_t seed = 0;              // of the bootstrap's resampling stream
  unsigned threads = 0;                // 0 = std::thread::hardware_concurrency()
};

struct SobolIndex {
  double estimate = 0.0;
  Interval interval;                   // percentile bootstrap over the rows used
};

struct FactorIndices {
  SobolIndex first_order;              // S_i  = V[E(Y | X_i)] / V(Y)
  SobolIndex total;                    // ST_i = E[V(Y | X_~i)] / V(Y)
};

/// The indices of one output. A base row j counts only if all its k + 2 values
/// (A_j, B_j and every A_B^(i)_j) are present; the others are dropped, so every
/// index of one output is estimated from the same rows. With fewer than 2 rows, or
/// no variance among them, there are no indices (`factors` is empty).
struct SobolOutput {
  std::uint64_t rows_used = 0;
  double mean = 0.0, variance = 0.0;   // of f over the A and B points of the rows used
  std::vector<FactorIndices> factors;  // in factor order
};

/// Runs the design on options.threads threads and estimates the indices of every
/// output. The result is bit-identical for any thread count: every evaluation has
/// its own slot, and the estimators and the bootstrap run after all of them, in row order.
/// k in [1, max_sobol_factors], m >= 1, base_samples >= 2.
std::vector<SobolOutput> sobol_analysis(std::size_t n_factors, std::size_t n_outputs,
                                        const SobolEvaluatorFactory& make_evaluator, const SobolOptions& options);

}  // namespace engraft
