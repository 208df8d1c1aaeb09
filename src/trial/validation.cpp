#include "engraft/trial/validation.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "engraft/trial/statistics.hpp"

namespace engraft {

namespace {

// First crossing of a threshold in the given direction, linearly interpolated between
// output times after the graft day (as hematopoiesis.md §2.1b defines threshold times).
std::optional<double> crossing(const Trajectory& tr, std::size_t n_obs, std::size_t k, double threshold, int direction,
                               double from_day) {
  for (std::size_t i = 1; i < tr.times.size(); ++i) {
    if (tr.times[i] <= from_day) continue;
    const double a = tr.observable(i - 1, k, n_obs) - threshold, b = tr.observable(i, k, n_obs) - threshold;
    const bool hit = direction > 0 ? (a < 0.0 && b >= 0.0) : (a >= 0.0 && b < 0.0);
    if (hit) return tr.times[i - 1] + (tr.times[i] - tr.times[i - 1]) * (-a) / (b - a);
  }
  return std::nullopt;
}

std::optional<double> endpoint_value(const TransplantEndpoints& e, const std::string& key, const SourceLocation& where) {
  const std::map<std::string, std::optional<double>> values = {
      {"neutrophil_engraftment_day", e.neutrophil_engraftment_day},
      {"platelet_engraftment_day", e.platelet_engraftment_day},
      {"graft_failure", e.graft_failure ? std::optional<double>(*e.graft_failure ? 1.0 : 0.0) : std::nullopt},
      {"anc_nadir", e.anc_nadir},
      {"anc_nadir_day", e.anc_nadir_day},
      {"plt_nadir", e.plt_nadir},
      {"plt_nadir_day", e.plt_nadir_day},
      {"severe_neutropenia_hours", e.severe_neutropenia_hours},
      {"anc_0_5_crossing_day", e.anc_0_5_crossing_day},
      {"plt_20_crossing_day", e.plt_20_crossing_day},
      {"anc_rise_24h", e.anc_rise_24h},
  };
  const auto it = values.find(key);
  if (it == values.end()) {
    std::string known;
    for (const auto& [name, value] : values) known += (known.empty() ? "" : ", ") + name;
    throw InputError(where, "an endpoint key (" + known + ")", "'" + key + "'");
  }
  return it->second;
}

/// Per-subject endpoint values of a trial, by arm and endpoint (NaN: the subject failed).
class CollectingSink : public ResultSink {
 public:
  explicit CollectingSink(const TrialSpec& spec)
      : values_(spec.arms.size(), std::vector<std::vector<std::optional<double>>>(spec.endpoints.size())) {}
  void write(const SubjectResult& r) override {
    for (std::size_t k = 0; k < r.endpoints.size(); ++k)
      values_[r.arm][k].push_back(r.ok ? r.endpoints[k] : std::optional<double>(std::nan("")));
  }
  const std::vector<std::optional<double>>& values(std::size_t arm, std::size_t endpoint) const {
    return values_[arm][endpoint];
  }

