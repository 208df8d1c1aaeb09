// Random numbers that are a pure function of (seed, stream, index): a subject's
// draws do not depend on which thread or process simulates it, and the transforms
// are written here (not std::normal_distribution, whose algorithm is
// implementation-defined) so that results are the same with any standard library.
#pragma once

#include <cstdint>
#include <random>

namespace engraft {

/// SplitMix64 finaliser (Steele, Lea, Flood, OOPSLA 2014): a bijective 64-bit mix.
std::uint64_t splitmix64(std::uint64_t x);

/// One independent stream per (seed, stream, index). std::mt19937_64's output
/// sequence is fixed by the C++ standard, so a stream is portable.
class RandomStream {
 public:
  RandomStream(std::uint64_t seed, std::uint64_t stream, std::uint64_t index);

  /// Uniform on [0, 1) with 53 random bits.
  double uniform();
  /// Uniform on (0, 1): never 0, for logarithms.
  double uniform_open();
  /// Standard normal by Marsaglia's polar method (Marsaglia & Bray, SIAM Rev 1964;6:260).
  double normal();
  std::uint64_t bits() { return engine_(); }
  /// Uniform integer in [0, n) without modulo bias (Lemire's rejection on 64 bits).
  std::uint64_t below(std::uint64_t n);

 private:
  std::mt19937_64 engine_;
  double spare_normal_ = 0.0;
  bool has_spare_ = false;
};

/// Stream identifiers, so that different uses of one seed never share draws.
enum class RandomPurpose : std::uint64_t {
  patient = 1,
  bootstrap = 2,
  fit_start = 3,              // starting points of a personalised fit after the first (the prior's mode)
  forecast = 4,               // posterior and prior draws of a forecast
  observation_noise = 5,      // residual error of simulated observations (fit validation)
  dose = 6,                   // a patient's dose factors ([population.doses.ROUTE])
  sensitivity_bootstrap = 7,  // bootstrap of Sobol indices
};

}  // namespace engraft
