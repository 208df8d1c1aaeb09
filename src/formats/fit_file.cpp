#include "engraft/formats/fit_file.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <ostream>

#include <fmt/format.h>

#include "csv_line.hpp"
#include "engraft/formats/scenario_file.hpp"
#include "toml_reader.hpp"

namespace engraft {

using detail::TomlNode;

namespace {

int int_in(const TomlNode& node, int lo, int hi) {
  const int v = node.as_int();
  if (v < lo || v > hi) node.fail(fmt::format("an integer from {} to {}", lo, hi), fmt::format("{}", v));
  return v;
}

std::optional<double> parse_number(std::string_view text) {
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::vector<ResidualError> read_residuals(const TomlNode& node, const CompiledModel& model) {
  std::vector<ResidualError> errors;
  for (const auto& [name, child] : node.children()) {
    child.allow_only({"log_sd", "lloq", "source"});
    ResidualError e;
    e.observable = model.observable_index(name, child.where());
    e.log_sd = child.child("log_sd").as_number();
    if (!(e.log_sd > 0.0)) child.child("log_sd").fail("a standard deviation > 0 (log scale)", fmt::format("{}", e.log_sd));
    if (child.has("lloq")) {
      e.lloq = child.child("lloq").as_quantity(model.description().observables[e.observable].unit);
      if (!(e.lloq >= 0.0)) child.child("lloq").fail("a limit >= 0", fmt::format("{}", e.lloq));
    }
    e.source = child.child("source").as_string();  // every number has its source
    errors.push_back(e);
  }
  if (errors.empty()) node.fail("a [residual.OBSERVABLE] table for each observable measured", "none");
  return errors;
}

/// The patient's scenario: a scenario file, an arm of the prior trial, or its reference arm.
Scenario patient_scenario(const TomlNode& head, const std::filesystem::path& dir, const LoadedTrial& prior) {
  if (head.has("scenario") && head.has("arm")) head.fail("at most one of scenario or arm", "both");
  if (head.has("scenario")) {
    const std::filesystem::path file = dir / head.child("scenario").as_string();
    if (!std::filesystem::is_regular_file(file))
      head.child("scenario").fail("an existing scenario file (relative to the fit file)", "'" + file.string() + "'");
    if (load_scenario_model(file)->content_hash() != prior.model->content_hash())
      head.child("scenario").fail("a scenario of the prior's model '" + prior.model->description().name + "'",
                                  "another model");
    return read_scenario(file, *prior.model);
  }
  if (!head.has("arm")) return prior.spec.arms[prior.spec.reference_arm].scenario;
  const std::string name = head.child("arm").as_string();
  for (const Arm& arm : prior.spec.arms)
    if (arm.name == name) return arm.scenario;
  head.child("arm").fail("the name of an arm of the prior trial", "'" + name + "'");
}

}  // namespace

std::vector<Observation> read_observations(const std::filesystem::path& file, const CompiledModel& model,
                                           const std::vector<ResidualError>& errors) {
  std::ifstream in(file);
  if (!in) throw InputError({file, 0, ""}, "an existing, readable CSV file", "'" + file.string() + "'");
  std::string line;
  int row = 0;
  std::vector<std::string> header;
  std::size_t day_column = 0, observable_column = 0, value_column = 0;
  std::vector<Observation> out;
  const auto at = [&](std::size_t k) { return SourceLocation{file, row, fmt::format("column {} ({})", k + 1, header[k])}; };
  while (std::getline(in, line)) {
    ++row;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    const std::vector<std::string> cells = detail::split_csv_line(line);
    if (header.empty()) {
      header = cells;
      const auto position = [&](const std::string& name) {
        return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
      };
      day_column = position("day");
      observable_column = position("observable");
      value_column = position("value");
      if (header.size() != 3 || day_column == 3 || observable_column == 3 || value_column == 3)
        throw InputError({file, row, "header"}, "the columns day, observable and value", "'" + line + "'");
      continue;
    }
    if (cells.size() != header.size())
      throw InputError({file, row, ""}, fmt::format("{} fields as in the header", header.size()), fmt::format("{}", cells.size()));
    Observation o;
    o.where = {file, row, ""};
    const auto day = parse_number(cells[day_column]);
    if (!day) throw InputError(at(day_column), "a day (a finite number)", "'" + cells[day_column] + "'");
    o.t_days = *day;
    o.observable = model.observable_index(cells[observable_column], at(observable_column));
    const auto error = std::find_if(errors.begin(), errors.end(), [&](const ResidualError& e) { return e.observable == o.observable; });
    if (error == errors.end())
      throw InputError(at(observable_column), "an observable with a [residual] table in the fit file",
                       "'" + cells[observable_column] + "'");
    const std::string& text = cells[value_column];
    o.censored = !text.empty() && text.front() == '<';
    const auto value = parse_number(o.censored ? std::string_view(text).substr(1) : std::string_view(text));
    if (!value || !(*value > 0.0))
      throw InputError(at(value_column), "a positive number, or <LIMIT for a count below a limit of quantification",
                       "'" + text + "'");
    o.value = *value;
    if (!o.censored && o.value < error->lloq) {  // as the laboratory would report it
      o.censored = true;
      o.value = error->lloq;
    }
    out.push_back(o);
  }
  if (header.empty()) throw InputError({file, 1, "header"}, "the columns day, observable and value", "an empty file");
  if (out.empty()) throw InputError({file, row, ""}, "at least one observation", "none");
  return out;
}

void write_observations(const std::vector<Observation>& observations, const CompiledModel& model, std::ostream& out) {
  out << "day,observable,value\n";
  for (const Observation& o : observations)
    out << fmt::format("{},{},{}{}\n", o.t_days, model.description().observables[o.observable].name, o.censored ? "<" : "",
                       o.value);
}

LoadedFit read_fit(const std::filesystem::path& file) {
  const auto [document, path] = TomlNode::parse_file(file);
  const TomlNode root(document, path, "");
  root.require_table();
  root.allow_only({"fit", "residual"});
  const TomlNode head = root.child("fit");
  head.allow_only({"name", "prior", "scenario", "arm", "observations", "estimate", "seed", "draws", "proposals", "interval", "starts",
                   "max_evaluations", "prior_forecast"});
  const std::filesystem::path dir = path.parent_path();
  const std::filesystem::path prior_file = dir / head.child("prior").as_string();
  if (!std::filesystem::is_regular_file(prior_file))
    head.child("prior").fail("an existing trial file (relative to the fit file)", "'" + prior_file.string() + "'");
  LoadedTrial prior = read_trial(prior_file);
  const CompiledModel& model = *prior.model;

  FitOptions options;
  options.seed = static_cast<std::uint64_t>(int_in(head.child("seed"), 0, 1000000000));
  if (head.has("draws")) options.draws = int_in(head.child("draws"), 20, 100000);
  if (head.has("proposals")) options.proposals = int_in(head.child("proposals"), 100, 1000000);
  if (head.has("starts")) options.starts = int_in(head.child("starts"), 1, 100);
  if (head.has("max_evaluations")) options.max_evaluations = int_in(head.child("max_evaluations"), 10, 1000000);
  if (head.has("prior_forecast")) options.prior_forecast = head.child("prior_forecast").as_bool();
  if (head.has("interval")) {
    options.interval = head.child("interval").as_number();
    if (!(options.interval >= 0.5 && options.interval <= 0.99))
      head.child("interval").fail("a central interval from 0.5 to 0.99", fmt::format("{}", options.interval));
  }
  const std::vector<std::string> estimate = head.has("estimate") ? head.child("estimate").string_array() : std::vector<std::string>{};
  const SourceLocation estimate_at = head.has("estimate") ? head.child("estimate").where() : head.where("prior");
  Prior prior_model(prior.spec.population, estimate, model, estimate_at);
  Scenario scenario = patient_scenario(head, dir, prior);
  std::vector<ResidualError> errors = read_residuals(root.child("residual"), model);
  const std::filesystem::path observations_file = dir / head.child("observations").as_string();
  if (!std::filesystem::is_regular_file(observations_file))
    head.child("observations").fail("an existing CSV file (relative to the fit file)", "'" + observations_file.string() + "'");
  std::vector<Observation> observations = read_observations(observations_file, model, errors);
  FitProblem problem(prior.model, std::move(scenario), std::move(prior_model), std::move(errors), std::move(observations),
                     head.where("observations"));
  return {path, head.string_or("name", path.stem().string()), std::move(prior), observations_file, std::move(problem),
          options};
}

}  // namespace engraft
