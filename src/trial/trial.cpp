#include "engraft/trial/trial.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

namespace engraft {

namespace {

std::optional<double> yes_no(const std::optional<bool>& b) {
  return b ? std::optional<double>(*b ? 1.0 : 0.0) : std::nullopt;
}

const EndpointColumn columns[] = {
    {"neutrophil_engraftment_day", "day", "neutrophil engraftment", false,
     [](const TransplantEndpoints& e) { return e.neutrophil_engraftment_day; }, std::nullopt},
    {"platelet_engraftment_day", "day", "platelet engraftment", false,
     [](const TransplantEndpoints& e) { return e.platelet_engraftment_day; }, std::nullopt},
    {"anc_0_5_crossing_day", "day", "ANC 0.5 crossing", false,
     [](const TransplantEndpoints& e) { return e.anc_0_5_crossing_day; }, std::nullopt},
    {"plt_20_crossing_day", "day", "PLT 20 crossing", false,
     [](const TransplantEndpoints& e) { return e.plt_20_crossing_day; }, std::nullopt},
    {"anc_nadir", "10^9/L", "ANC nadir", false, [](const TransplantEndpoints& e) { return e.anc_nadir; }, std::nullopt},
    {"anc_nadir_day", "day", "ANC nadir day", false, [](const TransplantEndpoints& e) { return e.anc_nadir_day; }, std::nullopt},
    {"plt_nadir", "10^9/L", "PLT nadir", false, [](const TransplantEndpoints& e) { return e.plt_nadir; }, std::nullopt},
    {"plt_nadir_day", "day", "PLT nadir day", false, [](const TransplantEndpoints& e) { return e.plt_nadir_day; }, std::nullopt},
    {"severe_neutropenia_hours", "h", "severe neutropenia", false,
     [](const TransplantEndpoints& e) { return e.severe_neutropenia_hours; }, std::nullopt},
    {"anc_rise_24h", "1", "ANC rise in 24 h", false, [](const TransplantEndpoints& e) { return e.anc_rise_24h; }, std::nullopt},
    {"graft_failure", "", "graft failure", true, [](const TransplantEndpoints& e) { return yes_no(e.graft_failure); }, std::nullopt},
};

/// Holds results that finished out of order until their turn; a worker may start
/// subject i only while i < next + window, so memory is bounded.
class OrderedDelivery {
 public:
  OrderedDelivery(std::uint64_t first, std::uint64_t total, std::size_t window, ResultSink& sink, Progress* progress)
      : next_(first), first_(first), total_(total), window_(window), sink_(sink), progress_(progress) {}

  /// Blocks until subject `index` fits in the window; false when the trial has stopped.
  bool wait_for_room(std::uint64_t index) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return index < next_ + window_ || error_; });
    return !error_;
  }

  void deliver(SubjectResult result) {
    std::lock_guard lock(mutex_);
    if (error_) return;
    pending_.emplace(result.index, std::move(result));
    try {
      while (!pending_.empty() && pending_.begin()->first == next_) {
        sink_.write(pending_.begin()->second);
        pending_.erase(pending_.begin());
        ++next_;
      }
      if (progress_) progress_->update(next_ - first_, total_ - first_);
    } catch (...) {
      error_ = std::current_exception();
    }
    room_.notify_all();
  }

  void fail(std::exception_ptr error) {
    std::lock_guard lock(mutex_);
    if (!error_) error_ = error;
    room_.notify_all();
  }

  void rethrow_if_failed() {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::mutex mutex_;
  std::condition_variable room_;
  std::map<std::uint64_t, SubjectResult> pending_;
  std::uint64_t next_, first_, total_;
  std::size_t window_;
  ResultSink& sink_;
  Progress* progress_;
  std::exception_ptr error_;
};

}  // namespace

std::span<const EndpointColumn> transplant_endpoint_columns() { return columns; }

