#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "engraft/formats/validation_file.hpp"
#include "engraft/core/terminal_table.hpp"

namespace engraft::cli {

namespace {

int validate(const std::vector<std::string>& files) {
  std::vector<std::filesystem::path> cases;
  for (const std::string& f : files) cases.emplace_back(f);
  if (cases.empty()) cases = validation_case_files();
  TerminalTable table({"case", "check", "expected", "value", "result"});
  int failures = 0, total = 0;
  for (const auto& file : cases) {
    const LoadedValidationCase loaded = read_validation_case(file);
    for (const CheckOutcome& o : run_validation_case(loaded.spec, loaded.models)) {
      ++total;
      if (!o.passed) ++failures;
      table.add_row({o.case_id, o.check, o.expected_text, o.value ? fmt::format("{:.4g}", *o.value) : o.note,
                     o.passed ? coloured("pass", "32") : coloured("FAIL", "31")});
    }
  }
  std::cout << table.render();
  std::cout << fmt::format("\n{} passed, {} failed\n", total - failures, failures);
  return failures == 0 ? 0 : 1;
}

}  // namespace

void add_validate_command(CLI::App& app, Action& action) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand("validate", "Run every validation case (validation/*.toml) and print a table");
  cmd->add_option("cases", *files, "Validation case files (default: all built-in cases)");
  cmd->callback([files, &action] { action = [files] { return validate(*files); }; });
}

}  // namespace engraft::cli
