// The name a file uses for a distribution kind (trial files, summary.json, fit.json). Private to formats/.
#pragma once

#include "engraft/trial/population.hpp"

namespace engraft::detail {

inline const char* distribution_name(DistributionKind kind) {
  switch (kind) {
    case DistributionKind::normal: return "normal";
    case DistributionKind::lognormal: return "lognormal";
    case DistributionKind::uniform: return "uniform";
  }
  return "";
}

}  // namespace engraft::detail
