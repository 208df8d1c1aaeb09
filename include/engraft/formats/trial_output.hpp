// What `engraft trial --out DIR` writes (docs/outputs.md):
//   subjects.csv      one row per subject, in subject order (streamed to subjects.csv.partial,
//                     appended and fsync'd in chunks, renamed when the trial is complete)
//   summary.json      per-arm distributions, proportions and arm differences, with provenance
//   summary.txt       the same as an aligned table with units
//   trajectories/     time courses of the first `trajectories` patients of each arm
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engraft/formats/trial_file.hpp"
#include "engraft/trial/summary.hpp"

namespace engraft {

/// Which share of the subjects a process writes: with several processes (MPI ranks),
/// rank r writes its block of subjects to its own part file, merged afterwards.
struct SubjectFilePart {
  unsigned rank = 0, ranks = 1;
};

/// Streams subjects into DIR/subjects.csv.partial (DIR/subjects.rankR.csv.partial for
/// one of several processes). With `resume`, a partial file written for the same trial
/// (same fingerprint) is cut after its last complete line and continued; otherwise
/// the trial starts afresh.
class SubjectFileSink : public ResultSink {
 public:
  SubjectFileSink(const std::filesystem::path& dir, const LoadedTrial& trial, bool resume, SubjectFilePart part = {});
  ~SubjectFileSink() override;
  SubjectFileSink(const SubjectFileSink&) = delete;
  SubjectFileSink& operator=(const SubjectFileSink&) = delete;

  /// Where run_trial starts (after the subjects already in the file) and ends.
  std::uint64_t first_subject() const { return first_subject_; }
  std::uint64_t end_subject() const { return end_subject_; }
  void write(const SubjectResult& result) override;
  /// Writes what is buffered and fsyncs (also every `chunk_rows` rows).
  void flush();

  static constexpr std::size_t chunk_rows = 256;

 private:
  std::filesystem::path dir_, file_;
  const LoadedTrial& trial_;
  std::vector<std::string> covariates_;   // column order of the covariates
  int fd_ = -1;
  std::string buffer_;
  std::size_t buffered_rows_ = 0;
  std::uint64_t first_subject_ = 0, end_subject_ = 0;
};

/// After every process finished its part: joins the parts, in rank order, into
/// DIR/subjects.csv.partial (atomically) and removes them. Nothing to do for one process.
void merge_subject_file_parts(const std::filesystem::path& dir, const LoadedTrial& trial, unsigned ranks);

std::string subject_csv_header(const LoadedTrial& trial);

struct TrialOutcome {
  std::vector<EndpointSummary> endpoints;
  std::vector<std::uint64_t> failed_per_arm;
};

/// Reads DIR/subjects.csv.partial back, summarises every endpoint, writes
/// summary.json and summary.txt atomically, then renames the per-subject file to
/// subjects.csv. Call after run_trial finished and the sink was flushed.
TrialOutcome finish_trial_outputs(const std::filesystem::path& dir, const LoadedTrial& trial);

/// The aligned table of summary.txt.
std::string render_trial_summary(const LoadedTrial& trial, const TrialOutcome& outcome);

}  // namespace engraft
