#include <iostream>

#include "commands.hpp"
#include "engraft/report/reports.hpp"
#include "engraft/formats/sensitivity_file.hpp"
#include "engraft/formats/sensitivity_output.hpp"
#include "engraft/trial/sensitivity.hpp"

namespace engraft::cli {

namespace {

struct SensitivityOptions {
  std::string file;
  std::string out;
  std::string report, lang = "en";
  unsigned threads = 0;
  bool quiet = false;
};

int sensitivity_command(const SensitivityOptions& o) {
  LoadedSensitivity loaded = read_sensitivity(o.file);   // bad input stops here, before anything is written
  loaded.spec.sobol.threads = o.threads;
  const std::vector<SobolOutput> outputs = run_sensitivity(loaded.model, loaded.spec);
  write_sensitivity_outputs(o.out, loaded, outputs);
  if (!o.report.empty())
    write_report(o.report, sensitivity_report_html(loaded, outputs, load_report_evidence(), report_language(o.lang)));
  if (!o.quiet) std::cout << render_sensitivity_table(loaded, outputs);
  return 0;
}

}  // namespace

void add_sensitivity_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<SensitivityOptions>();
  CLI::App* cmd = app.add_subcommand("sensitivity", "Global sensitivity: Sobol' indices of endpoints to parameters and doses");
  cmd->add_option("file", options->file, "Sensitivity file (TOML, docs/sensitivity-format.md)")->required();
  cmd->add_option("--out", options->out, "Output folder: sobol.csv, sobol.json")->required();
  cmd->add_option("--threads", options->threads, "Threads (default: all cores); results do not depend on it")
      ->check(CLI::Range(1u, 4096u));
  cmd->add_flag("--quiet", options->quiet, "No table on stdout");
  add_report_options(*cmd, options->report, options->lang);
  cmd->callback([options, &action] { action = [options] { return sensitivity_command(*options); }; });
}

}  // namespace engraft::cli
