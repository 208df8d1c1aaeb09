#include "engraft/trial/sobol.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>

#include "engraft/core/error.hpp"
#include "engraft/trial/random.hpp"

namespace engraft {

namespace {

constexpr int bits = 32;   // Joe & Kuo's generator works on 32-bit integers: up to 2^32 points

/// One line of new-joe-kuo-6.21201 (Joe & Kuo, SIAM J Sci Comput 2008;30:2635,
/// https://web.maths.unsw.edu.au/~fkuo/sobol/): the degree s of the primitive
/// polynomial, its coefficients a, and the initial direction numbers m_1..m_s.
struct PrimitivePolynomial {
  int s;
  std::uint32_t a;
  std::array<std::uint32_t, 7> m;
};

// Dimensions 2 to 32 (dimension 1 is the van der Corput sequence and needs no line),
// one line per degree s, in the file's order.
constexpr std::array<PrimitivePolynomial, max_sobol_dimensions - 1> joe_kuo = {{
    {1, 0, {1}}, {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}}, {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}}, {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}}, {5, 4, {1, 1, 5, 5, 5}}, {5, 7, {1, 1, 7, 11, 19}}, {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}}, {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}}, {6, 13, {1, 1, 1, 15, 21, 21}}, {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}}, {6, 22, {1, 3, 1, 15, 13, 25}}, {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}}, {7, 4, {1, 3, 7, 13, 13, 15, 69}}, {7, 7, {1, 1, 3, 13, 7, 35, 63}},
    {7, 8, {1, 3, 5, 9, 1, 25, 53}}, {7, 14, {1, 3, 1, 13, 9, 35, 107}}, {7, 19, {1, 3, 1, 5, 27, 61, 31}},
    {7, 21, {1, 1, 5, 11, 19, 41, 61}}, {7, 28, {1, 3, 5, 3, 3, 13, 69}}, {7, 31, {1, 1, 7, 13, 1, 19, 1}},
    {7, 32, {1, 3, 7, 5, 13, 19, 59}}, {7, 37, {1, 1, 3, 9, 25, 29, 41}}, {7, 41, {1, 3, 5, 13, 23, 1, 55}},
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},
}};

using Directions = std::array<std::array<std::uint32_t, bits>, max_sobol_dimensions>;

/// Direction integers v_{d,i} = m_i 2^(32 - i), extended by Joe & Kuo's recurrence
/// v_i = v_{i-s} ^ (v_{i-s} >> s) ^ sum_k a_k v_{i-k} (their sobol.cc).
constexpr Directions make_directions() {
  Directions v{};
  for (int i = 0; i < bits; ++i) v[0][i] = std::uint32_t{1} << (bits - 1 - i);
  for (std::size_t d = 1; d < max_sobol_dimensions; ++d) {
    const PrimitivePolynomial& p = joe_kuo[d - 1];
    for (int i = 0; i < bits; ++i) {
      if (i < p.s) {
        v[d][i] = p.m[i] << (bits - 1 - i);
        continue;
      }
      std::uint32_t x = v[d][i - p.s] ^ (v[d][i - p.s] >> p.s);
      for (int k = 1; k < p.s; ++k)
        if ((p.a >> (p.s - 1 - k)) & 1u) x ^= v[d][i - k];
      v[d][i] = x;
    }
  }
  return v;
}

constexpr Directions directions = make_directions();

/// Every design point of base row j: column 0 is A_j, 1 is B_j, 2 + i is A_B^(i)_j
/// (A_j with coordinate i taken from B_j; Saltelli et al. 2010, §3).
std::size_t columns(std::size_t k) { return k + 2; }

struct Sums {
  double mean = 0.0, variance = 0.0;
  std::vector<double> first, total;   // V_i and E[V(Y|X_~i)], per factor
};

/// Saltelli et al., Comput Phys Commun 2010;181:259, Table 2: V_i by (b),
/// (1/N) sum f(B)_j (f(A_B^i)_j - f(A)_j), and the total effect by Jansen's (f),
/// (1/2N) sum (f(A)_j - f(A_B^i)_j)^2. f(B) is centred on the mean first: the
/// expectation is unchanged (E[f(A_B^i) - f(A)] = 0), but without it the estimator's
/// variance grows with mean^2 / variance, which is large for endpoints such as a day ~11 +- 1.
Sums estimate(std::span<const double> values, std::size_t k, std::size_t m, std::size_t output,
              std::span<const std::size_t> rows) {
  const auto y = [&](std::size_t row, std::size_t column) { return values[(row * columns(k) + column) * m + output]; };
  Sums s;
  const double n = static_cast<double>(rows.size());
  for (std::size_t r : rows) s.mean += y(r, 0) + y(r, 1);
  s.mean /= 2.0 * n;
  for (std::size_t r : rows) s.variance += (y(r, 0) - s.mean) * (y(r, 0) - s.mean) + (y(r, 1) - s.mean) * (y(r, 1) - s.mean);
  s.variance /= 2.0 * n;
  s.first.assign(k, 0.0);
  s.total.assign(k, 0.0);
  for (std::size_t r : rows) {
    const double a = y(r, 0), b = y(r, 1) - s.mean;
    for (std::size_t i = 0; i < k; ++i) {
      const double ab = y(r, 2 + i);
      s.first[i] += b * (ab - a);
      s.total[i] += (a - ab) * (a - ab);
    }
  }
  for (std::size_t i = 0; i < k; ++i) {
    s.first[i] /= n;
    s.total[i] /= 2.0 * n;
  }
  return s;
}

