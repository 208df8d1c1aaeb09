#include "engraft/formats/validation_file.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "engraft/formats/model_file.hpp"
#include "engraft/formats/scenario_file.hpp"
#include "engraft/formats/trial_file.hpp"
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

TrialStatistic statistic_named(const TomlNode& node) {
  static const std::map<std::string, TrialStatistic> names = {
      {"proportion", TrialStatistic::proportion}, {"median", TrialStatistic::median}, {"q05", TrialStatistic::q05},
      {"q25", TrialStatistic::q25},               {"q75", TrialStatistic::q75},       {"q95", TrialStatistic::q95},
      {"mean", TrialStatistic::mean},             {"log10_span_90", TrialStatistic::log10_span_90}};
  const std::string name = node.as_string();
  const auto it = names.find(name);
  if (it == names.end()) node.fail("proportion, median, q05, q25, q75, q95, mean or log10_span_90", "\"" + name + "\"");
  return it->second;
}

ValidationCheck read_check(const TomlNode& node, const ValidationCase& c) {
  ValidationCheck k;
  k.where = node.where();
  k.name = node.child("name").as_string();
  if (node.has("run") == node.has("trial")) node.fail("exactly one of run or trial", "both or neither");
  if (node.has("trial")) {
    // A population summary of a trial: its arm, endpoint and statistic.
    node.allow_only({"name", "trial", "arm", "statistic", "at_most", "at_least", "endpoint", "scale", "expected",
                     "relative_tolerance", "absolute_tolerance", "band", "why"});
    k.trial = node.child("trial").as_string();
    if (!c.trials.count(k.trial)) node.child("trial").fail("the name of a trial of this case", "'" + k.trial + "'");
    const TrialSpec& spec = c.trials.at(k.trial).spec;
    k.arm = node.string_or("arm", "");
    if (!k.arm.empty() && std::none_of(spec.arms.begin(), spec.arms.end(), [&](const Arm& a) { return a.name == k.arm; }))
      node.child("arm").fail("the name of an arm of trial '" + k.trial + "'", "'" + k.arm + "'");
    k.endpoint = node.child("endpoint").as_string();
    if (std::none_of(spec.endpoints.begin(), spec.endpoints.end(), [&](const EndpointColumn* e) { return e->name == k.endpoint; }))
      node.child("endpoint").fail("an endpoint of trial '" + k.trial + "'", "'" + k.endpoint + "'");
    k.statistic = statistic_named(node.child("statistic"));
    if (node.has("at_most") && node.has("at_least")) node.fail("at most one of at_most or at_least", "both");
    if ((node.has("at_most") || node.has("at_least")) && k.statistic != TrialStatistic::proportion)
      node.child("statistic").fail("proportion with at_most or at_least", "another statistic");
    if (node.has("at_most")) k.at_most = node.child("at_most").as_number();
    if (node.has("at_least")) k.at_least = node.child("at_least").as_number();
  } else {
    node.allow_only({"name", "run", "minus", "metric", "observable", "threshold", "day", "endpoint", "scale", "expected",
                     "relative_tolerance", "absolute_tolerance", "band", "why"});
    k.run = node.child("run").as_string();
    if (!c.runs.count(k.run)) node.child("run").fail("the name of a run of this case", "'" + k.run + "'");
    k.minus = node.string_or("minus", "");
    if (!k.minus.empty() && !c.runs.count(k.minus)) node.child("minus").fail("the name of a run of this case", "'" + k.minus + "'");
    k.metric = metric_named(node.child("metric"));
    if (k.metric == Metric::endpoint) k.endpoint = node.child("endpoint").as_string();
    else k.observable = node.child("observable").as_string();
    if (k.metric == Metric::crossing_up || k.metric == Metric::crossing_down) k.threshold = node.child("threshold").as_number();
    if (k.metric == Metric::value_at) k.day = node.child("day").as_number();
  }
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
  root.allow_only({"case", "runs", "trials", "checks"});
  LoadedValidationCase loaded;
  ValidationCase& c = loaded.spec;
  c.file = path;
  const TomlNode head = root.child("case");
  head.allow_only({"id", "title", "source", "kind"});
  c.id = head.child("id").as_string();
  c.title = head.child("title").as_string();
  c.source = head.child("source").as_string();
  c.kind = head.child("kind").as_string();
  if (auto trials = root.find("trials"))
    for (const auto& [name, node] : trials->children()) {
      node.allow_only({"trial"});
      const std::filesystem::path trial_file = path.parent_path() / node.child("trial").as_string();
      std::error_code ec;
      if (!std::filesystem::is_regular_file(trial_file, ec))
        node.child("trial").fail("an existing trial file", "'" + trial_file.string() + "'");
      LoadedTrial trial = read_trial(trial_file);
      c.trials.emplace(name, ValidationTrial{trial.model, std::move(trial.spec), trial.population});
    }
  if (!root.has("runs") && !root.has("trials")) root.fail("[runs.NAME] or [trials.NAME] tables", "neither");
  if (auto runs = root.find("runs")) {
    for (const auto& [name, node] : runs->children()) {
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
