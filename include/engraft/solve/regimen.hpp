// Doses as data: what is given, where, when and how fast.
#pragma once

#include <string>
#include <vector>

#include "engraft/core/error.hpp"

namespace engraft {

/// One dosing record, in the route's unit and in days (already converted by formats/).
struct Dose {
  double time_days = 0.0;
  std::string route;
  double amount = 0.0;            // per administration, in the route's unit
  double duration_days = 0.0;     // 0 = bolus; otherwise a zero-order infusion of amount/duration
  double interval_days = 0.0;     // II: time between repeats
  int additional = 0;             // ADDL: repeats after the first
  SourceLocation where;           // for messages
};

struct Regimen {
  std::vector<Dose> doses;
};

}  // namespace engraft
