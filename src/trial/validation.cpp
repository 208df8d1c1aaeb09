#include "engraft/trial/validation.hpp"

#include <cmath>

#include <fmt/format.h>

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
    std::optional<double> value = value_of(check.run);
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
