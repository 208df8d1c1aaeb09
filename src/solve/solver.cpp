// The driver shared by every integrator: doses at exact times, events and
// discontinuities located on the dense output, crossings of observables, and
// output at the requested times (which never depend on internal steps).
#include "engraft/solve/solver.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "dosing.hpp"
#include "events.hpp"
#include "stepper.hpp"

namespace engraft {

const char* to_string(SolveStatus status) {
  switch (status) {
    case SolveStatus::ok: return "ok";
    case SolveStatus::too_much_work: return "too_much_work";
    case SolveStatus::accuracy_not_reached: return "accuracy_not_reached";
    case SolveStatus::convergence_failed: return "convergence_failed";
    case SolveStatus::rhs_failed: return "rhs_failed";
    case SolveStatus::event_failed: return "event_failed";
  }
  return "unknown";
}

namespace {

using detail::Stepper;

// Roots are located to this width in time: 1e-10 d is about 9 microseconds.
constexpr double root_time_tolerance_days = 1e-10;
// Times closer than this (relative to the time, at least in days) are the same time.
constexpr double coincident_days = 1e-12;

bool rises(double before, double after) { return before <= 0.0 && after > 0.0; }
bool falls(double before, double after) { return before > 0.0 && after <= 0.0; }

class Driver final : public Solver {
 public:
  Driver(std::shared_ptr<const CompiledModel> model, const SolverOptions& options)
      : model_(std::move(model)), options_(options), workspace_(model_->make_workspace()), dosing_(options.atol),
        events_(*model_) {
    const std::size_t n = model_->n_states();
    y_.resize(n);
    y_probe_.resize(n);
    rates_.assign(n, 0.0);
    observed_.resize(model_->n_observables());
    rhs_.model = model_.get();
    rhs_.workspace = &workspace_;
    rhs_.infusion_rates = &rates_;
  }

  void solve(const SolveProblem& problem, SolveResult& result) override {
    Method method = options_.method;
    const SolverHint hint = model_->description().solver;
    if (method == Method::automatic && hint == SolverHint::stiff) method = Method::bdf;
    const bool detect = method == Method::automatic && hint == SolverHint::automatic;
    if (method != Method::bdf) {
      const double t_stiff = run(problem, rk_stepper(detect), result);
      if (!std::isnan(t_stiff)) {
        run(problem, bdf_stepper(), result);
        result.stats.method = fmt::format("bdf (stiffness detected by rk45 at t = {:.4g} d)", t_stiff);
      } else {
        result.stats.method = "rk45";
      }
    } else {
      run(problem, bdf_stepper(), result);
      result.stats.method = "bdf";
    }
  }

 private:
  Stepper& rk_stepper(bool detect_stiffness) {
    auto& slot = detect_stiffness ? rk_detecting_ : rk_;
    if (!slot) slot = detail::make_dormand_prince(model_->n_states(), rhs_, options_, detect_stiffness);
    return *slot;
  }
  Stepper& bdf_stepper() {
    if (!bdf_) bdf_ = detail::make_cvodes_bdf(model_->n_states(), rhs_, options_);
    return *bdf_;
  }

  // g(t, y): the model's roots, then one per monitor (observable - threshold).
  void evaluate_roots(double t, const double* y, std::vector<double>& g) {
    const std::size_t n_model = model_->n_roots();
    if (n_model) model_->roots(t, y, g.data(), workspace_);
    if (!monitors_.empty()) {
      model_->observe(t, y, observed_.data(), workspace_);
      for (std::size_t m = 0; m < monitors_.size(); ++m)
        g[n_model + m] = observed_[monitors_[m].observable] - monitors_[m].threshold;
    }
  }

  // Where the step from t may end at the latest: the next breakpoint, or an equal share of the way
  // there no longer than the longest step (equal shares, so that no sliver of a step is left).
  double step_limit(double t, double t_breakpoint) const {
    const double distance = t_breakpoint - t;
    if (!(distance > options_.max_step_days)) return t_breakpoint;
    return t + distance / std::ceil(distance / options_.max_step_days);
  }

  // The earliest sign change of a model root in (t, t_new], located on the dense output; none when
  // no root changes sign. Roots less than the location tolerance apart are one time: the latest of
  // them is returned, so that every trigger that changes there has changed, and simultaneous
  // events execute together (by priority), not in the order of rounding errors.
  std::optional<double> earliest_root(Stepper& stepper, double t, double t_new) {
    located_.clear();
    for (std::size_t k = 0; k < model_->n_roots(); ++k)
      if (rises(g_old_[k], g_new_[k]) || falls(g_old_[k], g_new_[k]))
        located_.push_back(locate(stepper, k, t, g_old_[k], t_new, g_new_[k]).second);
    if (located_.empty()) return std::nullopt;
    const double first = *std::min_element(located_.begin(), located_.end());
    double t_stop = first;
    for (double t_right : located_)
      if (t_right <= first + root_time_tolerance_days) t_stop = std::max(t_stop, t_right);
    return t_stop;
  }

