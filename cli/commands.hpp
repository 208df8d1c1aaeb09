// Each subcommand registers its options on the CLI11 app and returns the
// function that runs it; main() maps exceptions to exit codes.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace engraft::cli {

using Action = std::function<int()>;

void add_run_command(CLI::App& app, Action& action);
void add_models_commands(CLI::App& app, Action& action);
void add_validate_command(CLI::App& app, Action& action);
void add_records_command(CLI::App& app, Action& action);
void add_sbml_commands(CLI::App& app, Action& action);
void add_trial_command(CLI::App& app, Action& action);
void add_fit_command(CLI::App& app, Action& action);

/// Colour only on a terminal and never with NO_COLOR (https://no-color.org).
bool use_colour();
std::string coloured(const std::string& text, const char* ansi_code);
std::string format_optional(const std::optional<double>& value, const char* format = "{:.2f}");

}  // namespace engraft::cli