 private:
  std::vector<std::vector<std::vector<std::optional<double>>>> values_;
};

std::optional<double> trial_statistic(std::span<const std::optional<double>> values, TrialStatistic statistic) {
  if (statistic == TrialStatistic::proportion) return arm_statistic(values, ArmStatistic::proportion);
  std::vector<double> present;
  for (const auto& v : values)
    if (v && !std::isnan(*v)) present.push_back(*v);
  const auto d = describe_values(present);
  if (!d) return std::nullopt;
  switch (statistic) {
    case TrialStatistic::median: return d->median;
    case TrialStatistic::q05: return d->q05;
    case TrialStatistic::q25: return d->q25;
    case TrialStatistic::q75: return d->q75;
    case TrialStatistic::q95: return d->q95;
    case TrialStatistic::mean: return d->mean;
    case TrialStatistic::log10_span_90:
      if (!(d->q05 > 0.0)) return std::nullopt;
      return std::log10(d->q95 / d->q05);
    case TrialStatistic::proportion: break;
  }
  return std::nullopt;
}

std::optional<double> trial_value(const ValidationCheck& check, const ValidationTrial& trial, const CollectingSink& sink) {
  const TrialSpec& spec = trial.spec;
  std::size_t arm = 0;
  if (!check.arm.empty()) {
    const auto it = std::find_if(spec.arms.begin(), spec.arms.end(), [&](const Arm& a) { return a.name == check.arm; });
    if (it == spec.arms.end()) throw InputError(check.where, "the name of an arm of trial '" + check.trial + "'", "'" + check.arm + "'");
    arm = static_cast<std::size_t>(it - spec.arms.begin());
  }
  const auto e = std::find_if(spec.endpoints.begin(), spec.endpoints.end(),
                              [&](const EndpointColumn* c) { return c->name == check.endpoint; });
  if (e == spec.endpoints.end())
    throw InputError(check.where, "an endpoint of trial '" + check.trial + "'", "'" + check.endpoint + "'");
  const auto& values = sink.values(arm, static_cast<std::size_t>(e - spec.endpoints.begin()));
  if (!check.at_most && !check.at_least) return trial_statistic(values, check.statistic);
  std::vector<std::optional<double>> yes_no;   // as a trial's [[proportion]]: failed subjects stay out
  for (const auto& v : values)
    yes_no.push_back(v && std::isnan(*v) ? v
                     : v && (check.at_most ? *v <= *check.at_most : *v >= *check.at_least) ? 1.0 : 0.0);
  return trial_statistic(yes_no, TrialStatistic::proportion);
}

}  // namespace

std::optional<double> evaluate_metric(const ValidationCheck& check, const CompiledModel& model, const RunResult& result) {
  const Trajectory& tr = result.solve.trajectory;
  const std::size_t n_obs = model.n_observables();
  if (check.metric == Metric::endpoint) return endpoint_value(result.endpoints, check.endpoint, check.where);
  const std::size_t k = model.observable_index(check.observable, check.where);
  switch (check.metric) {
    case Metric::crossing_up: return crossing(tr, n_obs, k, check.threshold, +1, -1e300);
    case Metric::crossing_down: return crossing(tr, n_obs, k, check.threshold, -1, -1e300);
    case Metric::value_at: return observable_at(tr, n_obs, k, check.day);
    case Metric::nadir_value: case Metric::nadir_day: case Metric::maximum_value: case Metric::maximum_day: {
      const bool minimum = check.metric == Metric::nadir_value || check.metric == Metric::nadir_day;
      std::optional<std::size_t> best;
      for (std::size_t i = 0; i < tr.times.size(); ++i) {
        const double v = tr.observable(i, k, n_obs);
        if (!best || (minimum ? v < tr.observable(*best, k, n_obs) : v > tr.observable(*best, k, n_obs))) best = i;
      }
      if (!best) return std::nullopt;
      const bool wants_day = check.metric == Metric::nadir_day || check.metric == Metric::maximum_day;
      return wants_day ? tr.times[*best] : tr.observable(*best, k, n_obs);
    }
    case Metric::endpoint: break;
  }
  return std::nullopt;
}

std::vector<CheckOutcome> run_validation_case(const ValidationCase& c,
                                              const std::map<std::string, std::shared_ptr<const CompiledModel>>& models) {
  std::map<std::string, RunResult> results;
  for (const auto& [name, scenario] : c.runs) results.emplace(name, run(models.at(name), scenario));
  std::map<std::string, CollectingSink> trial_results;
  for (const auto& [name, trial] : c.trials) {
    CollectingSink& sink = trial_results.emplace(name, CollectingSink(trial.spec)).first->second;
    run_trial(trial.model, trial.spec, *trial.population, ExecutorOptions{}, sink);
  }
  std::vector<CheckOutcome> outcomes;
  for (const ValidationCheck& check : c.checks) {
    CheckOutcome o;
    o.case_id = c.id;
    o.check = check.name;
    const auto value_of = [&](const std::string& run_name) -> std::optional<double> {
      const RunResult& r = results.at(run_name);
      if (!r.solve.ok()) {
        o.note = fmt::format("run '{}' failed: {}", run_name, r.solve.message);
        return std::nullopt;
      }
      return evaluate_metric(check, *models.at(run_name), r);
    };
    std::optional<double> value =
        check.trial.empty() ? value_of(check.run) : trial_value(check, c.trials.at(check.trial), trial_results.at(check.trial));
    if (value && !check.minus.empty()) {
      const auto other = value_of(check.minus);
      value = other ? std::optional<double>(*value - *other) : std::nullopt;
    }
    if (value) value = *value * check.scale;
    o.value = value;
    if (check.expected) {
      const double tol = check.absolute_tolerance + check.relative_tolerance * std::abs(*check.expected);
      o.expected_text = check.relative_tolerance > 0
                            ? fmt::format("{:.4g} ± {:g} %", *check.expected, 100 * check.relative_tolerance)
                            : fmt::format("{:.4g} ± {:.3g}", *check.expected, tol);
      o.passed = value && std::abs(*value - *check.expected) <= tol;
    } else {
      o.expected_text = fmt::format("[{}, {}]", check.band_min ? fmt::format("{:.4g}", *check.band_min) : "-inf",
                                    check.band_max ? fmt::format("{:.4g}", *check.band_max) : "inf");
      o.passed = value && (!check.band_min || *value >= *check.band_min) && (!check.band_max || *value <= *check.band_max);
    }
    if (!value && o.note.empty()) o.note = "not reached";
    outcomes.push_back(std::move(o));
  }
  return outcomes;
}

}  // namespace engraft