  // Illinois regula falsi on the dense output; returns the left and right ends
  // of a bracket no wider than the tolerance (the right end has the new sign).
  std::pair<double, double> locate(Stepper& stepper, std::size_t k, double ta, double ga, double tb, double gb) {
    int side = 0;
    for (int iteration = 0; iteration < 200 && tb - ta > root_time_tolerance_days; ++iteration) {
      double tm = tb - gb * (tb - ta) / (gb - ga);
      if (!(tm > ta && tm < tb)) tm = 0.5 * (ta + tb);
      stepper.interpolate(tm, y_probe_.data());
      evaluate_roots(tm, y_probe_.data(), g_probe_);
      const double gm = g_probe_[k];
      if ((gm > 0.0) == (gb > 0.0)) {
        tb = tm, gb = gm;
        if (side == -1) ga *= 0.5;
        side = -1;
      } else {
        ta = tm, ga = gm;
        if (side == 1) gb *= 0.5;
        side = 1;
      }
    }
    return {ta, tb};
  }

  void record_output(Trajectory& out, double t, const double* y) {
    out.times.push_back(t);
    out.states.insert(out.states.end(), y, y + model_->n_states());
    model_->observe(t, y, observed_.data(), workspace_);
    out.observables.insert(out.observables.end(), observed_.begin(), observed_.end());
  }

  // Plain integration for steady-state searches: no doses, roots or output.
  std::optional<std::string> integrate_plain(Stepper& stepper, double t0, double t1, std::vector<double>& y,
                                             const std::vector<double>& rates) {
    const std::vector<double> saved = rates_;
    rates_ = rates;
    rhs_.any_infusion = std::any_of(rates_.begin(), rates_.end(), [](double r) { return r != 0.0; });
    stepper.reset(t0, y.data());
    std::optional<std::string> error;
    for (double t = t0; t < t1 && !error;) {
      const detail::StepOutcome step = stepper.step(t1);
      if (step.status != SolveStatus::ok) error = step.message;
      else if (--plain_steps_left_ < 0)
        error = fmt::format("more than {} steps (is the dosing interval long against the model's time scale?)",
                            options_.max_steps);
      else t = step.t_new;
    }
    if (!error) std::copy(stepper.y(), stepper.y() + y.size(), y.begin());
    rates_ = saved;
    return error;
  }

  // Doses due at t; false (with the result filled) when one cannot be given.
  bool apply_doses_at(double t, Stepper& stepper, SolveResult& result) {
    plain_steps_left_ = options_.max_steps;  // one budget for all steady-state searches at t
    const auto integrate = [&](double t0, double t1, std::vector<double>& y, const std::vector<double>& rates) {
      return integrate_plain(stepper, t0, t1, y, rates);
    };
    if (auto error = dosing_.apply_due(t, y_, rates_, integrate, workspace_)) {
      result.status = SolveStatus::event_failed;
      result.message = *error;
      result.t_failed = t;
      return false;
    }
    rhs_.any_infusion = std::any_of(rates_.begin(), rates_.end(), [](double r) { return r != 0.0; });
    return true;
  }

