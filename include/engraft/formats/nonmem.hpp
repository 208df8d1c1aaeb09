// NONMEM-style data sets: one record per row (ID, TIME, EVID, AMT, CMT, RATE, II,
// ADDL, SS, and covariate columns named like model parameters), simulated at
// every record, predictions written in record order.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "engraft/model/compiled_model.hpp"
#include "engraft/solve/regimen.hpp"
#include "engraft/solve/solver.hpp"

namespace engraft {

struct RecordSubject {
  std::string id;
  std::vector<std::pair<std::size_t, double>> parameter_values;  // from covariate columns (first record)
  Regimen regimen;
  std::vector<double> record_times_days;                         // one per record, in record order
  std::vector<double> record_times_as_written;
};

struct RecordSet {
  std::vector<RecordSubject> subjects;
};

struct RecordOptions {
  double days_per_time_unit = 1.0 / 24.0;  // TIME, II and RATE are per hour by default
};

/// Reads a data set against a model. CMT n doses the route that puts its whole dose into
/// the n-th state. Throws InputError naming the file, line and column.
RecordSet read_nonmem_data(const std::filesystem::path& file, const CompiledModel& model, const RecordOptions& options);

/// Simulates every subject and writes `ID,TIME,<observable>` at every record, in record order.
/// A subject whose solve fails gets empty values and a line on `failures`. Returns the number of failures.
int simulate_records(const std::shared_ptr<const CompiledModel>& model, const RecordSet& records,
                     std::size_t observable, const SolverOptions& solver_options, std::ostream& out,
                     std::ostream& failures);

}  // namespace engraft