/// Evaluates the whole design: values[(row * (k + 2) + column) * m + output].
std::vector<double> evaluate_design(std::size_t k, std::size_t m, const SobolEvaluatorFactory& make_evaluator,
                                    const SobolOptions& options) {
  const std::uint64_t n = options.base_samples;
  std::vector<double> values(static_cast<std::size_t>(n) * columns(k) * m);
  std::atomic<std::uint64_t> next_row{0};
  std::mutex error_mutex;
  std::exception_ptr error;
  const auto work = [&] {
    try {
      const SobolEvaluator evaluate = make_evaluator();
      std::vector<double> ab(2 * k), u(k);
      for (std::uint64_t j = next_row++; j < n; j = next_row++) {
        sobol_point(j, 2 * k, ab);
        const std::span<const double> a(ab.data(), k), b(ab.data() + k, k);
        for (std::size_t c = 0; c < columns(k); ++c) {
          std::copy(c == 1 ? b.begin() : a.begin(), c == 1 ? b.end() : a.end(), u.begin());
          if (c >= 2) u[c - 2] = b[c - 2];
          evaluate(u, std::span<double>(values).subspan((static_cast<std::size_t>(j) * columns(k) + c) * m, m));
        }
      }
    } catch (...) {   // no exception leaves a worker: the first one is rethrown after the join
      std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      next_row = n;
    }
  };
  const unsigned threads = std::max(1u, options.threads ? options.threads : std::thread::hardware_concurrency());
  {
    std::vector<std::jthread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
  }
  if (error) std::rethrow_exception(error);
  return values;
}

SobolOutput analyse_output(std::span<const double> values, std::size_t k, std::size_t m, std::size_t output,
                           const SobolOptions& options) {
  std::vector<std::size_t> used;
  for (std::size_t r = 0; r < options.base_samples; ++r) {
    bool complete = true;
    for (std::size_t c = 0; c < columns(k); ++c) complete = complete && !std::isnan(values[(r * columns(k) + c) * m + output]);
    if (complete) used.push_back(r);
  }
  SobolOutput out;
  out.rows_used = used.size();
  if (used.size() < 2) return out;
  const Sums all = estimate(values, k, m, output, used);
  out.mean = all.mean;
  out.variance = all.variance;
  if (!(all.variance > 0.0)) return out;

  // Percentile bootstrap: resample the rows used, with replacement, and recompute
  // every index from the same resample (Archer, Saltelli & Sobol', J Stat Comput Simul 1997;58:99).
  // One stream per output, from the seed: the resamples do not depend on threads.
  RandomStream random(options.seed, static_cast<std::uint64_t>(RandomPurpose::sensitivity_bootstrap), output);
  std::vector<std::vector<double>> first(k), total(k);
  std::vector<std::size_t> pick(used.size());
  for (int b = 0; b < options.bootstrap_replicates; ++b) {
    for (std::size_t& p : pick) p = used[random.below(used.size())];
    const Sums s = estimate(values, k, m, output, pick);
    if (!(s.variance > 0.0)) continue;   // every picked row alike: no index is defined
    for (std::size_t i = 0; i < k; ++i) {
      first[i].push_back(s.first[i] / s.variance);
      total[i].push_back(s.total[i] / s.variance);
    }
  }
  const double tail = (1.0 - options.level) / 2.0;
  const auto index = [&](double estimate, std::vector<double>& replicates) {
    SobolIndex x{estimate, {estimate, estimate}};
    if (replicates.empty()) return x;
    std::sort(replicates.begin(), replicates.end());
    x.interval = {quantile_sorted(replicates, tail), quantile_sorted(replicates, 1.0 - tail)};
    return x;
  };
  for (std::size_t i = 0; i < k; ++i)
    out.factors.push_back({index(all.first[i] / all.variance, first[i]), index(all.total[i] / all.variance, total[i])});
  return out;
}

}  // namespace

void sobol_point(std::uint64_t index, std::size_t dimensions, std::span<double> point) {
  ENGRAFT_ASSERT(dimensions <= max_sobol_dimensions && point.size() == dimensions, "Sobol' point of a wrong dimension");
  ENGRAFT_ASSERT(index < (std::uint64_t{1} << bits), "Sobol' index beyond 2^32");
  for (std::size_t d = 0; d < dimensions; ++d) {
    std::uint32_t x = 0;
    for (int i = 0; i < bits; ++i)
      if ((index >> i) & 1u) x ^= directions[d][i];
    point[d] = std::ldexp(static_cast<double>(x), -bits);
  }
}

std::vector<SobolOutput> sobol_analysis(std::size_t n_factors, std::size_t n_outputs,
                                        const SobolEvaluatorFactory& make_evaluator, const SobolOptions& options) {
  ENGRAFT_ASSERT(n_factors >= 1 && n_factors <= max_sobol_factors, "Sobol' analysis of too many or no factors");
  ENGRAFT_ASSERT(n_outputs >= 1 && options.base_samples >= 2, "Sobol' analysis without outputs or samples");
  const std::vector<double> values = evaluate_design(n_factors, n_outputs, make_evaluator, options);
  std::vector<SobolOutput> outputs;
  for (std::size_t o = 0; o < n_outputs; ++o) outputs.push_back(analyse_output(values, n_factors, n_outputs, o, options));
  return outputs;
}

}  // namespace engraft
