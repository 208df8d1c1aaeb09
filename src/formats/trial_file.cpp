#include "engraft/formats/trial_file.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <set>

#include <fmt/format.h>

#include "csv_line.hpp"
#include "engraft/formats/scenario_file.hpp"
#include "scenario_reader.hpp"
#include "toml_reader.hpp"

namespace engraft {

using detail::TomlNode;

namespace {

constexpr int max_patients = 100000000;   // 10^8 per arm: beyond it a trial is a mistake

std::uint64_t fnv1a(std::uint64_t hash, std::string_view bytes) {
  for (unsigned char c : bytes) hash = (hash ^ c) * 0x100000001b3ULL;
  return hash;
}

std::string file_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

double positive_number(const TomlNode& node, double value, const std::string& what) {
  if (!(value > 0.0)) node.fail(what + " > 0", fmt::format("{}", value));
  return value;
}

DistributionKind distribution_kind(const TomlNode& node) {
  const std::string text = node.as_string();
  if (text == "normal") return DistributionKind::normal;
  if (text == "lognormal") return DistributionKind::lognormal;
  if (text == "uniform") return DistributionKind::uniform;
  node.fail("normal, lognormal or uniform", "\"" + text + "\"");
}

/// The spread of a distribution: sd for a normal (in `unit`); omega, omega2 or cv for a log-normal.
double spread(const TomlNode& node, DistributionKind kind, const std::string& unit) {
  if (kind == DistributionKind::normal) return positive_number(node.child("sd"), node.child("sd").as_quantity(unit), "an sd");
  const std::vector<std::string> ways = {"omega", "omega2", "cv"};
  const auto given = std::count_if(ways.begin(), ways.end(), [&](const std::string& k) { return node.has(k); });
  if (given != 1) node.fail("exactly one of omega, omega2 or cv for a lognormal", fmt::format("{} of them", given));
  if (node.has("omega")) return positive_number(node.child("omega"), node.child("omega").as_number(), "omega");
  if (node.has("omega2")) return std::sqrt(positive_number(node.child("omega2"), node.child("omega2").as_number(), "omega2"));
  // CV of a log-normal: cv^2 = exp(omega^2) - 1.
  const double cv = positive_number(node.child("cv"), node.child("cv").as_quantity("1"), "a cv");
  return std::sqrt(std::log1p(cv * cv));
}

Bounds read_bounds(const TomlNode& node, DistributionKind kind, const std::string& unit) {
  Bounds b;
  if (kind == DistributionKind::uniform && !(node.has("lower") && node.has("upper")))
    node.fail("lower and upper for a uniform distribution", "not both");
  if (node.has("lower")) b.lower = node.child("lower").as_quantity(unit);
  if (node.has("upper")) b.upper = node.child("upper").as_quantity(unit);
  if (!(b.lower < b.upper)) node.child("upper").fail(fmt::format("upper > lower ({})", b.lower), fmt::format("{}", b.upper));
  return b;
}

/// What a parameter's and a dose's variation share: the distribution, its spread, bounds and source.
struct Variation {
  DistributionKind kind = DistributionKind::lognormal;
  double sd = 0.0;
  Bounds bounds;
  std::string source;
};

Variation read_variation(const TomlNode& node, const std::string& unit) {
  node.allow_only({"distribution", "sd", "omega", "omega2", "cv", "lower", "upper", "source"});
  Variation v;
  v.kind = distribution_kind(node.child("distribution"));
  if (v.kind != DistributionKind::uniform) v.sd = spread(node, v.kind, unit);
  v.bounds = read_bounds(node, v.kind, unit);
  v.source = node.child("source").as_string();  // every number in a population has its source
  return v;
}

ParameterVariability read_variability(const std::string& name, const TomlNode& node, const CompiledModel& model) {
  const std::string& unit = model.description().parameters[model.parameter_index(name, node.where())].unit;
  Variation v = read_variation(node, unit);
  return {name, v.kind, v.sd, v.bounds, std::move(v.source), node.where()};
}

DoseVariability read_dose_variability(const std::string& route, const TomlNode& node, const CompiledModel& model) {
  model.route(route, node.where());
  Variation v = read_variation(node, "1");  // a factor on the arm's doses: dimensionless
  return {route, v.kind, v.sd, v.bounds, std::move(v.source), node.where()};
}

Correlation read_correlation(const TomlNode& node) {
  node.allow_only({"parameters", "r", "source"});
  const std::vector<std::string> names = node.child("parameters").string_array();
  if (names.size() != 2) node.child("parameters").fail("two parameter names", fmt::format("{}", names.size()));
  const double r = node.child("r").as_number();
  if (!(r >= -1.0 && r <= 1.0)) node.child("r").fail("a correlation in [-1, 1]", fmt::format("{}", r));
  node.child("source").as_string();
  return {names[0], names[1], r, node.where()};
}

std::string covariate_unit(const std::string& name) { return name == "weight" ? "kg" : "1"; }

CovariateDistribution read_covariate(const std::string& name, const TomlNode& node) {
  if (!is_known_covariate(name))
    node.fail("a covariate: weight, age, sex, disease or graft_source", "'" + name + "'");
  CovariateDistribution c;
  c.name = name;
  c.where = node.where();
  c.source = node.child("source").as_string();
  if (!is_numeric_covariate(name)) {
    node.allow_only({"levels", "source"});
    double sum = 0.0;
    for (const auto& [level, p] : node.child("levels").children()) {
      const double probability = p.as_number();
      if (!(probability >= 0.0 && probability <= 1.0)) p.fail("a probability in [0, 1]", fmt::format("{}", probability));
      c.levels.emplace_back(level, probability);
      sum += probability;
    }
    if (c.levels.empty() || std::abs(sum - 1.0) > 1e-9)
      node.child("levels").fail("probabilities that sum to 1", fmt::format("a sum of {}", sum));
    return c;
  }
  node.allow_only({"distribution", "mean", "median", "sd", "omega", "omega2", "cv", "lower", "upper", "source"});
  const std::string unit = covariate_unit(name);
  c.kind = distribution_kind(node.child("distribution"));
  if (c.kind == DistributionKind::normal) c.mean = node.child("mean").as_quantity(unit);
  if (c.kind == DistributionKind::lognormal)
    c.mean = positive_number(node.child("median"), node.child("median").as_quantity(unit), "a median");
  if (c.kind != DistributionKind::uniform) c.sd = spread(node, c.kind, unit);
  c.bounds = read_bounds(node, c.kind, unit);
  return c;
}

CovariateEffect read_effect(const TomlNode& node, const CompiledModel& model, const std::set<std::string>& covariates) {
  CovariateEffect e;
  e.where = node.where();
  e.parameter = node.child("parameter").as_string();
  model.parameter_index(e.parameter, node.child("parameter").where());
  e.covariate = node.child("covariate").as_string();
  if (!covariates.count(e.covariate))
    node.child("covariate").fail("a covariate defined under [population.covariates] or in the table",
                                 "'" + e.covariate + "'");
  e.source = node.child("source").as_string();
  if (is_numeric_covariate(e.covariate)) {
    node.allow_only({"parameter", "covariate", "reference", "exponent", "source"});
    e.reference = positive_number(node.child("reference"), node.child("reference").as_quantity(covariate_unit(e.covariate)),
                                  "a reference value");
    e.exponent = node.child("exponent").as_number();
  } else {
    node.allow_only({"parameter", "covariate", "level", "factor", "source"});
    e.level = node.child("level").as_string();
    e.factor = positive_number(node.child("factor"), node.child("factor").as_number(), "a factor");
  }
  return e;
}

IndividualTable read_table(const TomlNode& node, const std::filesystem::path& dir, const CompiledModel& model) {
  IndividualTable t;
  t.file = dir / node.as_string();
  std::ifstream in(t.file);
  if (!in) node.fail("an existing, readable CSV file", "'" + t.file.string() + "'");
  std::string line;
  if (!std::getline(in, line)) throw InputError({t.file, 1, ""}, "a header line", "an empty file");
  const std::vector<std::string> header = detail::split_csv_line(line);
  std::vector<int> role;  // per column: 0 parameter, 1 covariate, -1 the patient label
  for (const std::string& column : header) {
    if (column == "patient") role.push_back(-1);
    else if (is_known_covariate(column)) role.push_back(1), t.covariate_columns.push_back(column);
    else role.push_back(0), t.parameter_columns.push_back(column), model.parameter_index(column, {t.file, 1, column});
  }
  for (int row = 2; std::getline(in, line); ++row) {
    if (line.empty() || line == "\r") continue;
    const std::vector<std::string> cells = detail::split_csv_line(line);
    if (cells.size() != header.size())
      throw InputError({t.file, row, ""}, fmt::format("{} fields as in the header", header.size()), fmt::format("{}", cells.size()));
    std::vector<double>& parameters = t.parameter_rows.emplace_back();
    std::vector<std::string>& covariates = t.covariate_rows.emplace_back();
    for (std::size_t k = 0; k < cells.size(); ++k) {
      if (role[k] == 1) covariates.push_back(cells[k]);
      const bool numeric = role[k] == 0 || (role[k] == 1 && is_numeric_covariate(header[k]));
      if (!numeric) continue;
      std::size_t used = 0;
      double value = 0.0;
      try {
        value = std::stod(cells[k], &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != cells[k].size() || !std::isfinite(value))
        throw InputError({t.file, row, header[k]}, "a finite number", "'" + cells[k] + "'");
      if (role[k] == 0) parameters.push_back(value);
    }
  }
  if (t.parameter_rows.empty()) throw InputError({t.file, 2, ""}, "at least one patient row", "none");
  return t;
}

PopulationSpec read_population(const TomlNode& node, const std::filesystem::path& dir, const CompiledModel& model) {
  node.allow_only({"parameters", "doses", "correlation", "covariates", "effect", "table"});
  PopulationSpec p;
  if (node.has("table")) p.table = read_table(node.child("table"), dir, model);
  if (node.has("parameters"))
    for (const auto& [name, child] : node.child("parameters").children()) p.parameters.push_back(read_variability(name, child, model));
  if (node.has("doses"))
    for (const auto& [route, child] : node.child("doses").children()) p.doses.push_back(read_dose_variability(route, child, model));
  if (node.has("correlation"))
    for (const TomlNode& child : node.child("correlation").array_of_tables()) p.correlations.push_back(read_correlation(child));
  std::set<std::string> covariates;
  if (node.has("covariates"))
    for (const auto& [name, child] : node.child("covariates").children()) {
      p.covariates.push_back(read_covariate(name, child));
      covariates.insert(name);
    }
  if (p.table) covariates.insert(p.table->covariate_columns.begin(), p.table->covariate_columns.end());
  if (node.has("effect"))
    for (const TomlNode& child : node.child("effect").array_of_tables()) p.effects.push_back(read_effect(child, model, covariates));
  return p;
}

/// An arm: the base scenario with its parameter changes, and its doses replacing
/// every dose of the same route.
Arm read_arm(const TomlNode& node, const Scenario& base, const CompiledModel& model) {
  node.allow_only({"name", "parameters", "dose"});
  Arm arm{node.child("name").as_string(), base};
  if (node.has("parameters")) detail::read_parameter_overrides(node.child("parameters"), model, arm.scenario.parameters);
  if (!node.has("dose")) return arm;
  std::vector<Dose> doses;
  for (const TomlNode& d : node.child("dose").array_of_tables())
    doses.push_back(detail::read_dose(d, model, base.body, base.start_day));
  std::erase_if(arm.scenario.regimen.doses, [&](const Dose& old) {
    return std::any_of(doses.begin(), doses.end(), [&](const Dose& d) { return d.route == old.route; });
  });
  arm.scenario.regimen.doses.insert(arm.scenario.regimen.doses.end(), doses.begin(), doses.end());
  return arm;
}

CourseStatistic course_statistic(const TomlNode& node) {
  static const std::vector<std::pair<std::string, CourseStatistic>> names = {
      {"value_at", CourseStatistic::value_at},       {"max", CourseStatistic::max},
      {"min", CourseStatistic::min},                 {"time_of_max", CourseStatistic::time_of_max},
      {"time_of_min", CourseStatistic::time_of_min}, {"auc", CourseStatistic::auc},
      {"first_above", CourseStatistic::first_above}, {"first_below", CourseStatistic::first_below},
      {"above_at", CourseStatistic::above_at},       {"below_at", CourseStatistic::below_at}};
  const std::string text = node.as_string();
  for (const auto& [name, statistic] : names)
    if (name == text) return statistic;
  std::string known;
  for (const auto& n : names) known += (known.empty() ? "" : ", ") + n.first;
  node.fail(known, "'" + text + "'");
}

/// A [[endpoint]] table: a statistic of one observable's time course (docs/trial-format.md).
std::shared_ptr<const EndpointColumn> read_course_endpoint(const TomlNode& node, const CompiledModel& model) {
  node.allow_only({"name", "observable", "statistic", "day", "from", "to", "threshold", "label"});
  EndpointColumn c;
  c.name = node.child("name").as_string();
  if (find_endpoint_column(c.name)) node.child("name").fail("a name that is not a transplant endpoint", "'" + c.name + "'");
  CourseEndpoint e;
  const std::string observable = node.child("observable").as_string();
  e.observable = model.observable_index(observable, node.where("observable"));
  const std::string& unit = model.description().observables[e.observable].unit;
  e.statistic = course_statistic(node.child("statistic"));
  const bool at_day = e.statistic == CourseStatistic::value_at || e.statistic == CourseStatistic::above_at ||
                      e.statistic == CourseStatistic::below_at;
  const bool thresholded = e.statistic == CourseStatistic::first_above || e.statistic == CourseStatistic::first_below ||
                           e.statistic == CourseStatistic::above_at || e.statistic == CourseStatistic::below_at;
  if (at_day) e.day = node.child("day").as_quantity("d");
  else if (node.has("day")) node.child("day").fail("no day for this statistic (from and to set its window)", "a day");
  if (at_day && (node.has("from") || node.has("to"))) node.fail("no from/to with a statistic at one day", "from or to");
  if (node.has("from")) e.from = node.child("from").as_quantity("d");
  if (node.has("to")) e.to = node.child("to").as_quantity("d");
  if (!(e.from < e.to)) node.child("to").fail(fmt::format("to > from ({})", e.from), fmt::format("{}", e.to));
  if (thresholded) e.threshold = node.child("threshold").as_quantity(unit);
  else if (node.has("threshold")) node.child("threshold").fail("no threshold for this statistic", "a threshold");
  c.yes_no = e.statistic == CourseStatistic::above_at || e.statistic == CourseStatistic::below_at;
  switch (e.statistic) {
    case CourseStatistic::value_at:
    case CourseStatistic::max:
    case CourseStatistic::min: c.unit = unit; break;
    case CourseStatistic::auc: c.unit = unit + "*d"; break;
    case CourseStatistic::above_at:
    case CourseStatistic::below_at: c.unit = ""; break;
    default: c.unit = "day"; break;
  }
  c.label = node.string_or("label", c.name);
  c.course = e;
  return std::make_shared<const EndpointColumn>(std::move(c));
}

ProportionSpec read_proportion(const TomlNode& node, const std::vector<const EndpointColumn*>& endpoints) {
  node.allow_only({"endpoint", "at_most", "at_least"});
  const TomlNode name = node.child("endpoint");
  const auto it = std::find_if(endpoints.begin(), endpoints.end(), [&](const EndpointColumn* c) {
    return c->name == name.as_string() && !c->yes_no;
  });
  if (it == endpoints.end())
    name.fail("a numeric endpoint listed in [trial] endpoints (yes/no endpoints are proportions already)",
              "'" + name.as_string() + "'");
  if (node.has("at_most") == node.has("at_least")) node.fail("exactly one of at_most or at_least", "both or neither");
  ProportionSpec p;
  p.endpoint = static_cast<std::size_t>(it - endpoints.begin());
  p.at_most = node.has("at_most");
  p.threshold = node.child(p.at_most ? "at_most" : "at_least").as_quantity((*it)->unit);
  return p;
}

}  // namespace

namespace detail {

std::vector<const EndpointColumn*> read_endpoint_list(const std::optional<TomlNode>& node,
                                                      const std::vector<std::shared_ptr<const EndpointColumn>>& course,
                                                      const CompiledModel& model) {
  std::vector<const EndpointColumn*> out;
  const EndpointBinding& binding = model.description().endpoints;
  if (!node) {
    if (!binding.neutrophils.empty() || !binding.platelets.empty())
      for (const EndpointColumn& c : transplant_endpoint_columns()) out.push_back(&c);
    for (const auto& c : course) out.push_back(c.get());
    return out;
  }
  std::string known;
  for (const EndpointColumn& c : transplant_endpoint_columns()) known += (known.empty() ? "" : ", ") + c.name;
  for (const auto& c : course) known += ", " + c->name;
  for (const std::string& name : node->string_array()) {
    const EndpointColumn* c = find_endpoint_column(name);
    for (const auto& custom : course)
      if (custom->name == name) c = custom.get();
    if (!c) node->fail("endpoints from: " + known, "'" + name + "'");
    out.push_back(c);
  }
  if (out.empty()) node->fail("at least one endpoint", "an empty list");
  return out;
}

std::filesystem::path read_scenario_path(const TomlNode& head, const std::filesystem::path& dir) {
  if (!head.has("scenario")) return default_scenario_path();
  const std::filesystem::path file = dir / head.child("scenario").as_string();
  if (!std::filesystem::is_regular_file(file))
    head.child("scenario").fail("an existing scenario file (relative to the file that names it)", "'" + file.string() + "'");
  return file;
}

}  // namespace detail

LoadedTrial read_trial(const std::filesystem::path& file) {
  const auto [document, path] = TomlNode::parse_file(file);
  const TomlNode root(document, path, "");
  root.require_table();
  root.allow_only({"trial", "population", "arm", "proportion", "endpoint"});
  const TomlNode head = root.child("trial");
  head.allow_only({"name", "description", "scenario", "seed", "patients", "endpoints", "trajectories", "bootstrap",
                   "reference_arm"});
  const std::filesystem::path dir = path.parent_path();
  const std::filesystem::path scenario_file = detail::read_scenario_path(head, dir);

  LoadedTrial loaded;
  loaded.model = load_scenario_model(scenario_file);
  const Scenario base = read_scenario(scenario_file, *loaded.model);
  TrialSpec& spec = loaded.spec;
  spec.file = path;
  spec.name = head.string_or("name", path.stem().string());
  spec.description = head.string_or("description", "");
  const int seed = head.child("seed").as_int();
  if (seed < 0) head.child("seed").fail("an integer >= 0", fmt::format("{}", seed));
  spec.seed = static_cast<std::uint64_t>(seed);
  if (root.has("endpoint"))
    for (const TomlNode& node : root.child("endpoint").array_of_tables()) {
      spec.course_endpoints.push_back(read_course_endpoint(node, *loaded.model));
      for (std::size_t i = 0; i + 1 < spec.course_endpoints.size(); ++i)
        if (spec.course_endpoints[i]->name == spec.course_endpoints.back()->name)
          node.child("name").fail("a name not used by another [[endpoint]]", "'" + spec.course_endpoints.back()->name + "' again");
    }
  spec.endpoints = detail::read_endpoint_list(head.find("endpoints"), spec.course_endpoints, *loaded.model);
  if (spec.endpoints.empty())
    head.fail("endpoints: the model binds no neutrophils or platelets, so name its [[endpoint]] tables", "none");
  if (root.has("proportion"))
    for (const TomlNode& node : root.child("proportion").array_of_tables())
      spec.proportions.push_back(read_proportion(node, spec.endpoints));
  if (head.has("trajectories")) {
    const int n = head.child("trajectories").as_int();
    if (n < 0 || n > 1000) head.child("trajectories").fail("an integer from 0 to 1000", fmt::format("{}", n));
    spec.trajectory_patients = static_cast<std::uint64_t>(n);
  }
  if (head.has("bootstrap")) spec.bootstrap_replicates = head.child("bootstrap").int_in(1, 100000);

  std::optional<std::pair<toml::value, std::filesystem::path>> shared;   // keeps a shared population's document alive
  if (root.has("population")) {
    const TomlNode population = root.child("population");
    if (population.has("from")) {
      // The virtual patients of another trial file: arms of different trials then treat the same patients.
      population.allow_only({"from"});
      const std::filesystem::path other = dir / population.child("from").as_string();
      std::error_code ec;
      if (!std::filesystem::is_regular_file(other, ec))
        population.child("from").fail("an existing trial file (relative to this one)", "'" + other.string() + "'");
      shared = TomlNode::parse_file(other);
      const TomlNode other_root(shared->first, shared->second, "");
      if (!other_root.has("population")) population.child("from").fail("a trial file with a [population] table", "none");
      const TomlNode other_population = other_root.child("population");
      if (other_population.has("from")) population.child("from").fail("a trial file whose population is its own", "another 'from'");
      spec.population = read_population(other_population, other.parent_path(), *loaded.model);
      spec.population_file = other;
    } else {
      spec.population = read_population(population, dir, *loaded.model);
    }
  }
  if (head.has("patients")) spec.patients = static_cast<std::uint64_t>(head.child("patients").int_in(1, max_patients));
  if (spec.population.table) {
    const std::uint64_t rows = spec.population.table->parameter_rows.size();
    if (head.has("patients") && spec.patients != rows)
      head.child("patients").fail(fmt::format("the table's number of patients ({})", rows), fmt::format("{}", spec.patients),
                                  "leave patients out when a table gives them");
    spec.patients = rows;
  }
  if (spec.patients == 0)
    throw InputError(head.where("patients"), "a number of patients per arm (or a [population] table)", "nothing");

  if (root.has("arm")) {
    std::set<std::string> names;
    for (const TomlNode& node : root.child("arm").array_of_tables()) {
      spec.arms.push_back(read_arm(node, base, *loaded.model));
      if (!names.insert(spec.arms.back().name).second)
        node.child("name").fail("a name no other arm has", "'" + spec.arms.back().name + "' again");
    }
  } else {
    spec.arms.push_back({base.name, base});
  }
  if (head.has("reference_arm")) {
    const std::string name = head.child("reference_arm").as_string();
    const auto it = std::find_if(spec.arms.begin(), spec.arms.end(), [&](const Arm& a) { return a.name == name; });
    if (it == spec.arms.end()) head.child("reference_arm").fail("the name of an arm", "'" + name + "'");
    spec.reference_arm = static_cast<std::size_t>(it - spec.arms.begin());
  }

  loaded.population = std::make_shared<const Population>(spec.population, *loaded.model, spec.seed);

  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a offset basis
  hash = fnv1a(hash, file_bytes(path));
  hash = fnv1a(hash, file_bytes(scenario_file));
  if (spec.population.table) hash = fnv1a(hash, file_bytes(spec.population.table->file));
  if (!spec.population_file.empty()) hash = fnv1a(hash, file_bytes(spec.population_file));
  hash = fnv1a(hash, fmt::format("{:016x}", loaded.model->content_hash()));
  loaded.fingerprint = hash;
  return loaded;
}

}  // namespace engraft
