#include "engraft/formats/scenario_file.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engraft/formats/model_file.hpp"
#include "scenario_reader.hpp"
#include "toml_reader.hpp"

namespace engraft {

using detail::TomlNode;

namespace {

constexpr int mass_dimension = 0, length_dimension = 1;

// What the user wrote, for messages: "-1 h" rather than the converted -0.0417 days.
std::string as_written(const TomlNode& node, double value) {
  return node.raw().is_string() ? "\"" + node.as_string() + "\"" : fmt::format("{}", value);
}

double positive(const TomlNode& node, double value, const std::string& what) {
  if (!(value > 0.0)) node.fail(what + " > 0", as_written(node, value));
  return value;
}

double non_negative(const TomlNode& node, double value, const std::string& what) {
  if (!(value >= 0.0)) node.fail(what + " >= 0", as_written(node, value));
  return value;
}

// An amount in the route's unit. "200 mg/m2" into a route in mg is multiplied by the
// BSA, "5 ug/kg" into a route in ug by the weight; per-kg routes take per-kg doses.
double dose_amount(const TomlNode& node, const std::string& route_unit, const BodySize& patient) {
  if (!node.raw().is_string()) return non_negative(node, node.as_number(), "an amount");
  const std::string text = node.as_string();
  Quantity q;
  Unit target;
  try {
    q = parse_quantity(text);
    target = parse_unit(route_unit);
  } catch (const std::invalid_argument& e) {
    node.fail("an amount with a unit", "\"" + text + "\"", e.what());
  }
  non_negative(node, q.value, "an amount");
  if (same_dimension(q.unit, target)) return q.value * conversion_factor(q.unit, target);
  Unit per_area = q.unit;  // x/m2 * m2
  per_area.dimension[length_dimension] += 2;
  if (same_dimension(per_area, target)) return q.value * patient.bsa_m2 * q.unit.scale / target.scale;
  Unit per_mass = q.unit;  // x/kg * kg (canonical mass is the gram)
  per_mass.dimension[mass_dimension] += 1;
  if (same_dimension(per_mass, target)) return q.value * patient.weight_kg * 1000.0 * q.unit.scale / target.scale;
  node.fail(fmt::format("an amount convertible to the route's unit '{}' (directly, per kg or per m²)", route_unit),
            "\"" + text + "\"");
}

double days(const TomlNode& node) { return node.as_quantity("d"); }

BodySize read_patient(const TomlNode& node) {
  node.allow_only({"weight", "height", "bsa", "age", "sex"});
  BodySize p;
  if (node.has("weight")) p.weight_kg = positive(node.child("weight"), node.child("weight").as_quantity("kg"), "a weight");
  if (node.has("bsa")) {
    p.bsa_m2 = positive(node.child("bsa"), node.child("bsa").as_quantity("m^2"), "a body surface area");
  } else if (node.has("height")) {
    const double cm = positive(node.child("height"), node.child("height").as_quantity("cm"), "a height");
    p.bsa_m2 = std::sqrt(cm * p.weight_kg / 3600.0);  // Mosteller, N Engl J Med 1987;317:1098
  }
  if (node.has("age")) non_negative(node.child("age"), node.child("age").as_quantity("wk") / 52.1775, "an age");
  if (node.has("sex")) {
    const std::string sex = node.child("sex").as_string();
    if (sex != "female" && sex != "male") node.child("sex").fail("\"female\" or \"male\"", "\"" + sex + "\"");
  }
  return p;
}

}  // namespace

namespace detail {
Dose read_dose(const TomlNode& node, const CompiledModel& model, const BodySize& patient, double start_day) {
  node.allow_only({"route", "day", "amount", "duration", "rate", "interval", "additional"});
  Dose d;
  d.where = node.where();
  d.route = node.child("route").as_string();
  const ResolvedRoute& route = model.route(d.route, node.child("route").where());
  d.time_days = node.has("day") ? days(node.child("day")) : 0.0;
  if (d.time_days < start_day)
    (node.has("day") ? node.child("day") : node)
        .fail(fmt::format("a dose on or after start_day {}", start_day), fmt::format("day {}", d.time_days),
              "move start_day earlier");
  d.amount = dose_amount(node.child("amount"), route.unit, patient);
  if (node.has("duration") && node.has("rate")) node.child("rate").fail("either duration or rate, not both", "both");
  if (node.has("duration")) d.duration_days = non_negative(node.child("duration"), days(node.child("duration")), "a duration");
  if (node.has("rate")) {
    const TomlNode rate = node.child("rate");
    const double per_day = dose_amount(rate, route.unit + "/d", patient);
    d.rate_per_day = positive(rate, per_day, "a rate");
  }
  if (node.has("interval")) d.interval_days = positive(node.child("interval"), days(node.child("interval")), "an interval");
  if (node.has("additional")) {
    d.additional = node.child("additional").as_int();
    if (d.additional < 0) node.child("additional").fail("an integer >= 0", fmt::format("{}", d.additional));
    if (d.additional > 0 && !node.has("interval"))
      node.child("additional").fail("an interval = \"...\" for additional doses", "no interval");
  }
  return d;
}

void read_parameter_overrides(const TomlNode& table, const CompiledModel& model, std::vector<ParameterOverride>& out) {
  for (const auto& [name, node] : table.children()) {
    const std::size_t index = model.parameter_index(name, node.where());
    const std::string& unit = model.description().parameters[index].unit;
    out.push_back({name, node.as_quantity(unit), node.where()});
  }
}
}  // namespace detail

namespace {

void read_solver(const TomlNode& node, SolverOptions& o) {
  node.allow_only({"method", "rtol", "atol", "max_steps"});
  if (node.has("method")) {
    const std::string m = node.child("method").as_string();
    if (m == "auto") o.method = Method::automatic;
    else if (m == "rk45") o.method = Method::rk45;
    else if (m == "bdf") o.method = Method::bdf;
    else node.child("method").fail("auto, rk45 or bdf", "\"" + m + "\"");
  }
  if (node.has("rtol")) o.rtol = positive(node.child("rtol"), node.child("rtol").as_number(), "a relative tolerance");
  if (node.has("atol")) o.atol = positive(node.child("atol"), node.child("atol").as_number(), "an absolute tolerance");
  if (node.has("max_steps")) o.max_steps = static_cast<long>(positive(node.child("max_steps"), node.child("max_steps").as_int(), "a step limit"));
}

void read_endpoints(const TomlNode& node, EndpointSettings& e) {
  node.allow_only({"neutrophil_threshold", "platelet_threshold", "consecutive_days", "transfusion_free_days",
                   "graft_failure_day"});
  if (node.has("neutrophil_threshold"))
    e.neutrophil_threshold = positive(node.child("neutrophil_threshold"), node.child("neutrophil_threshold").as_quantity("10^9/L"), "a threshold");
  if (node.has("platelet_threshold"))
    e.platelet_threshold = positive(node.child("platelet_threshold"), node.child("platelet_threshold").as_quantity("10^9/L"), "a threshold");
  if (node.has("consecutive_days"))
    e.consecutive_days = static_cast<int>(positive(node.child("consecutive_days"), node.child("consecutive_days").as_int(), "a number of days"));
  if (node.has("transfusion_free_days"))
    e.transfusion_free_days = static_cast<int>(non_negative(node.child("transfusion_free_days"), node.child("transfusion_free_days").as_int(), "a number of days"));
  if (node.has("graft_failure_day"))
    e.graft_failure_day = positive(node.child("graft_failure_day"), days(node.child("graft_failure_day")), "a day");
}

}  // namespace

ModelReference scenario_model(const std::filesystem::path& file) {
  const auto [document, path] = TomlNode::parse_file(file);
  const TomlNode root(document, path, "");
  root.require_table();
  const TomlNode model = root.child("scenario").child("model");
  return {model.as_string(), model.where()};
}

std::shared_ptr<const CompiledModel> load_scenario_model(const std::filesystem::path& scenario_file) {
  const ModelReference ref = scenario_model(scenario_file);
  return CompiledModel::compile(load_model(ref.name_or_path, scenario_file.parent_path(), ref.where));
}

namespace {

Scenario scenario_from(const TomlNode& root, const std::filesystem::path& path, const CompiledModel& model) {
  root.require_table();
  root.allow_only({"scenario", "patient", "graft", "parameters", "dose", "solver", "endpoints"});
  Scenario s;
  s.file = path;
  const TomlNode head = root.child("scenario");
  head.allow_only({"name", "description", "model", "start_day", "end_day", "output_step"});
  s.name = head.string_or("name", path.stem().string());
  s.description = head.string_or("description", "");
  s.model = head.child("model").as_string();
  if (head.has("start_day")) s.start_day = days(head.child("start_day"));
  if (head.has("end_day")) s.end_day = days(head.child("end_day"));
  if (!(s.end_day > s.start_day))
    (head.has("end_day") ? head.child("end_day") : head)
        .fail(fmt::format("end_day after start_day ({})", s.start_day), fmt::format("{}", s.end_day));
  if (s.end_day - s.start_day > 36500) head.child("end_day").fail("a run of at most 100 years", fmt::format("{} d", s.end_day - s.start_day));
  if (head.has("output_step")) {
    const TomlNode step = head.child("output_step");
    s.output_step_days = positive(step, days(step), "an output step");
    if ((s.end_day - s.start_day) / s.output_step_days > 1e6) step.fail("at most 10^6 output times", "more");
  }

  s.body = root.has("patient") ? read_patient(root.child("patient")) : BodySize{};
  const BodySize& patient = s.body;
  if (root.has("graft")) {
    const TomlNode graft = root.child("graft");
    graft.allow_only({"cd34", "day", "source", "route", "viability"});
    Dose d;
    d.where = graft.where();
    d.route = graft.string_or("route", "graft");
    const ResolvedRoute& route = model.route(d.route, graft.where("route"));
    d.time_days = graft.has("day") ? days(graft.child("day")) : 0.0;
    d.amount = dose_amount(graft.child("cd34"), route.unit, patient);
    s.endpoints.graft_day = d.time_days;
    s.graft_source = graft.string_or("source", "pbsc");
    if (s.graft_source == "cord_blood") s.endpoints.graft_failure_day = 42.0;  // ASTCT (H14)
    else if (s.graft_source != "pbsc" && s.graft_source != "bone_marrow")
      graft.child("source").fail("pbsc, bone_marrow or cord_blood", "\"" + s.graft_source + "\"");
    if (graft.has("viability")) {
      const TomlNode v = graft.child("viability");
      const double value = v.as_quantity("1");
      if (!(value > 0.0 && value <= 1.0)) v.fail("a viable fraction in (0, 1] (or a percentage)", fmt::format("{}", value));
      s.parameters.push_back({"viability", value, v.where()});
      model.parameter_index("viability", v.where());
    }
    s.regimen.doses.push_back(d);
  }
  if (root.has("parameters")) detail::read_parameter_overrides(root.child("parameters"), model, s.parameters);
  if (root.has("dose"))
    for (const TomlNode& node : root.child("dose").array_of_tables())
      s.regimen.doses.push_back(detail::read_dose(node, model, patient, s.start_day));
  if (root.has("solver")) read_solver(root.child("solver"), s.solver);
  if (root.has("endpoints")) read_endpoints(root.child("endpoints"), s.endpoints);
  if (s.regimen.doses.size() > 0 && root.has("graft") && s.regimen.doses.front().time_days < s.start_day)
    root.child("graft").fail(fmt::format("a graft day on or after start_day {}", s.start_day),
                             fmt::format("day {}", s.regimen.doses.front().time_days), "move start_day earlier");
  return s;
}

}  // namespace

Scenario read_scenario(const std::filesystem::path& file, const CompiledModel& model) {
  const auto [document, path] = TomlNode::parse_file(file);
  return scenario_from(TomlNode(document, path, ""), path, model);
}

TextScenario read_scenario_text(const std::string& text, const std::filesystem::path& label,
                                const std::function<std::shared_ptr<const CompiledModel>(const std::string&)>& builtin) {
  const toml::value document = TomlNode::parse_text(text, label);
  const TomlNode root(document, label, "");
  root.require_table();
  const TomlNode model_node = root.child("scenario").child("model");
  const std::string name = model_node.as_string();
  const auto names = builtin_model_names();
  if (std::find(names.begin(), names.end(), name) == names.end())
    model_node.fail(fmt::format("a built-in model ({}); a scenario sent as text may not name a file", fmt::join(names, ", ")),
                    "\"" + name + "\"");
  TextScenario result;
  result.model = builtin(name);
  result.scenario = scenario_from(root, label, *result.model);
  return result;
}

std::filesystem::path default_scenario_path() {
  return builtin_models_dir().parent_path() / "scenarios" / "default.toml";
}

}  // namespace engraft
