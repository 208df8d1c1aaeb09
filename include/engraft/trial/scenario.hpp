// One patient's run as data: model choice, parameter values, regimen, time
// window, solver settings and endpoint definitions. formats/ reads it from a file.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "engraft/solve/regimen.hpp"
#include "engraft/solve/solver.hpp"
#include "engraft/trial/endpoints.hpp"

namespace engraft {

struct ParameterOverride {
  std::string name;
  double value = 0.0;           // in the parameter's own unit
  SourceLocation where;
};

/// The patient's size, for doses written per kg or per m² (resolved when the file is read).
struct BodySize {
  double weight_kg = 70.0;   // reference adult (ICRP 89)
  double bsa_m2 = 1.8;       // reference adult; Mosteller from height and weight when given
};

struct Scenario {
  std::string name;
  std::string description;
  std::filesystem::path file;   // where it was read from (empty for built-in)
  std::string model;            // built-in name or path, as written
  std::vector<ParameterOverride> parameters;
  Regimen regimen;
  double start_day = 0.0;
  double end_day = 60.0;
  double output_step_days = 1.0 / 24.0;  // timecourse resolution; whole days are always included
  SolverOptions solver;
  EndpointSettings endpoints;
  std::string graft_source = "pbsc";     // pbsc | bone_marrow | cord_blood
  BodySize body;
};

}  // namespace engraft