std::optional<double> EndpointColumn::value(const RunResult& run, std::size_t n_observables) const {
  if (course) return evaluate_course_endpoint(run.solve.trajectory, n_observables, *course);
  return read(run.endpoints);
}

const EndpointColumn* find_endpoint_column(std::string_view name) {
  for (const EndpointColumn& c : columns)
    if (c.name == name) return &c;
  return nullptr;
}

SubjectBlock block_of_rank(std::uint64_t subjects, unsigned rank, unsigned ranks) {
  const std::uint64_t base = subjects / ranks, extra = subjects % ranks;
  const auto start = [&](std::uint64_t r) { return r * base + std::min(r, extra); };
  return {start(rank), start(rank + 1)};
}

SubjectResult simulate_subject(const std::shared_ptr<const CompiledModel>& model, const TrialSpec& spec,
                               const Population& population, std::uint64_t index, Solver& solver, RunResult& scratch) {
  SubjectResult r;
  r.index = index;
  r.arm = static_cast<std::size_t>(index / spec.patients);
  const Arm& arm = spec.arms[r.arm];
  const std::uint64_t patient = index % spec.patients;
  r.subject = population.subject(patient, resolve_parameters(*model, arm.scenario));
  r.endpoints.assign(spec.endpoints.size(), std::nullopt);
  if (!r.subject.failure.empty()) {
    r.status = "population";
    r.reason = r.subject.failure;
    return r;
  }
  try {
    if (r.subject.dose_factors.empty()) {
      run(model, arm.scenario, solver, r.subject.parameters, scratch);
    } else {
      Scenario scenario = arm.scenario;
      population.apply_dose_factors(r.subject, scenario.regimen);
      run(model, scenario, solver, r.subject.parameters, scratch);
    }
    r.ok = scratch.solve.ok();
    r.status = to_string(scratch.solve.status);
    if (!r.ok) r.reason = scratch.solve.message;
    if (r.ok)
      for (std::size_t k = 0; k < spec.endpoints.size(); ++k)
        r.endpoints[k] = spec.endpoints[k]->value(scratch, model->n_observables());
    if (patient < spec.trajectory_patients) r.run = scratch;   // a copy, for the few sampled patients
  } catch (const std::exception& e) {  // e.g. an InputError for this patient's values: the trial goes on
    r.status = "error";
    r.reason = e.what();
  }
  return r;
}

void run_trial(const std::shared_ptr<const CompiledModel>& model, const TrialSpec& spec, const Population& population,
               const ExecutorOptions& options, ResultSink& sink, Progress* progress) {
  const std::uint64_t total = options.end_subject ? std::min(options.end_subject, spec.subjects()) : spec.subjects();
  if (options.first_subject >= total) return;
  const unsigned threads = std::max(1u, options.threads ? options.threads : std::thread::hardware_concurrency());
  const std::size_t window = options.reorder_window ? options.reorder_window : 64 * std::size_t{threads};
  OrderedDelivery delivery(options.first_subject, total, window, sink, progress);
  std::atomic<std::uint64_t> next_index{options.first_subject};

  const auto work = [&] {
    try {
      // One solver per arm (arms may set different solver options), reused across subjects.
      std::vector<std::unique_ptr<Solver>> solvers(spec.arms.size());
      RunResult scratch;
      for (std::uint64_t i = next_index++; i < total; i = next_index++) {
        if (!delivery.wait_for_room(i)) return;
        auto& solver = solvers[static_cast<std::size_t>(i / spec.patients)];
        if (!solver) solver = make_solver(model, spec.arms[static_cast<std::size_t>(i / spec.patients)].scenario.solver);
        delivery.deliver(simulate_subject(model, spec, population, i, *solver, scratch));
      }
    } catch (...) {
      delivery.fail(std::current_exception());
    }
  };
  std::vector<std::jthread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  pool.clear();  // joins
  delivery.rethrow_if_failed();
}

}  // namespace engraft
