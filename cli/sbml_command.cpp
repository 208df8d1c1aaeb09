// SBML commands: the SBML Test Runner's wrapper convention
//   engraft sbml-test-wrapper CASES_DIR CASE_ID OUT_DIR LEVEL VERSION
// writes OUT_DIR/CASE_ID.csv. Exit codes: 0 written, 1 the solve failed, 2 the model was
// refused (stderr "refused: ...") or the input is bad.
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "engraft/formats/atomic_file.hpp"
#include "engraft/formats/sbml.hpp"

namespace engraft::cli {

namespace {

struct WrapperOptions {
  std::string cases_dir, case_id, out_dir;
  int level = 3, version = 2;
};

int test_wrapper(const WrapperOptions& o) {
  const std::filesystem::path cases(o.cases_dir);
  const std::filesystem::path settings_file = cases / o.case_id / (o.case_id + "-settings.txt");
  const SbmlTestSettings settings = read_sbml_test_settings(settings_file);
  const std::filesystem::path model_file = sbml_case_file(cases, o.case_id, o.level, o.version);
  const SbmlRun run = run_sbml_case(model_file, settings);
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
}

}  // namespace engraft::cli
