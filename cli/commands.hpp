// Each subcommand registers its options on the CLI11 app and returns the
// function that runs it; main() maps exceptions to exit codes.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "engraft/formats/evidence_file.hpp"

namespace engraft::cli {

using Action = std::function<int()>;

void add_run_command(CLI::App& app, Action& action);
void add_models_commands(CLI::App& app, Action& action);
void add_validate_command(CLI::App& app, Action& action);
void add_records_command(CLI::App& app, Action& action);
void add_sbml_commands(CLI::App& app, Action& action);
void add_trial_command(CLI::App& app, Action& action);
void add_fit_command(CLI::App& app, Action& action);
void add_evidence_commands(CLI::App& app, Action& action);
void add_sensitivity_command(CLI::App& app, Action& action);
void add_serve_command(CLI::App& app, Action& action);

/// `--report FILE.html` and `--lang en|zh`, shared by the commands that write a report.
void add_report_options(CLI::App& command, std::string& report, std::string& lang);
/// Writes a report atomically (no partial file on failure).
void write_report(const std::string& file, const std::string& html);
Language report_language(const std::string& lang);

/// Colour only on a terminal and never with NO_COLOR (https://no-color.org).
bool use_colour();
std::string coloured(const std::string& text, const char* ansi_code);
std::string format_optional(const std::optional<double>& value, const char* format = "{:.2f}");

}  // namespace engraft::cli
