#include "engraft/formats/sensitivity_file.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "engraft/formats/scenario_file.hpp"
#include "scenario_reader.hpp"
#include "toml_reader.hpp"

namespace engraft {

using detail::TomlNode;

namespace {

// 2^20 base samples: with 16 factors, 18.9 million solves and 150 MB of values per
// endpoint; a larger design is a mistake, not a study.
constexpr int max_samples = 1 << 20;

FactorScale read_scale(const TomlNode& node) {
  const std::string text = node.as_string();
  if (text == "uniform") return FactorScale::uniform;
  if (text == "loguniform") return FactorScale::log_uniform;
  node.fail("uniform or loguniform", "\"" + text + "\"");
}

SensitivityFactor read_factor(const std::string& name, const TomlNode& node, FactorTarget target, std::string unit) {
  node.allow_only({"distribution", "lower", "upper", "source"});
  SensitivityFactor f;
  f.name = name;
  f.target = target;
  f.unit = std::move(unit);
  f.where = node.where();
  if (node.has("distribution")) f.scale = read_scale(node.child("distribution"));
  f.lower = node.child("lower").as_quantity(f.unit);
  f.upper = node.child("upper").as_quantity(f.unit);
  if (f.scale == FactorScale::log_uniform && !(f.lower > 0.0))
    node.child("lower").fail("lower > 0 for a loguniform range", fmt::format("{}", f.lower));
  if (!(f.lower < f.upper)) node.child("upper").fail(fmt::format("upper > lower ({})", f.lower), fmt::format("{}", f.upper));
  f.source = node.child("source").as_string();   // every range has its source
  return f;
}

/// How a subject who never reaches an endpoint counts: "drop" its rows, or
/// "end_of_run": the time from the graft to the end of the run (a censored time).
std::vector<std::optional<double>> read_not_reached(const TomlNode& head, const SensitivitySpec& spec) {
  std::vector<std::optional<double>> out(spec.endpoints.size());
  if (!head.has("not_reached")) return out;
  const TomlNode node = head.child("not_reached");
  const std::string text = node.as_string();
  if (text == "drop") return out;
  if (text != "end_of_run") node.fail("drop or end_of_run", "\"" + text + "\"");
  for (std::size_t e = 0; e < spec.endpoints.size(); ++e) {
    if (spec.endpoints[e]->unit != "day")
      node.fail("endpoints in days only with end_of_run", fmt::format("'{}' in '{}'", spec.endpoints[e]->name,
                                                                      spec.endpoints[e]->yes_no ? "yes/no" : spec.endpoints[e]->unit),
                "use not_reached = \"drop\", or list only day endpoints");
    out[e] = spec.scenario.end_day - spec.scenario.endpoints.graft_day;
  }
  return out;
}

}  // namespace

LoadedSensitivity read_sensitivity(const std::filesystem::path& file) {
  const auto [document, path] = TomlNode::parse_file(file);
  const TomlNode root(document, path, "");
  root.require_table();
  root.allow_only({"sensitivity", "parameters", "doses"});
  const TomlNode head = root.child("sensitivity");
  head.allow_only({"name", "description", "scenario", "seed", "samples", "endpoints", "bootstrap", "not_reached"});
  const std::filesystem::path scenario_file = detail::read_scenario_path(head, path.parent_path());

  LoadedSensitivity loaded;
  loaded.model = load_scenario_model(scenario_file);
  const CompiledModel& model = *loaded.model;
  SensitivitySpec& spec = loaded.spec;
  spec.file = path;
  spec.scenario = read_scenario(scenario_file, model);
  spec.name = head.string_or("name", path.stem().string());
  spec.description = head.string_or("description", "");
  spec.sobol.seed = static_cast<std::uint64_t>(head.child("seed").int_in(0, 1000000000));
  spec.sobol.base_samples = static_cast<std::uint64_t>(head.child("samples").int_in(2, max_samples));
  if (head.has("bootstrap")) spec.sobol.bootstrap_replicates = head.child("bootstrap").int_in(1, 100000);
  spec.endpoints = detail::read_endpoint_list(head.find("endpoints"), {}, model);
  if (spec.endpoints.empty()) head.fail("endpoints: the model binds no neutrophils or platelets", "none");
  spec.not_reached = read_not_reached(head, spec);

  if (root.has("parameters"))
    for (const auto& [name, node] : root.child("parameters").children()) {
      const std::size_t index = model.parameter_index(name, node.where());
      spec.factors.push_back(read_factor(name, node, FactorTarget::parameter, model.description().parameters[index].unit));
    }
  if (root.has("doses"))
    for (const auto& [route, node] : root.child("doses").children()) {
      const std::string unit = model.route(route, node.where()).unit;
      const auto& doses = spec.scenario.regimen.doses;
      if (std::none_of(doses.begin(), doses.end(), [&](const Dose& d) { return d.route == route; }))
        node.fail(fmt::format("a route the scenario doses ('{}' has no dose of '{}')", spec.scenario.name, route), "none");
      spec.factors.push_back(read_factor(route, node, FactorTarget::dose, unit));
    }
  if (spec.factors.empty() || spec.factors.size() > max_sobol_factors)
    throw InputError(root.where("parameters"), fmt::format("1 to {} factors under [parameters] and [doses]", max_sobol_factors),
                     fmt::format("{}", spec.factors.size()),
                     "a Saltelli design takes 2 x factors dimensions of the 32 built-in Sobol' dimensions");
  return loaded;
}

}  // namespace engraft
