#include "engraft/trial/endpoints.hpp"

#include <algorithm>
#include <cmath>

namespace engraft {

std::optional<double> observable_at(const Trajectory& trajectory, std::size_t n_observables, std::size_t k, double t) {
  const auto& times = trajectory.times;
  if (times.empty() || t < times.front() || t > times.back()) return std::nullopt;
  const auto upper = std::lower_bound(times.begin(), times.end(), t);
  const std::size_t j = static_cast<std::size_t>(upper - times.begin());
  if (times[j] == t || j == 0) return trajectory.observable(j, k, n_observables);
  const double t0 = times[j - 1], t1 = times[j];
  const double v0 = trajectory.observable(j - 1, k, n_observables), v1 = trajectory.observable(j, k, n_observables);
  return v0 + (v1 - v0) * (t - t0) / (t1 - t0);
}

std::optional<double> evaluate_course_endpoint(const Trajectory& tr, std::size_t n_obs, const CourseEndpoint& e) {
  const std::size_t k = e.observable;
  switch (e.statistic) {
    case CourseStatistic::value_at: return observable_at(tr, n_obs, k, e.day);
    case CourseStatistic::above_at:
    case CourseStatistic::below_at: {
      const auto v = observable_at(tr, n_obs, k, e.day);
      if (!v) return std::nullopt;
      return (e.statistic == CourseStatistic::above_at ? *v >= e.threshold : *v < e.threshold) ? 1.0 : 0.0;
    }
    default: break;
  }
  std::optional<std::size_t> best;   // extreme's row
  std::optional<double> previous_t, previous_v;
  double area = 0.0;
  bool any = false;
  for (std::size_t i = 0; i < tr.times.size(); ++i) {
    const double t = tr.times[i];
    if (t < e.from || t > e.to) continue;
    const double v = tr.observable(i, k, n_obs);
    any = true;
    switch (e.statistic) {
      case CourseStatistic::max:
      case CourseStatistic::time_of_max:
        if (!best || v > tr.observable(*best, k, n_obs)) best = i;
        break;
      case CourseStatistic::min:
      case CourseStatistic::time_of_min:
        if (!best || v < tr.observable(*best, k, n_obs)) best = i;
        break;
      case CourseStatistic::auc:
        if (previous_t) area += 0.5 * (v + *previous_v) * (t - *previous_t);
        break;
      case CourseStatistic::first_above:
      case CourseStatistic::first_below: {
        const bool up = e.statistic == CourseStatistic::first_above;
        if (previous_v && (up ? (*previous_v < e.threshold && v >= e.threshold) : (*previous_v > e.threshold && v <= e.threshold)))
          return *previous_t + (t - *previous_t) * (e.threshold - *previous_v) / (v - *previous_v);
        break;
      }
      default: break;
    }
    previous_t = t, previous_v = v;
  }
  if (!any) return std::nullopt;
  switch (e.statistic) {
    case CourseStatistic::max:
    case CourseStatistic::min: return tr.observable(*best, k, n_obs);
    case CourseStatistic::time_of_max:
    case CourseStatistic::time_of_min: return tr.times[*best];
    case CourseStatistic::auc: return area;
    default: return std::nullopt;   // first_above / first_below never crossed
  }
}

namespace {

struct Nadir {
  double value, day;
};

// Minimum over output times after the graft, refined by a parabola through its neighbours.
std::optional<Nadir> nadir(const Trajectory& tr, std::size_t n_obs, std::size_t k, double from_day) {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < tr.times.size(); ++i) {
    if (tr.times[i] < from_day) continue;
    if (!best || tr.observable(i, k, n_obs) < tr.observable(*best, k, n_obs)) best = i;
  }
  if (!best) return std::nullopt;
  const std::size_t i = *best;
  Nadir n{tr.observable(i, k, n_obs), tr.times[i]};
  if (i > 0 && i + 1 < tr.times.size() && tr.times[i - 1] >= from_day) {
    const double x0 = tr.times[i - 1], x1 = tr.times[i], x2 = tr.times[i + 1];
    const double y0 = tr.observable(i - 1, k, n_obs), y1 = n.value, y2 = tr.observable(i + 1, k, n_obs);
    const double denom = (x0 - x1) * (x0 - x2) * (x1 - x2);
    const double a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / denom;
    const double b = (x2 * x2 * (y0 - y1) + x1 * x1 * (y2 - y0) + x0 * x0 * (y1 - y2)) / denom;
    if (a > 0.0) {
      const double xv = -b / (2 * a);
      if (xv > x0 && xv < x2) {
        const double c = y1 - a * x1 * x1 - b * x1;
        n.day = xv;
        n.value = std::min(y1, a * xv * xv + b * xv + c);
      }
    }
  }
  return n;
}

// ASTCT day: first day d after the graft with `consecutive` days >= threshold, after the
// count has been below the threshold on some earlier day since the graft (the nadir).
std::optional<double> astct_day(const Trajectory& tr, std::size_t n_obs, std::size_t k, const EndpointSettings& s,
                                double threshold, const std::vector<double>& transfusions, double t_end) {
  bool been_below = false;
  for (double d = s.graft_day; d + s.consecutive_days - 1 <= t_end + 1e-9; d += 1.0) {
    const auto today = observable_at(tr, n_obs, k, d);
    if (!today) continue;
    if (*today < threshold) {
      been_below = true;
      continue;
    }
    if (!been_below || d == s.graft_day) continue;
    bool sustained = true;
    for (int j = 1; j < s.consecutive_days && sustained; ++j) {
      const auto later = observable_at(tr, n_obs, k, d + j);
      sustained = later && *later >= threshold;
    }
    const bool transfused = std::any_of(transfusions.begin(), transfusions.end(), [&](double td) {
      return td > d - s.transfusion_free_days && td <= d;
    });
    if (sustained && !transfused) return d - s.graft_day;
  }
  return std::nullopt;
}

std::optional<double> first_rise_after(const Trajectory& tr, std::size_t monitor, double from_day) {
  for (const Crossing& c : tr.crossings)
    if (c.monitor == monitor && c.direction > 0 && c.time_days > from_day) return c.time_days;
  return std::nullopt;
}

}  // namespace

