// In-silico trials: arms (scenarios that differ in regimen or parameters) given to
// the same virtual patients, run in parallel with results streamed in subject order.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engraft/trial/population.hpp"
#include "engraft/trial/run.hpp"

namespace engraft {

/// One endpoint, as a per-subject number: one of the transplant endpoint set (ASTCT days, nadirs,
/// crossings), or a statistic of an observable's time course (a trial's [[endpoint]] tables).
struct EndpointColumn {
  std::string name;                // the summary.json key, e.g. "neutrophil_engraftment_day"
  std::string unit;                // "day", "10^9/L", "h", "1"; "" for yes/no
  std::string label;               // for tables: "neutrophil engraftment"
  bool yes_no = false;             // 1 = yes, 0 = no
  std::optional<double> (*read)(const TransplantEndpoints&) = nullptr;   // the transplant set, or
  std::optional<CourseEndpoint> course;                                   // a time-course statistic
  std::optional<double> value(const RunResult& run, std::size_t n_observables) const;
};
std::span<const EndpointColumn> transplant_endpoint_columns();
/// nullptr when there is no endpoint of that name.
const EndpointColumn* find_endpoint_column(std::string_view name);

/// A proportion to report: subjects whose endpoint value is <= (or >=) a threshold,
/// e.g. neutrophil engraftment by day 14 (not reached counts as no).
struct ProportionSpec {
  std::size_t endpoint = 0;        // index into TrialSpec::endpoints
  double threshold = 0.0;          // in the endpoint's unit
  bool at_most = true;             // value <= threshold; false: value >= threshold
};

struct Arm {
  std::string name;
  Scenario scenario;               // the base scenario with the arm's changes applied
};

struct TrialSpec {
  std::string name, description;
  std::filesystem::path file;
  std::uint64_t seed = 1;
  std::uint64_t patients = 0;      // per arm; every arm treats the same patients 0 .. patients-1
  std::vector<Arm> arms;
  std::size_t reference_arm = 0;   // differences are arm - reference
  PopulationSpec population;
  std::filesystem::path population_file;     // set when [population] from = "..." names another trial file
  std::vector<const EndpointColumn*> endpoints;     // into transplant_endpoint_columns() or course_endpoints
  std::vector<std::shared_ptr<const EndpointColumn>> course_endpoints;   // owns the [[endpoint]] columns
  std::vector<ProportionSpec> proportions;
  std::uint64_t trajectory_patients = 0;   // patients 0 .. n-1 of each arm keep their time course
  int bootstrap_replicates = 1000;
  std::uint64_t subjects() const { return patients * arms.size(); }
};

/// Subject number g (the order of the per-subject file) is arm g / patients, patient g % patients.
struct SubjectResult {
  std::uint64_t index = 0;
  std::size_t arm = 0;
  Subject subject;
  bool ok = false;
  std::string status;              // "ok", a SolveStatus name, "input_error" or "population"
  std::string reason;              // why it failed
  std::vector<std::optional<double>> endpoints;     // TrialSpec::endpoints order; nullopt = not reached
  std::optional<RunResult> run;    // kept for trajectory patients only
};

/// Receives results strictly in subject order, from one thread at a time.
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void write(const SubjectResult& result) = 0;
};

/// Told about progress from one thread at a time; must be quick.
class Progress {
 public:
  virtual ~Progress() = default;
  virtual void update(std::uint64_t done, std::uint64_t total) = 0;
};

struct ExecutorOptions {
  unsigned threads = 0;              // 0 = std::thread::hardware_concurrency()
  std::uint64_t first_subject = 0;   // resume: subjects before this are already written
  std::uint64_t end_subject = 0;     // one past the last subject to run; 0 = all (processes run blocks)
  std::size_t reorder_window = 0;    // finished-but-unwritten results held at most; 0 = 64 per thread
};

/// Subjects [begin, end) of process `rank` of `ranks`: contiguous blocks that differ by at most one.
struct SubjectBlock {
  std::uint64_t begin = 0, end = 0;
};
SubjectBlock block_of_rank(std::uint64_t subjects, unsigned rank, unsigned ranks);

/// Simulates one subject with the caller's solver and run buffers (one of each per thread, reused).
SubjectResult simulate_subject(const std::shared_ptr<const CompiledModel>& model, const TrialSpec& spec,
                               const Population& population, std::uint64_t index, Solver& solver, RunResult& scratch);

/// Simulates subjects first_subject .. end_subject-1 on `threads` threads and hands
/// each to the sink in order. Memory is bounded by the reorder window, not by the
/// number of subjects. A failed subject is a result, not an error; an exception
/// from the sink stops the trial and is rethrown.
void run_trial(const std::shared_ptr<const CompiledModel>& model, const TrialSpec& spec, const Population& population,
               const ExecutorOptions& options, ResultSink& sink, Progress* progress = nullptr);

}  // namespace engraft
