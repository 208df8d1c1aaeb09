#include <iostream>

#include "commands.hpp"
#include "engraft/report/reports.hpp"
#include "engraft/formats/fit_file.hpp"
#include "engraft/formats/fit_output.hpp"

namespace engraft::cli {

namespace {

struct FitCommandOptions {
  std::string file;
  std::string out;
  std::string report, lang = "en";
  unsigned threads = 0;
  bool quiet = false;
};

int fit_command(const FitCommandOptions& o) {
  LoadedFit fit = read_fit(o.file);
  fit.options.threads = o.threads;
  const FitResult result = fit_patient(fit.problem, fit.options);
  write_fit_outputs(o.out, fit, result);
  if (!o.report.empty()) write_report(o.report, fit_report_html(fit, result, load_report_evidence(), report_language(o.lang)));
  if (!o.quiet) std::cout << render_fit_report(fit, result);
  return 0;
}

}  // namespace

void add_fit_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<FitCommandOptions>();
  CLI::App* cmd = app.add_subcommand("fit", "Fit one patient's first blood counts and forecast engraftment");
  cmd->add_option("file", options->file, "Fit file (TOML, docs/fit-format.md)")->required();
  cmd->add_option("--out", options->out, "Output folder: fit.json, forecast.csv")->required();
  cmd->add_option("--threads", options->threads, "Threads (default: all cores); results do not depend on it")
      ->check(CLI::Range(1u, 4096u));
  cmd->add_flag("--quiet", options->quiet, "No report on stdout");
  add_report_options(*cmd, options->report, options->lang);
  cmd->callback([options, &action] { action = [options] { return fit_command(*options); }; });
}

}  // namespace engraft::cli
