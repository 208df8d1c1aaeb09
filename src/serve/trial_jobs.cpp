#include "trial_jobs.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include <fmt/format.h>

#include "engraft/formats/trial_output.hpp"
#include "engraft/trial/trial.hpp"

namespace engraft::serve {

namespace {

enum class State { running, done, failed };

/// A private scratch folder for a trial's outputs, removed with everything in it.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "engraft-serve-XXXXXX").string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (mkdtemp(buffer.data()) == nullptr) throw std::runtime_error("cannot create a scratch folder in " + pattern);
    path_ = buffer.data();
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct Cancelled {};

}  // namespace

struct TrialJobs::Job {
  std::atomic<State> state{State::running};
  std::atomic<std::uint64_t> done{0}, total{0};
  std::atomic<bool> cancel{false};
  std::string error;           // written before state becomes failed
  nlohmann::json result;       // written before state becomes done
  std::jthread thread;
};

namespace {

/// Passes results on to the file, and stops the trial (by throwing, as run_trial allows) when cancelled.
class CancellableSink : public ResultSink {
 public:
  CancellableSink(ResultSink& inner, const std::atomic<bool>& cancel) : inner_(inner), cancel_(cancel) {}
  void write(const SubjectResult& result) override {
    if (cancel_.load()) throw Cancelled{};
    inner_.write(result);
  }

 private:
  ResultSink& inner_;
  const std::atomic<bool>& cancel_;
};

class JobProgress : public Progress {
 public:
  JobProgress(std::atomic<std::uint64_t>& done, std::atomic<std::uint64_t>& total) : done_(done), total_(total) {}
  void update(std::uint64_t done, std::uint64_t total) override {
    total_.store(total);
    done_.store(done);
  }

 private:
  std::atomic<std::uint64_t>&done_, &total_;
};

}  // namespace

TrialJobs::TrialJobs(unsigned max_running, unsigned threads_per_trial, const ReportEvidence& evidence)
    : max_running_(max_running), threads_per_trial_(threads_per_trial), evidence_(evidence) {}

TrialJobs::~TrialJobs() {
  std::map<std::uint64_t, std::shared_ptr<Job>> jobs;
  {
    std::lock_guard lock(mutex_);
    jobs.swap(jobs_);
  }
  for (auto& [number, job] : jobs) job->cancel.store(true);
  for (auto& [number, job] : jobs)
    if (job->thread.joinable()) job->thread.join();
}

std::string TrialJobs::start(LoadedTrial trial, Language language) {
  std::lock_guard lock(mutex_);
  unsigned running = 0;
  for (const auto& [number, job] : jobs_) running += job->state.load() == State::running;
  if (running >= max_running_)
    throw TooManyTrials(fmt::format("{} trials are running already (at most {} at once); try again when one is done",
                                    running, max_running_));
  auto job = std::make_shared<Job>();
  job->total.store(trial.spec.subjects());
  const std::uint64_t number = next_number_++;
  jobs_.emplace(number, job);
  forget_old_jobs();
  // The thread owns the trial; the job outlives the thread's use of it (joined in ~TrialJobs).
  job->thread = std::jthread([this, job_ptr = job.get(), trial = std::move(trial), language] {
    run(*job_ptr, trial, language);
  });
  return fmt::format("t{}", number);
}

void TrialJobs::run(Job& job, const LoadedTrial& trial, Language language) {
  try {
    ScratchDir dir;
    ExecutorOptions executor;
    executor.threads = threads_per_trial_;
    {
      SubjectFileSink file(dir.path(), trial, false);
      executor.first_subject = file.first_subject();
      executor.end_subject = file.end_subject();
      CancellableSink sink(file, job.cancel);
      JobProgress progress(job.done, job.total);
      run_trial(trial.model, trial.spec, *trial.population, executor, sink, &progress);
      file.flush();
    }
    const TrialOutcome outcome = finish_trial_outputs(dir.path(), trial);
    std::ifstream summary(dir.path() / "summary.json");
    job.result = {{"summary", nlohmann::json::parse(summary)},
                  {"summary_text", render_trial_summary(trial, outcome)},
                  {"report_html", trial_report_html(trial, outcome, evidence_, language)}};
    job.state.store(State::done);
  } catch (const Cancelled&) {
    job.error = "cancelled: the server is stopping";
    job.state.store(State::failed);
  } catch (const std::exception& e) {
    job.error = e.what();
    job.state.store(State::failed);
  }
}

void TrialJobs::forget_old_jobs() {
  std::size_t finished = 0;
  for (const auto& [number, job] : jobs_) finished += job->state.load() != State::running;
  for (auto it = jobs_.begin(); it != jobs_.end() && finished > kept_finished;) {
    if (it->second->state.load() == State::running) {
      ++it;
      continue;
    }
    it->second->thread.join();  // finished: returns at once
    it = jobs_.erase(it);
    --finished;
  }
}

std::optional<nlohmann::json> TrialJobs::status(const std::string& id) const {
  if (id.size() < 2 || id.size() > 20 || id[0] != 't') return std::nullopt;
  std::uint64_t number = 0;
  for (std::size_t i = 1; i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9') return std::nullopt;
    number = number * 10 + static_cast<std::uint64_t>(id[i] - '0');
  }
  std::shared_ptr<Job> job;
  {
    std::lock_guard lock(mutex_);
    const auto it = jobs_.find(number);
    if (it == jobs_.end()) return std::nullopt;
    job = it->second;
  }
  const State state = job->state.load();
  nlohmann::json j = {{"job", id},
                      {"state", state == State::running ? "running" : state == State::done ? "done" : "failed"},
                      {"done", job->done.load()},
                      {"total", job->total.load()}};
  if (state == State::done) j["result"] = job->result;
  if (state == State::failed) j["error"] = job->error;
  return j;
}

}  // namespace engraft::serve
