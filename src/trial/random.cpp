#include "engraft/trial/random.hpp"

#include <cmath>

namespace engraft {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Chained mixing keeps (seed, stream, index) triples apart: a change in any one
// changes every bit of the engine's seed.
RandomStream::RandomStream(std::uint64_t seed, std::uint64_t stream, std::uint64_t index)
    : engine_(splitmix64(splitmix64(splitmix64(seed) ^ stream) ^ index)) {}

double RandomStream::uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

double RandomStream::uniform_open() { return (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53; }

double RandomStream::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_normal_;
  }
  double u = 0.0, v = 0.0, s = 0.0;
  do {
    u = 2.0 * uniform() - 1.0;
    v = 2.0 * uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double factor = std::sqrt(-2.0 * std::log(s) / s);
  spare_normal_ = v * factor;
  has_spare_ = true;
  return u * factor;
}

std::uint64_t RandomStream::below(std::uint64_t n) {
  // Reject the top partial block of 2^64 so that every residue is equally likely.
  const std::uint64_t limit = n == 0 ? 0 : (0 - n) % n;
  for (;;) {
    const std::uint64_t x = engine_();
    if (x >= limit) return x % n;
  }
}

}  // namespace engraft
