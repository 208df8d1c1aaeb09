#include "engraft/formats/run_output.hpp"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "engraft/formats/atomic_file.hpp"

namespace engraft {

std::string engraft_version() { return ENGRAFT_VERSION; }

namespace {
nlohmann::json optional_number(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }
nlohmann::json optional_bool(const std::optional<bool>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }
}  // namespace

void write_timecourse_csv(const CompiledModel& model, const RunResult& result, std::ostream& out) {
  const Model& m = model.description();
  out << "time_day";
  for (const Observable& o : m.observables) out << "," << o.name;
  for (const State& s : m.states) out << "," << s.name;
  out << "\n";
  const Trajectory& tr = result.solve.trajectory;
  const std::size_t ns = model.n_states(), no = model.n_observables();
  for (std::size_t i = 0; i < tr.times.size(); ++i) {
    out << fmt::format("{:.10g}", tr.times[i]);
    for (std::size_t k = 0; k < no; ++k) out << fmt::format(",{:.10g}", tr.observables[i * no + k]);
    for (std::size_t k = 0; k < ns; ++k) out << fmt::format(",{:.10g}", tr.states[i * ns + k]);
    out << "\n";
  }
}

void write_summary_json(const CompiledModel& model, const Scenario& scenario, const RunResult& result, std::ostream& out) {
  const Model& m = model.description();
  const TransplantEndpoints& e = result.endpoints;
  nlohmann::ordered_json j;
  j["engraft_version"] = engraft_version();
  j["scenario"] = {{"name", scenario.name}, {"file", scenario.file.string()}, {"start_day", scenario.start_day},
                   {"end_day", scenario.end_day}, {"graft_source", scenario.graft_source}};
  j["model"] = {{"name", m.name}, {"version", m.version}, {"file", m.where.file.string()},
                {"hash", fmt::format("{:016x}", model.content_hash())}};
  j["solver"] = {{"status", to_string(result.solve.status)}, {"message", result.solve.message},
                 {"method", result.solve.stats.method}, {"steps", result.solve.stats.steps},
                 {"rejected_steps", result.solve.stats.rejected_steps},
                 {"rhs_evaluations", result.solve.stats.rhs_evaluations},
                 {"rtol", scenario.solver.rtol}, {"atol", scenario.solver.atol}};
  if (!result.solve.ok()) j["solver"]["t_failed_day"] = result.solve.t_failed;
  j["endpoint_definitions"] = {{"graft_day", scenario.endpoints.graft_day},
                               {"neutrophil_threshold_1e9_per_L", scenario.endpoints.neutrophil_threshold},
                               {"platelet_threshold_1e9_per_L", scenario.endpoints.platelet_threshold},
                               {"consecutive_days", scenario.endpoints.consecutive_days},
                               {"transfusion_free_days", scenario.endpoints.transfusion_free_days},
                               {"graft_failure_day", scenario.endpoints.graft_failure_day},
                               {"source", "ASTCT consensus (Bone Marrow Transplant 2024;59:832, Table 1); hematopoiesis.md H14"}};
  j["endpoints"] = {
      {"neutrophil_engraftment_day", optional_number(e.neutrophil_engraftment_day)},
      {"platelet_engraftment_day", optional_number(e.platelet_engraftment_day)},
      {"graft_failure", optional_bool(e.graft_failure)},
      {"anc_nadir", optional_number(e.anc_nadir)},
      {"anc_nadir_day", optional_number(e.anc_nadir_day)},
      {"plt_nadir", optional_number(e.plt_nadir)},
      {"plt_nadir_day", optional_number(e.plt_nadir_day)},
      {"severe_neutropenia_hours", optional_number(e.severe_neutropenia_hours)},
      {"anc_0_5_crossing_day", optional_number(e.anc_0_5_crossing_day)},
      {"plt_20_crossing_day", optional_number(e.plt_20_crossing_day)},
      {"anc_rise_24h", optional_number(e.anc_rise_24h)},
  };
  nlohmann::ordered_json parameters = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < m.parameters.size(); ++i) {
    const Parameter& p = m.parameters[i];
    parameters.push_back({{"name", p.name}, {"value", result.parameters[i]}, {"default", p.value}, {"unit", p.unit},
                          {"source", p.source}, {"uncertainty", p.uncertainty}});
  }
  j["parameters"] = parameters;
  nlohmann::ordered_json doses = nlohmann::ordered_json::array();
  for (const Dose& d : scenario.regimen.doses)
    doses.push_back({{"route", d.route}, {"day", d.time_days}, {"amount", d.amount},
                     {"unit", model.route(d.route).unit}, {"duration_days", d.duration_days},
                     {"interval_days", d.interval_days}, {"additional", d.additional}});
  j["doses"] = doses;
  out << j.dump(2) << "\n";
}

void write_run_outputs(const std::filesystem::path& dir, const CompiledModel& model, const Scenario& scenario,
                       const RunResult& result) {
  std::filesystem::create_directories(dir);
  AtomicFile timecourse(dir / "timecourse.csv");
  AtomicFile summary(dir / "summary.json");
  write_timecourse_csv(model, result, timecourse.stream());
  write_summary_json(model, scenario, result, summary.stream());
  timecourse.commit();
  summary.commit();
}

}  // namespace engraft
