#include "engraft/formats/model_file.hpp"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "toml_reader.hpp"

namespace engraft {

using detail::TomlNode;

namespace {

Expression expression_at(const TomlNode& node) {
  if (!node.raw().is_string()) {  // a plain number is a constant expression
    return Expression::number(node.as_number());
  }
  return parse_expression(node.as_string(), node.where());
}

// The unit text, checked: it must parse.
std::string unit_at(const TomlNode& node) {
  const std::string text = node.as_string();
  try {
    parse_unit(text);
  } catch (const std::invalid_argument& e) {
    node.fail("a unit engraft understands", "\"" + text + "\"", e.what());
  }
  return text;
}

void read_header(const TomlNode& header, Model& model) {
  header.allow_only({"name", "version", "title", "description", "solver", "reproduces", "time_unit"});
  model.name = header.child("name").as_string();
  model.version = header.string_or("version", "0");
  model.title = header.string_or("title", model.name);
  model.description = header.string_or("description", "");
  if (header.has("time_unit") && header.child("time_unit").as_string() != "day")
    header.child("time_unit").fail("\"day\" (model time is always in days)", header.child("time_unit").as_string());
  if (header.has("reproduces")) model.references = header.child("reproduces").string_array();
  const std::string solver = header.string_or("solver", "auto");
  const std::optional<SolverHint> hint = solver_hint_named(solver);
  if (!hint) header.child("solver").fail("auto, nonstiff or stiff", "\"" + solver + "\"");
  model.solver = *hint;
}

void read_parameters(const TomlNode& table, Model& model) {
  for (const auto& [name, node] : table.children()) {
    node.require_table();
    node.allow_only({"value", "unit", "description", "source", "uncertainty"});
    Parameter p;
    p.name = name;
    p.value = node.child("value").as_number();
    p.unit = unit_at(node.child("unit"));
    p.description = node.string_or("description", "");
    p.source = node.child("source").as_string();
    p.uncertainty = node.string_or("uncertainty", "");
    p.where = node.where();
    model.parameters.push_back(std::move(p));
  }
}

void read_states(const TomlNode& table, Model& model) {
  for (const auto& [name, node] : table.children()) {
    node.require_table();
    node.allow_only({"unit", "initial", "description"});
    State s;
    s.name = name;
    s.unit = unit_at(node.child("unit"));
    s.initial = expression_at(node.child("initial"));
    s.description = node.string_or("description", "");
    s.where = node.where();
    model.states.push_back(std::move(s));
  }
}

// [algebraic.NAME]: 0 = residual determines NAME (a variable that is neither a state nor an assignment).
void read_algebraic_rules(const TomlNode& table, Model& model) {
  for (const auto& [name, node] : table.children()) {
    node.require_table();
    node.allow_only({"residual", "guess", "unit", "description"});
    AlgebraicRule a;
    a.variable = name;
    a.residual = expression_at(node.child("residual"));
    a.guess = node.has("guess") ? expression_at(node.child("guess")) : Expression::number(0.0);
    if (node.has("unit")) a.unit = unit_at(node.child("unit"));
    a.description = node.string_or("description", "");
    a.where = node.where();
    model.algebraic_rules.push_back(std::move(a));
  }
}

// name = "expr"  or  name = { value = "expr", unit = "...", description = "..." }
template <typename Item>
Item read_named_expression(const std::string& name, const TomlNode& node) {
  Item item;
  item.name = name;
  item.where = node.where();
  if (node.is_table()) {
    node.allow_only({"value", "unit", "description"});
    item.value = expression_at(node.child("value"));
    if (node.has("unit")) {
      item.unit = unit_at(node.child("unit"));
    }
    item.description = node.string_or("description", "");
  } else {
    item.value = expression_at(node);
  }
  return item;
}

void read_routes(const TomlNode& table, Model& model) {
  for (const auto& [name, node] : table.children()) {
    node.require_table();
    node.allow_only({"unit", "into", "description", "lag", "bioavailability", "rate", "duration"});
    Route r;
    r.name = name;
    r.unit = unit_at(node.child("unit"));
    r.description = node.string_or("description", "");
    r.where = node.where();
    const TomlNode into = node.child("into");
    into.require_table();
    for (const auto& [state, fraction] : into.children()) r.into.emplace_back(state, expression_at(fraction));
    if (r.into.empty()) into.fail("at least one state", "an empty table");
    const auto optional_expression = [&](const char* key) -> std::optional<Expression> {
      if (!node.has(key)) return std::nullopt;
      return expression_at(node.child(key));
    };
    r.lag_days = optional_expression("lag");
    r.bioavailability = optional_expression("bioavailability");
    r.rate = optional_expression("rate");
    r.duration_days = optional_expression("duration");
    model.routes.push_back(std::move(r));
  }
}

void read_events(const TomlNode& array, Model& model) {
  for (const TomlNode& node : array.array_of_tables()) {
    node.allow_only({"name", "trigger", "set", "delay", "priority", "persistent", "initial_value",
                     "use_values_from_trigger_time"});
    EventRule e;
    e.name = node.string_or("name", fmt::format("event{}", model.events.size() + 1));
    e.trigger = expression_at(node.child("trigger"));
    e.where = node.where();
    const TomlNode set = node.child("set");
    set.require_table();
    for (const auto& [target, value] : set.children()) e.assignments.emplace_back(target, expression_at(value));
    if (node.has("delay")) e.delay = expression_at(node.child("delay"));
    if (node.has("priority")) e.priority = expression_at(node.child("priority"));
    const auto flag = [&](const char* key, bool fallback) {
      return node.has(key) ? node.child(key).as_bool() : fallback;
    };
    e.persistent = flag("persistent", e.persistent);
    e.initial_value = flag("initial_value", e.initial_value);
    e.use_values_from_trigger_time = flag("use_values_from_trigger_time", e.use_values_from_trigger_time);
    model.events.push_back(std::move(e));
  }
}

}  // namespace

Model read_model_file(const std::filesystem::path& file) {
  const auto [document, path] = TomlNode::parse_file(file);
  const TomlNode root(document, path, "");
  root.require_table();
  root.allow_only({"model", "parameters", "states", "assignments", "odes", "algebraic", "observables", "routes",
                   "events", "endpoints"});
  Model model;
  model.where = {path, 0, ""};
  read_header(root.child("model"), model);
  if (auto t = root.find("parameters")) read_parameters(*t, model);
  read_states(root.child("states"), model);
  if (auto t = root.find("assignments"))
    for (const auto& [name, node] : t->children()) model.assignments.push_back(read_named_expression<Assignment>(name, node));
  for (const auto& [name, node] : root.child("odes").children())
    model.derivatives.push_back(Derivative{name, expression_at(node), node.where()});
  if (auto t = root.find("algebraic")) read_algebraic_rules(*t, model);
  if (auto t = root.find("observables"))
    for (const auto& [name, node] : t->children()) model.observables.push_back(read_named_expression<Observable>(name, node));
  if (auto t = root.find("routes")) read_routes(*t, model);
  if (auto t = root.find("events")) read_events(*t, model);
  if (auto t = root.find("endpoints")) {
    t->allow_only({"neutrophils", "platelets", "transfusion_route"});
    model.endpoints.neutrophils = t->string_or("neutrophils", "");
    model.endpoints.platelets = t->string_or("platelets", "");
    model.endpoints.transfusion_route = t->string_or("transfusion_route", "");
    const auto check_observable = [&](const std::string& key, const std::string& name) {
      if (name.empty()) return;
      const bool found = std::any_of(model.observables.begin(), model.observables.end(),
                                     [&](const Observable& o) { return o.name == name; });
      if (!found) t->child(key).fail("the name of an observable", "'" + name + "'");
    };
    check_observable("neutrophils", model.endpoints.neutrophils);
    check_observable("platelets", model.endpoints.platelets);
  }
  return model;
}

std::filesystem::path builtin_models_dir() {
  if (const char* env = std::getenv("ENGRAFT_MODELS_DIR"); env && *env) return env;
  const std::filesystem::path source_tree = ENGRAFT_MODELS_DIR;
  std::error_code ec;
  if (std::filesystem::is_directory(source_tree, ec)) return source_tree;
  return ENGRAFT_INSTALLED_MODELS_DIR;
}

std::vector<std::string> builtin_model_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(builtin_models_dir(), ec))
    if (entry.path().extension() == ".toml") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

Model load_model(const std::string& name_or_path, const std::filesystem::path& base_dir, const SourceLocation& where) {
  const bool looks_like_path = name_or_path.find('/') != std::string::npos ||
                               (name_or_path.size() > 5 && name_or_path.ends_with(".toml"));
  if (looks_like_path) {
    std::filesystem::path p = name_or_path;
    if (p.is_relative() && !base_dir.empty()) p = base_dir / p;
    std::error_code ec;
    if (!where.file.empty() && !std::filesystem::is_regular_file(p, ec))
      throw InputError(where, "a built-in model name or an existing model file", "'" + p.string() + "' (no such file)");
    return read_model_file(p);
  }
  const auto names = builtin_model_names();
  if (std::find(names.begin(), names.end(), name_or_path) == names.end()) {
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    throw InputError(where, "a built-in model (" + known + ") or a path to a model file", "'" + name_or_path + "'");
  }
  return read_model_file(builtin_models_dir() / (name_or_path + ".toml"));
}

}  // namespace engraft
