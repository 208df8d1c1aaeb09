#include <chrono>
#include <iostream>

#include <unistd.h>

#include <fmt/format.h>

#include "commands.hpp"
#include "engraft/report/reports.hpp"
#include "mpi_session.hpp"
#include "engraft/formats/trial_file.hpp"
#include "engraft/formats/trial_output.hpp"
#include "engraft/trial/trial.hpp"

namespace engraft::cli {

namespace {

struct TrialOptions {
  std::string file;
  std::string out;
  std::string report, lang = "en";
  unsigned threads = 0;
  bool resume = false;
  bool quiet = false;
};

/// A one-line bar on stderr, redrawn at most ten times a second.
class ProgressBar : public Progress {
 public:
  void update(std::uint64_t done, std::uint64_t total) override {
    const auto now = std::chrono::steady_clock::now();
    if (done < total && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
    const double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0.0;
    constexpr int width = 30;
    const int filled = static_cast<int>(width * static_cast<double>(done) / static_cast<double>(total));
    std::cerr << fmt::format("\r[{:<{}}] {}/{} subjects  {:.0f}/s  ETA {:.0f} s ", std::string(filled, '#'), width, done,
                             total, rate, eta)
              << (done == total ? "\n" : "") << std::flush;
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_draw_{};
};

/// Under mpirun each rank runs its block of subjects into its own part file; rank 0
/// merges the parts, computes the summaries and prints them.
int run_trial_on_this_process(const TrialOptions& o, const MpiSession& mpi) {
  const LoadedTrial trial = read_trial(o.file);
  ExecutorOptions executor;
  {
    SubjectFileSink sink(o.out, trial, o.resume, {mpi.rank(), mpi.ranks()});
    executor.threads = o.threads;
    executor.first_subject = sink.first_subject();
    executor.end_subject = sink.end_subject();
    ProgressBar bar;
    const bool show_progress = !o.quiet && mpi.rank() == 0 && isatty(STDERR_FILENO);
    run_trial(trial.model, trial.spec, *trial.population, executor, sink, show_progress ? &bar : nullptr);
    sink.flush();
  }
  mpi.barrier();
  if (mpi.rank() != 0) return 0;
  merge_subject_file_parts(o.out, trial, mpi.ranks());
  const TrialOutcome outcome = finish_trial_outputs(o.out, trial);
  if (!o.report.empty())
    write_report(o.report, trial_report_html(trial, outcome, load_report_evidence(), report_language(o.lang)));
  if (!o.quiet) std::cout << render_trial_summary(trial, outcome);
  return 0;
}

int trial_command(const TrialOptions& o) {
  const MpiSession mpi;
  if (mpi.ranks() == 1) return run_trial_on_this_process(o, mpi);
  try {
    return run_trial_on_this_process(o, mpi);
  } catch (const std::exception& e) {  // one rank alone cannot stop: the others would wait at the barrier
    std::cerr << "engraft: error: " << e.what() << " (MPI rank " << mpi.rank() << ")\n";
    mpi.abort(2);
  }
}

}  // namespace

void add_trial_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<TrialOptions>();
  CLI::App* cmd = app.add_subcommand("trial", "Run an in-silico trial: arms x virtual patients, with summaries");
  cmd->add_option("file", options->file, "Trial file (TOML, docs/trial-format.md)")->required();
  cmd->add_option("--out", options->out, "Output folder: subjects.csv, summary.json, summary.txt, trajectories/")->required();
  cmd->add_option("--threads", options->threads, "Threads (default: all cores)")->check(CLI::Range(1u, 4096u));
  cmd->add_flag("--resume", options->resume, "Continue an interrupted run in the same --out folder");
  cmd->add_flag("--quiet", options->quiet, "No progress bar and no summary on stdout");
  add_report_options(*cmd, options->report, options->lang);
  cmd->callback([options, &action] { action = [options] { return trial_command(*options); }; });
}

}  // namespace engraft::cli
