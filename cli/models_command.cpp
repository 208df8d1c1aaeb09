#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "engraft/formats/atomic_file.hpp"
#include "engraft/formats/model_file.hpp"
#include "engraft/formats/sbml_export.hpp"
#include "engraft/model/compiled_model.hpp"
#include "engraft/core/terminal_table.hpp"

namespace engraft::cli {

namespace {

int list_models() {
  TerminalTable table({"model", "version", "checked by", "title"});
  for (const std::string& name : builtin_model_names()) {
    const Model m = load_model(name);
    std::string cases;
    for (const std::string& c : m.references) cases += (cases.empty() ? "" : " ") + c;
    table.add_row({m.name, m.version, cases, m.title});
  }
  std::cout << table.render();
  return 0;
}

int show_model(const std::string& name) {
  const Model m = load_model(name);
  CompiledModel::compile(m);  // a model that does not compile is not shown as if it were fine
  std::cout << fmt::format("{} {} — {}\n{}\nfile: {}\n\n", m.name, m.version, m.title, m.description, m.where.file.string());
  TerminalTable states({"state", "unit", "initial", "description"});
  for (const State& s : m.states) states.add_row({s.name, s.unit, to_string(s.initial), s.description});
  std::cout << states.render() << "\n";
  if (!m.algebraic_rules.empty()) {
    TerminalTable algebraic({"algebraic", "unit", "0 =", "guess"});
    for (const AlgebraicRule& a : m.algebraic_rules) algebraic.add_row({a.variable, a.unit, to_string(a.residual), to_string(a.guess)});
    std::cout << algebraic.render() << "\n";
  }
  TerminalTable parameters({"parameter", "value", "unit", "source", "uncertainty"});
  for (const Parameter& p : m.parameters)
    parameters.add_row({p.name, fmt::format("{:g}", p.value), p.unit, p.source, p.uncertainty});
  std::cout << parameters.render() << "\n";
  if (!m.routes.empty()) {
    TerminalTable routes({"route", "unit", "into"});
    for (const Route& r : m.routes) {
      std::string into;
      for (const auto& [state, fraction] : r.into) into += (into.empty() ? "" : ", ") + state + " × " + to_string(fraction);
      routes.add_row({r.name, r.unit, into});
    }
    std::cout << routes.render() << "\n";
  }
  TerminalTable observables({"observable", "unit", "value"});
  for (const Observable& o : m.observables) observables.add_row({o.name, o.unit, to_string(o.value)});
  std::cout << observables.render();
  return 0;
}

int export_model(const std::string& name, const std::string& out) {
  const Model m = load_model(name);
  CompiledModel::compile(m);
  const std::string sbml = export_sbml(m);
  const auto errors = sbml_consistency_errors(sbml);
  if (!errors.empty()) throw std::runtime_error("SBML export of " + name + " fails libSBML's checks: " + errors.front());
  AtomicFile file(out);
  file.stream() << sbml;
  file.commit();
  return 0;
}

}  // namespace

void add_models_commands(CLI::App& app, Action& action) {
  app.add_subcommand("models", "List the built-in models")->callback([&action] { action = list_models; });
  CLI::App* model = app.add_subcommand("model", "Inspect a model");
  model->require_subcommand(1);
  auto name = std::make_shared<std::string>();
  CLI::App* show = model->add_subcommand("show", "Print a model's states, parameters (units, sources), routes and observables");
  show->add_option("name", *name, "Built-in model name or path to a model file")->required();
  show->callback([name, &action] { action = [name] { return show_model(*name); }; });
  auto out = std::make_shared<std::string>();
  CLI::App* to_sbml = model->add_subcommand("export", "Write a model as SBML Level 3 Version 2 (checked with libSBML)");
  to_sbml->add_option("name", *name, "Built-in model name or path to a model file")->required();
  to_sbml->add_option("--out", *out, "SBML file to write")->required();
  to_sbml->callback([name, out, &action] { action = [name, out] { return export_model(*name, *out); }; });
}

}  // namespace engraft::cli
