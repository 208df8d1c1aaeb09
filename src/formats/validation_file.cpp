#include "engraft/formats/validation_file.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "engraft/formats/model_file.hpp"
#include "engraft/formats/scenario_file.hpp"
#include "toml_reader.hpp"

namespace engraft {

using detail::TomlNode;

namespace {

Metric metric_named(const TomlNode& node) {
  static const std::map<std::string, Metric> names = {
      {"crossing_up", Metric::crossing_up},     {"crossing_down", Metric::crossing_down},
      {"value_at", Metric::value_at},           {"nadir_value", Metric::nadir_value},
      {"nadir_day", Metric::nadir_day},         {"maximum_value", Metric::maximum_value},
      {"maximum_day", Metric::maximum_day},     {"endpoint", Metric::endpoint}};
  const std::string name = node.as_string();
  const auto it = names.find(name);
  if (it == names.end())
    node.fail("crossing_up, crossing_down, value_at, nadir_value, nadir_day, maximum_value, maximum_day or endpoint",
              "\"" + name + "\"");
  return it->second;
}

ValidationCheck read_check(const TomlNode& node, const ValidationCase& c) {
  node.allow_only({"name", "run", "minus", "metric", "observable", "threshold", "day", "endpoint", "scale", "expected",
                   "relative_tolerance", "absolute_tolerance", "band", "why"});
  ValidationCheck k;
  k.where = node.where();
  k.name = node.child("name").as_string();
  k.run = node.child("run").as_string();
  if (!c.runs.count(k.run)) node.child("run").fail("the name of a run of this case", "'" + k.run + "'");
  k.minus = node.string_or("minus", "");
  if (!k.minus.empty() && !c.runs.count(k.minus)) node.child("minus").fail("the name of a run of this case", "'" + k.minus + "'");
  k.metric = metric_named(node.child("metric"));
  if (k.metric == Metric::endpoint) k.endpoint = node.child("endpoint").as_string();
  else k.observable = node.child("observable").as_string();
  if (k.metric == Metric::crossing_up || k.metric == Metric::crossing_down) k.threshold = node.child("threshold").as_number();
  if (k.metric == Metric::value_at) k.day = node.child("day").as_number();
  k.scale = node.number_or("scale", 1.0);
  k.why = node.child("why").as_string();
  if (node.has("expected")) {
    k.expected = node.child("expected").as_number();
    k.relative_tolerance = node.number_or("relative_tolerance", 0.0);
    k.absolute_tolerance = node.number_or("absolute_tolerance", 0.0);
    if (k.relative_tolerance <= 0 && k.absolute_tolerance <= 0)
      node.fail("relative_tolerance or absolute_tolerance > 0 with expected", "neither");
  } else {
    const TomlNode band = node.child("band");
    if (!band.raw().is_array() || band.raw().as_array().size() != 2) band.fail("[min, max] (use \"-inf\"/\"inf\" for open ends)", "something else");
    const auto end = [&](std::size_t i) -> std::optional<double> {
      const TomlNode v(band.raw().as_array()[i], band.where().file, band.key());
      if (v.raw().is_string()) {
        const std::string s = v.as_string();
        if (s == "-inf" || s == "inf") return std::nullopt;
        v.fail("a number, \"-inf\" or \"inf\"", s);
      }
      return v.as_number();
    };
    k.band_min = end(0);
    k.band_max = end(1);
  }
  return k;
}

}  // namespace

LoadedValidationCase read_validation_case(const std::filesystem::path& file) {
  const auto [document, path] = TomlNode::parse_file(file);
  const TomlNode root(document, path, "");
  root.allow_only({"case", "runs", "checks"});
  LoadedValidationCase loaded;
  ValidationCase& c = loaded.spec;
  c.file = path;
  const TomlNode head = root.child("case");
  head.allow_only({"id", "title", "source", "kind"});
  c.id = head.child("id").as_string();
  c.title = head.child("title").as_string();
  c.source = head.child("source").as_string();
  c.kind = head.child("kind").as_string();
  for (const auto& [name, node] : root.child("runs").children()) {
    node.allow_only({"scenario", "parameters", "dose_scale"});
    const std::filesystem::path scenario_file = path.parent_path() / node.child("scenario").as_string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(scenario_file, ec))
      node.child("scenario").fail("an existing scenario file", "'" + scenario_file.string() + "'");
    auto model = load_scenario_model(scenario_file);
    Scenario s = read_scenario(scenario_file, *model);
    if (auto overrides = node.find("parameters"))
      for (const auto& [pname, value] : overrides->children()) {
        const std::size_t index = model->parameter_index(pname, value.where());
        s.parameters.push_back({pname, value.as_quantity(model->description().parameters[index].unit), value.where()});
      }
    if (auto scales = node.find("dose_scale"))
      for (const auto& [route, factor] : scales->children()) {
        model->route(route, factor.where());
        const double f = factor.as_number();
        for (Dose& d : s.regimen.doses)
          if (d.route == route) d.amount *= f;
      }
    loaded.models.emplace(name, model);
    c.runs.emplace(name, std::move(s));
  }
  for (const TomlNode& node : root.child("checks").array_of_tables()) c.checks.push_back(read_check(node, c));
  return loaded;
}

std::vector<std::filesystem::path> validation_case_files() {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(builtin_models_dir().parent_path() / "validation", ec))
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace engraft
