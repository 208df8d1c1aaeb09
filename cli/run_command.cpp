#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "engraft/formats/model_file.hpp"
#include "engraft/formats/run_output.hpp"
#include "engraft/formats/scenario_file.hpp"
#include "engraft/core/terminal_table.hpp"
#include "engraft/report/reports.hpp"
#include "engraft/trial/run.hpp"

namespace engraft::cli {

namespace {

struct RunOptions {
  std::string scenario;
  std::string out;
  std::string report, lang = "en";
  bool quiet = false;
};

void print_transplant_endpoints(const Scenario& s, const RunResult& r) {
  const TransplantEndpoints& e = r.endpoints;
  TerminalTable table({"endpoint", "value", "unit", "definition"});
  const auto day = [](const std::optional<double>& v) { return v ? fmt::format("{:.0f}", *v) : "not reached"; };
  table.add_row({"neutrophil engraftment", day(e.neutrophil_engraftment_day), "day",
                 fmt::format("first of {} days ANC ≥ {}", s.endpoints.consecutive_days, s.endpoints.neutrophil_threshold)});
  table.add_row({"platelet engraftment", day(e.platelet_engraftment_day), "day",
                 fmt::format("first of {} days PLT ≥ {}, {} d transfusion-free", s.endpoints.consecutive_days,
                             s.endpoints.platelet_threshold, s.endpoints.transfusion_free_days)});
  table.add_row({"ANC 0.5 crossing", format_optional(e.anc_0_5_crossing_day), "day", "continuous, root-found"});
  table.add_row({"PLT 20 crossing", format_optional(e.plt_20_crossing_day), "day", "continuous, root-found"});
  table.add_row({"ANC nadir", format_optional(e.anc_nadir, "{:.3g}"), "10^9/L",
                 e.anc_nadir_day ? fmt::format("on day {:.1f}", *e.anc_nadir_day) : ""});
  table.add_row({"PLT nadir", format_optional(e.plt_nadir, "{:.3g}"), "10^9/L",
                 e.plt_nadir_day ? fmt::format("on day {:.1f}", *e.plt_nadir_day) : ""});
  table.add_row({"severe neutropenia", format_optional(e.severe_neutropenia_hours, "{:.0f}"), "h",
                 fmt::format("time with ANC < {}", s.endpoints.neutrophil_threshold)});
  table.add_row({"graft failure", e.graft_failure ? (*e.graft_failure ? "yes" : "no") : "unknown", "",
                 fmt::format("no neutrophil engraftment by day {:.0f}", s.endpoints.graft_failure_day)});
  std::cout << table.render();
  std::cout << "\nEvidence: autologous PBSCT with G-CSF and ≥ 2-5×10^6 CD34+/kg engrafts neutrophils at a median of\n"
               "9-13 days and platelets at 10-14 days (hematopoiesis.md §3.2, case H8). This is a model of a typical\n"
               "patient, not a forecast for a person.\n";
}

/// Models without the transplant endpoint bindings: every observable at the end of the run, with its
/// peak; `engraft explain` and `engraft evidence` give the evidence for them.
void print_observables(const CompiledModel& model, const RunResult& r) {
  const Trajectory& tr = r.solve.trajectory;
  const std::size_t n = model.n_observables();
  if (tr.times.empty()) return;
  TerminalTable table({"observable", fmt::format("day {:g}", tr.times.back()), "peak", "peak day", "unit"});
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t peak = 0;
    for (std::size_t i = 1; i < tr.times.size(); ++i)
      if (tr.observable(i, k, n) > tr.observable(peak, k, n)) peak = i;
    table.add_row({model.description().observables[k].name, fmt::format("{:.4g}", tr.observable(tr.times.size() - 1, k, n)),
                   fmt::format("{:.4g}", tr.observable(peak, k, n)), fmt::format("{:g}", tr.times[peak]),
                   model.description().observables[k].unit});
  }
  std::cout << table.render();
  std::cout << "\nA model of mechanisms, not a forecast for a person. The published evidence: engraft explain, engraft evidence.\n";
}

void print_summary(const CompiledModel& model, const Scenario& s, const RunResult& r) {
  std::cout << fmt::format("engraft {} · scenario: {} · model: {} {}\n", engraft_version(), s.name, model.name(),
                           model.description().version);
  std::cout << fmt::format("solver: {} ({} steps)\n\n", r.solve.stats.method, r.solve.stats.steps);
  const EndpointBinding& binding = model.description().endpoints;
  if (!binding.neutrophils.empty() || !binding.platelets.empty()) print_transplant_endpoints(s, r);
  else print_observables(model, r);
}

int run_command(const RunOptions& o) {
  const std::filesystem::path file = o.scenario.empty() ? default_scenario_path() : std::filesystem::path(o.scenario);
  const auto model = load_scenario_model(file);
  const Scenario scenario = read_scenario(file, *model);
  const RunResult result = run(model, scenario);
  if (!o.out.empty()) write_run_outputs(o.out, *model, scenario, result);
  if (!o.report.empty())
    write_report(o.report, run_report_html(*model, scenario, result, load_report_evidence(), report_language(o.lang)));
  if (!result.solve.ok()) {
    std::cerr << fmt::format("engraft: solve failed at t = {:.6g} d: {}: {}\n", result.solve.t_failed,
                             to_string(result.solve.status), result.solve.message);
    return 1;
  }
  if (!o.quiet) print_summary(*model, scenario, result);
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Simulate one patient's scenario and print the engraftment summary");
  cmd->add_option("scenario", options->scenario, "Scenario file (TOML); default: the built-in typical autologous transplant");
  cmd->add_option("--out", options->out, "Write timecourse.csv and summary.json into this folder");
  cmd->add_flag("--quiet", options->quiet, "Print nothing on success");
  add_report_options(*cmd, options->report, options->lang);
  cmd->callback([options, &action] { action = [options] { return run_command(*options); }; });
}

}  // namespace engraft::cli