TransplantEndpoints evaluate_endpoints(const Trajectory& tr, std::size_t n_obs, const EndpointInputs& in,
                                       const EndpointSettings& s, double t_end) {
  TransplantEndpoints e;
  if (in.anc_observable) {
    const std::size_t k = *in.anc_observable;
    e.neutrophil_engraftment_day = astct_day(tr, n_obs, k, s, s.neutrophil_threshold, {}, t_end);
    if (e.neutrophil_engraftment_day && *e.neutrophil_engraftment_day <= s.graft_failure_day) e.graft_failure = false;
    else if (t_end >= s.graft_day + s.graft_failure_day + s.consecutive_days - 1) e.graft_failure = true;
    if (auto n = nadir(tr, n_obs, k, s.graft_day)) e.anc_nadir = n->value, e.anc_nadir_day = n->day - s.graft_day;
    if (in.anc_monitor) {
      if (auto c = first_rise_after(tr, *in.anc_monitor, s.graft_day)) {
        e.anc_0_5_crossing_day = *c - s.graft_day;
        if (auto later = observable_at(tr, n_obs, k, *c + 1.0)) e.anc_rise_24h = *later / s.neutrophil_threshold;
      }
      // Time below the threshold over the whole run, from the exact crossings.
      double below_since = tr.times.empty() ? 0.0 : tr.times.front();
      bool below = !tr.times.empty() && tr.observable(0, k, n_obs) < s.neutrophil_threshold;
      double total = 0.0;
      for (const Crossing& c : tr.crossings) {
        if (c.monitor != *in.anc_monitor) continue;
        if (c.direction < 0 && !below) below = true, below_since = c.time_days;
        else if (c.direction > 0 && below) below = false, total += c.time_days - below_since;
      }
      if (below) total += t_end - below_since;
      e.severe_neutropenia_hours = total * 24.0;
    }
  }
  if (in.plt_observable) {
    const std::size_t k = *in.plt_observable;
    e.platelet_engraftment_day = astct_day(tr, n_obs, k, s, s.platelet_threshold, in.transfusion_days, t_end);
    if (auto n = nadir(tr, n_obs, k, s.graft_day)) e.plt_nadir = n->value, e.plt_nadir_day = n->day - s.graft_day;
    if (in.plt_monitor)
      if (auto c = first_rise_after(tr, *in.plt_monitor, s.graft_day)) e.plt_20_crossing_day = *c - s.graft_day;
  }
  return e;
}

}  // namespace engraft