  // Returns NaN, or the time at which the explicit method found the problem stiff.
  double run(const SolveProblem& problem, Stepper& stepper, SolveResult& result) {
    Trajectory& out = result.trajectory;
    out.times.clear(), out.states.clear(), out.observables.clear(), out.crossings.clear(), out.events_fired.clear();
    result.status = SolveStatus::ok;
    result.message.clear();
    result.t_failed = 0.0;
    const long steps_before = stepper.steps(), rejected_before = stepper.rejected_steps();
    rhs_.evaluations = 0;
    const auto finish_stats = [&] {
      result.stats.steps = stepper.steps() - steps_before;
      result.stats.rejected_steps = stepper.rejected_steps() - rejected_before;
      result.stats.rhs_evaluations = rhs_.evaluations;
    };

    monitors_.assign(problem.monitors.begin(), problem.monitors.end());
    const std::size_t n_model_roots = model_->n_roots();
    const std::size_t n_roots = n_model_roots + monitors_.size();
    g_old_.resize(n_roots), g_new_.resize(n_roots), g_probe_.resize(n_roots), g_stop_.resize(n_roots);

    model_->load_parameters(problem.parameters, workspace_);
    std::fill(rates_.begin(), rates_.end(), 0.0);
    double t = problem.t_start_days;
    const double t_end = problem.t_end_days;
    model_->initial_state(t, y_, workspace_);

    const auto fail = [&](const std::string& message) {
      result.status = SolveStatus::event_failed;
      result.message = message;
      result.t_failed = t;
      finish_stats();
      return std::numeric_limits<double>::quiet_NaN();
    };
    // What was given before the start is not part of this run.
    if (auto error = dosing_.resolve(*model_, workspace_, problem.schedule, t)) return fail(*error);
    if (!apply_doses_at(t, stepper, result)) return finish_stats(), std::numeric_limits<double>::quiet_NaN();
    // A trigger true at the start has risen unless the model says it was true before.
    events_.reset();
    if (auto error = events_.settle(t, y_, workspace_, out.events_fired)) return fail(*error);

    std::size_t next_output = 0;
    const auto& times = problem.output_times;
    while (next_output < times.size() && times[next_output] <= t) record_output(out, t, y_.data()), ++next_output;

    stepper.reset(t, y_.data());
    evaluate_roots(t, y_.data(), g_old_);

    long steps_taken = 0;
    while (t < t_end) {
      const double t_action = std::min(dosing_.next_time(), events_.next_time());
      const double t_limit = step_limit(t, std::min(t_action, t_end));
      const detail::StepOutcome step = stepper.step(t_limit);
      if (step.status != SolveStatus::ok) {
        result.status = step.status;
        result.message = step.message;
        result.t_failed = t;
        finish_stats();
        return std::numeric_limits<double>::quiet_NaN();
      }
      if (step.became_stiff) return t;
      const double t_new = step.t_new;
      // One-step mode has no per-call step limit in CVODES: the driver enforces max_steps for both,
      // and a step that does not advance time is a failure, never a loop.
      if (++steps_taken > options_.max_steps || !(t_new > t)) {
        result.status = t_new > t ? SolveStatus::too_much_work : SolveStatus::accuracy_not_reached;
        result.message = t_new > t ? fmt::format("more than {} steps", options_.max_steps)
                                   : fmt::format("no progress at t = {:.9g} d", t);
        result.t_failed = t;
        finish_stats();
        return std::numeric_limits<double>::quiet_NaN();
      }
      evaluate_roots(t_new, stepper.y(), g_new_);

      const std::optional<double> root = earliest_root(stepper, t, t_new);
      const bool stopped_early = root.has_value();
      const double t_stop = root.value_or(t_new);
      const double* y_at_stop = stepper.y();
      if (stopped_early) {
        stepper.interpolate(t_stop, y_.data());
        evaluate_roots(t_stop, y_.data(), g_stop_);
        y_at_stop = y_.data();
      } else {
        g_stop_ = g_new_;
      }
      for (std::size_t m = n_model_roots; m < n_roots; ++m) {
        const int direction = rises(g_old_[m], g_stop_[m]) ? 1 : falls(g_old_[m], g_stop_[m]) ? -1 : 0;
        if (!direction) continue;
        const auto [ta, tb] = locate(stepper, m, t, g_old_[m], t_stop, g_stop_[m]);
        out.crossings.push_back(Crossing{m - n_model_roots, 0.5 * (ta + tb), direction});
      }
      std::sort(out.crossings.begin(), out.crossings.end(),
                [](const Crossing& a, const Crossing& b) { return a.time_days < b.time_days; });

      // Outputs inside the step; one at a breakpoint (a dose or a delayed event) is written after it.
      // Times a rounding error apart (TIME*unit vs LAG/unit) count as the breakpoint's time.
      const bool breakpoint_now = t_stop == t_action;
      const double coincident = coincident_days * std::max(1.0, std::abs(t_stop));
      while (next_output < times.size() &&
             (breakpoint_now ? times[next_output] < t_stop - coincident : times[next_output] <= t_stop)) {
        if (times[next_output] >= t_stop) {
          record_output(out, t_stop, y_at_stop);
        } else {
          stepper.interpolate(times[next_output], y_probe_.data());
          record_output(out, times[next_output], y_probe_.data());
        }
        ++next_output;
      }

      if (!stopped_early) std::copy(stepper.y(), stepper.y() + model_->n_states(), y_.begin());
      t = t_stop;
      const bool restart = stopped_early || breakpoint_now;
      if (breakpoint_now && dosing_.next_time() == t && !apply_doses_at(t, stepper, result))
        return finish_stats(), std::numeric_limits<double>::quiet_NaN();
      // Doses, discontinuities and roots of triggers may each change a trigger.
      if (restart)
        if (auto error = events_.settle(t, y_, workspace_, out.events_fired)) return fail(*error);
      if (breakpoint_now)
        while (next_output < times.size() && times[next_output] <= t + coincident)
          record_output(out, times[next_output], y_.data()), ++next_output;
      if (restart) {
        stepper.reset(t, y_.data());
        evaluate_roots(t, y_.data(), g_old_);
      } else {
        g_old_.swap(g_stop_);
      }
    }
    finish_stats();
    return std::numeric_limits<double>::quiet_NaN();
  }

  std::shared_ptr<const CompiledModel> model_;
  SolverOptions options_;
  Workspace workspace_;
  detail::RightHandSide rhs_;
  std::unique_ptr<Stepper> rk_, rk_detecting_, bdf_;
  std::vector<double> y_, y_probe_, rates_, observed_;
  std::vector<double> g_old_, g_new_, g_probe_, g_stop_, located_;
  std::vector<CrossingMonitor> monitors_;
  detail::Dosing dosing_;
  detail::Events events_;
  long plain_steps_left_ = 0;  // steps left to the steady-state searches at the current dosing time
};

}  // namespace

std::unique_ptr<Solver> make_solver(std::shared_ptr<const CompiledModel> model, const SolverOptions& options) {
  return std::make_unique<Driver>(std::move(model), options);
}

}  // namespace engraft
