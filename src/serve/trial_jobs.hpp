// Trials started from the web app run in the background, one thread pool each, while the page
// polls their progress. Private to serve/.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "engraft/formats/trial_file.hpp"
#include "engraft/report/reports.hpp"

namespace engraft::serve {

/// Thrown by TrialJobs::start when max_running trials are already running (HTTP 429).
class TooManyTrials : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

class TrialJobs {
 public:
  TrialJobs(unsigned max_running, unsigned threads_per_trial, const ReportEvidence& evidence);
  ~TrialJobs();  // cancels running trials and waits for them
  TrialJobs(const TrialJobs&) = delete;
  TrialJobs& operator=(const TrialJobs&) = delete;

  /// Starts the trial in the background and returns its job id.
  std::string start(LoadedTrial trial, Language language);
  /// {"state": "running"|"done"|"failed", "done", "total", and "result" or "error"}; nullopt for an unknown id.
  std::optional<nlohmann::json> status(const std::string& id) const;

  /// Finished jobs kept for the page to collect; older ones are forgotten.
  static constexpr std::size_t kept_finished = 16;

 private:
  struct Job;
  void run(Job& job, const LoadedTrial& trial, Language language);
  void forget_old_jobs();  // with mutex_ held

  const unsigned max_running_, threads_per_trial_;
  const ReportEvidence& evidence_;
  mutable std::mutex mutex_;
  std::map<std::uint64_t, std::shared_ptr<Job>> jobs_;   // by job number, oldest first
  std::uint64_t next_number_ = 1;
};

}  // namespace engraft::serve
