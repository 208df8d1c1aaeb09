// Doses as data: what is given, where, when and how fast (NONMEM-style records map here too).
#pragma once

#include <string>
#include <vector>

#include "engraft/core/error.hpp"

namespace engraft {

enum class DoseKind {
  dose,            // EVID 1
  reset,           // EVID 3: states back to their initial values, infusions stopped
  reset_and_dose,  // EVID 4
};

enum class RateMode {
  given,               // bolus, or an infusion with a given duration or rate
  modelled_rate,       // RATE = -1: the route's `rate` expression
  modelled_duration,   // RATE = -2: the route's `duration` expression
};

/// One dosing record, in the route's unit and in days (already converted by formats/).
struct Dose {
  double time_days = 0.0;
  std::string route;
  double amount = 0.0;            // per administration, in the route's unit
  double duration_days = 0.0;     // > 0: infusion of (F x amount) over this time
  double rate_per_day = 0.0;      // > 0: infusion at this rate, lasting F x amount / rate
  double interval_days = 0.0;     // II: time between repeats
  int additional = 0;             // ADDL: repeats after the first
  DoseKind kind = DoseKind::dose;
  RateMode rate_mode = RateMode::given;
  int steady_state = 0;           // SS: 0 none; 1 the system is at steady state of this regimen; 2 add it
  SourceLocation where;           // for messages
};

struct Regimen {
  std::vector<Dose> doses;
};

}  // namespace engraft
