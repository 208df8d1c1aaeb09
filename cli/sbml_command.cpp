// SBML commands:
//   engraft sbml-test-wrapper CASES_DIR CASE_ID OUT_DIR LEVEL VERSION
//     the SBML Test Runner's wrapper convention: writes OUT_DIR/CASE_ID.csv. Exit codes: 0 written,
//     1 the solve failed, 2 the model was refused (stderr "refused: ...") or the input is bad.
//   engraft sbml import FILE [--out MODEL.toml]
//     prints the imported model as an engraft model file (docs/model-format.md).
#include <filesystem>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "commands.hpp"
#include "engraft/formats/atomic_file.hpp"
#include "engraft/formats/sbml.hpp"
#include "engraft/model/compiled_model.hpp"

namespace engraft::cli {

namespace {

struct WrapperOptions {
  std::string cases_dir, case_id, out_dir;
  int level = 3, version = 2;
};

int test_wrapper(const WrapperOptions& o) {
  const std::filesystem::path cases(o.cases_dir);
  const std::filesystem::path settings_file = cases / o.case_id / (o.case_id + "-settings.txt");
  const SbmlTestType type = read_sbml_test_type(cases / o.case_id / (o.case_id + "-model.m"));
  const SbmlTestSettings settings = read_sbml_test_settings(settings_file, type);
  const std::filesystem::path model_file = sbml_case_file(cases, o.case_id, o.level, o.version);
  const SbmlRun run = type == SbmlTestType::flux_balance ? run_sbml_flux_balance_case(model_file, settings.variables)
                                                         : run_sbml_case(model_file, settings);
  switch (run.status) {
    case SbmlRun::Status::refused:
      std::cerr << "refused: " << run.message << "\n";
      return 2;
    case SbmlRun::Status::failed:
      std::cerr << "engraft: " << model_file.string() << ": " << run.message << "\n";
      return 1;
    case SbmlRun::Status::ok: break;
  }
  std::filesystem::create_directories(o.out_dir);
  AtomicFile out(std::filesystem::path(o.out_dir) / (o.case_id + ".csv"));
  write_sbml_table(out.stream(), run.table);
  out.commit();
  return 0;
}

// A TOML basic string.
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04x}", static_cast<int>(c));
        else out += c;
    }
  }
  return out + "\"";
}

// SBML ids are bare TOML keys; anything else is quoted.
std::string key(const std::string& name) {
  const bool bare = !name.empty() && name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") ==
                                         std::string::npos;
  return bare ? name : quoted(name);
}

void write_model_toml(std::ostream& out, const Model& m) {
  out << "# Imported from SBML by engraft sbml import; SBML time units are read as days.\n";
  out << "[model]\n" << "name = " << quoted(m.name) << "\nversion = " << quoted(m.version) << "\ntitle = "
      << quoted(m.title) << "\ndescription = " << quoted(m.description) << "\n";
  if (m.solver != SolverHint::automatic) out << "solver = " << quoted(std::string(to_string(m.solver))) << "\n";
  if (!m.parameters.empty()) out << "\n";
  for (const Parameter& p : m.parameters)
    out << "[parameters." << key(p.name) << "]\nvalue = " << fmt::format("{}", p.value) << "\nunit = \"1\"\ndescription = "
        << quoted(p.description) << "\nsource = " << quoted(p.source) << "\n";
  out << (m.states.empty() ? "\n[states]\n" : "\n");
  for (const State& s : m.states)
    out << "[states." << key(s.name) << "]\nunit = \"1\"\ninitial = " << quoted(to_string(s.initial)) << "\ndescription = "
        << quoted(s.description) << "\n";
  if (!m.assignments.empty()) out << "\n[assignments]\n";
  for (const Assignment& a : m.assignments) out << key(a.name) << " = " << quoted(to_string(a.value)) << "\n";
  out << "\n[odes]\n";
  for (const Derivative& d : m.derivatives) out << key(d.state) << " = " << quoted(to_string(d.rate)) << "\n";
  for (const AlgebraicRule& a : m.algebraic_rules)
    out << "\n[algebraic." << key(a.variable) << "]\nresidual = " << quoted(to_string(a.residual)) << "\nguess = "
        << quoted(to_string(a.guess)) << "\ndescription = " << quoted(a.description) << "\n";
  for (const EventRule& e : m.events) {
    out << "\n[[events]]\nname = " << quoted(e.name) << "\ntrigger = " << quoted(to_string(e.trigger)) << "\nset = { ";
    for (std::size_t k = 0; k < e.assignments.size(); ++k)
      out << (k ? ", " : "") << key(e.assignments[k].first) << " = " << quoted(to_string(e.assignments[k].second));
    out << " }\n";
    // Only what differs from the model file's defaults (docs/model-format.md, "Events").
    const EventRule defaults;
    if (e.delay) out << "delay = " << quoted(to_string(*e.delay)) << "\n";
    if (e.priority) out << "priority = " << quoted(to_string(*e.priority)) << "\n";
    const auto flag = [&](const char* name, bool value, bool fallback) {
      if (value != fallback) out << name << " = " << (value ? "true" : "false") << "\n";
    };
    flag("persistent", e.persistent, defaults.persistent);
    flag("initial_value", e.initial_value, defaults.initial_value);
    flag("use_values_from_trigger_time", e.use_values_from_trigger_time, defaults.use_values_from_trigger_time);
  }
}

int import_command(const std::string& file, const std::string& out) {
  const SbmlImport imported = import_sbml_document(file);
  CompiledModel::compile(imported.model);  // a model that does not compile is not printed as if it were fine
  if (out.empty()) {
    write_model_toml(std::cout, imported.model);
    return 0;
  }
  AtomicFile file_out(out);
  write_model_toml(file_out.stream(), imported.model);
  file_out.commit();
  return 0;
}

}  // namespace

void add_sbml_commands(CLI::App& app, Action& action) {
  auto o = std::make_shared<WrapperOptions>();
  CLI::App* cmd = app.add_subcommand("sbml-test-wrapper",
                                     "Run one SBML semantic test case (SBML Test Runner wrapper convention)");
  cmd->add_option("cases_dir", o->cases_dir, "Folder of the test cases (NNNNN/ subfolders)")->required();
  cmd->add_option("case_id", o->case_id, "Case number, e.g. 00001")->required();
  cmd->add_option("out_dir", o->out_dir, "Folder for CASE_ID.csv")->required();
  cmd->add_option("level", o->level, "SBML Level of the file to run")->required()->check(CLI::Range(2, 3));
  cmd->add_option("version", o->version, "SBML Version of the file to run")->required()->check(CLI::Range(1, 5));
  cmd->callback([o, &action] { action = [o] { return test_wrapper(*o); }; });

  auto file = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  CLI::App* sbml = app.add_subcommand("sbml", "SBML models");
  sbml->require_subcommand(1);
  CLI::App* import = sbml->add_subcommand("import", "Print an SBML model as an engraft model file (TOML)");
  import->add_option("file", *file, "SBML file (Level 2 or 3)")->required();
  import->add_option("--out", *out, "Write the model file here instead of standard output");
  import->callback([file, out, &action] { action = [file, out] { return import_command(*file, *out); }; });
}

}  // namespace engraft::cli
