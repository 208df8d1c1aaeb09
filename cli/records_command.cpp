#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "commands.hpp"
#include "engraft/core/units.hpp"
#include "engraft/formats/atomic_file.hpp"
#include "engraft/formats/model_file.hpp"
#include "engraft/formats/nonmem.hpp"

namespace engraft::cli {

namespace {

struct RecordsOptions {
  std::string model, data, out, observable, time_unit = "h";
  double rtol = 1e-8, atol = 1e-10;
};

int records_command(const RecordsOptions& o) {
  const auto model = CompiledModel::compile(load_model(o.model));
  RecordOptions options;
  try {
    options.days_per_time_unit = conversion_factor(parse_unit(o.time_unit), parse_unit("d"));
  } catch (const std::invalid_argument& e) {
    throw InputError({"", 0, "--time-unit"}, "a unit of time (h, d, min)", "'" + o.time_unit + "'", e.what());
  }
  const RecordSet records = read_nonmem_data(o.data, *model, options);
  if (model->n_observables() == 0) throw InputError(model->description().where, "a model with an observable", "none");
  const std::size_t observable = o.observable.empty() ? 0 : model->observable_index(o.observable, {"", 0, "--observable"});
  SolverOptions solver;
  solver.rtol = o.rtol;
  solver.atol = o.atol;
  std::ostringstream failures;
  AtomicFile out(o.out);
  const int failed = simulate_records(model, records, observable, solver, out.stream(), failures);
  out.commit();
  std::cerr << failures.str();
  if (failed) std::cerr << fmt::format("engraft: {} of {} subjects failed (their predictions are empty)\n", failed, records.subjects.size());
  return failed ? 1 : 0;
}

}  // namespace

void add_records_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<RecordsOptions>();
  CLI::App* cmd = app.add_subcommand("records", "Simulate a model at every record of a NONMEM-style data set");
  cmd->add_option("model", o->model, "Built-in model name or model file")->required();
  cmd->add_option("data", o->data, "Data set (CSV: ID, TIME, EVID, AMT, CMT, RATE, II, ADDL, SS, covariates)")->required();
  cmd->add_option("--out", o->out, "Predictions CSV (ID, TIME, observable), one row per record, in record order")->required();
  cmd->add_option("--observable", o->observable, "Observable to predict (default: the model's first)");
  cmd->add_option("--time-unit", o->time_unit, "Unit of TIME and II (RATE is amount per this unit)")->capture_default_str();
  cmd->add_option("--rtol", o->rtol, "Relative tolerance")->capture_default_str();
  cmd->add_option("--atol", o->atol, "Absolute tolerance (state units)")->capture_default_str();
  cmd->callback([o, &action] { action = [o] { return records_command(*o); }; });
}

}  // namespace engraft::cli
