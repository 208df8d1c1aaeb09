// engraft: a thin shell over the library. Exit codes: 0 success, 1 a solve or
// validation failed, 2 bad input (file, line and key in the message).
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <unistd.h>

#include <fmt/format.h>

#include "commands.hpp"
#include "engraft/core/error.hpp"
#include "engraft/formats/run_output.hpp"

namespace engraft::cli {

bool use_colour() {
  const char* no_colour = std::getenv("NO_COLOR");
  return isatty(STDOUT_FILENO) && !(no_colour && *no_colour);
}

std::string coloured(const std::string& text, const char* ansi_code) {
  return use_colour() ? fmt::format("\033[{}m{}\033[0m", ansi_code, text) : text;
}

std::string format_optional(const std::optional<double>& value, const char* format) {
  return value ? fmt::format(fmt::runtime(format), *value) : "not reached";
}

}  // namespace engraft::cli

int main(int argc, char** argv) {
  CLI::App app{"engraft: mechanistic simulation of stem-cell infusion, calibrated to published data"};
  app.set_version_flag("--version", "engraft " + engraft::engraft_version());
  app.require_subcommand(1);
  engraft::cli::Action action;
  engraft::cli::add_run_command(app, action);
  engraft::cli::add_trial_command(app, action);
  engraft::cli::add_evidence_commands(app, action);
  engraft::cli::add_sensitivity_command(app, action);
  engraft::cli::add_fit_command(app, action);
  engraft::cli::add_serve_command(app, action);
  engraft::cli::add_models_commands(app, action);
  engraft::cli::add_validate_command(app, action);
  engraft::cli::add_records_command(app, action);
  engraft::cli::add_sbml_commands(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  try {
    return action();
  } catch (const engraft::InputError& e) {
    std::cerr << "engraft: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "engraft: error: " << e.what() << "\n";
    return 2;
  }
}
