#include "engraft/report/reports.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "engraft/formats/run_output.hpp"
#include "engraft/formats/scenario_file.hpp"
#include "engraft/report/html_report.hpp"
#include "engraft/report/svg_plot.hpp"

namespace engraft {

namespace {

// Series per plot: more lines than this are unreadable; the largest are kept.
constexpr std::size_t max_series = 8;

const char* say(Language l, const char* en, const char* zh) { return l == Language::zh ? zh : en; }

std::string axis(const std::string& name, const std::string& unit) {
  return unit.empty() || unit == "1" ? name : fmt::format("{} ({})", name, unit);
}

/// Observables grouped for plotting: by unit and by the name's first word (cells_lung and
/// cells_liver together: the organ distribution of living cells), largest peaks first.
std::map<std::string, std::vector<std::size_t>> plot_groups(const CompiledModel& model, const Trajectory& tr) {
  const auto& observables = model.description().observables;
  const std::size_t n = observables.size();
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t k = 0; k < n; ++k) {
    const std::string& name = observables[k].name;
    const std::string prefix = name.substr(0, name.find('_'));
    groups[observables[k].unit + "|" + prefix].push_back(k);
  }
  const auto peak = [&](std::size_t k) {
    double m = 0;
    for (std::size_t i = 0; i < tr.times.size(); ++i) m = std::max(m, std::abs(tr.observable(i, k, n)));
    return m;
  };
  for (auto& [key, members] : groups) {
    std::stable_sort(members.begin(), members.end(), [&](std::size_t a, std::size_t b) { return peak(a) > peak(b); });
    if (members.size() > max_series) members.resize(max_series);
  }
  return groups;
}

void add_evidence(HtmlReport& report, const std::string& model_name, const ReportEvidence& evidence, Language l) {
  std::vector<const Topic*> topics;
  for (const Topic& t : evidence.topics)
    for (const Demo& d : t.demos) {
      std::error_code ec;
      if (std::filesystem::is_regular_file(d.scenario, ec) && scenario_model(d.scenario).name_or_path == model_name &&
          std::find(topics.begin(), topics.end(), &t) == topics.end())
        topics.push_back(&t);
    }
  report.heading(say(l, "The evidence beside this prediction", "预测旁的证据"));
  if (topics.empty()) {
    report.paragraph(say(l, "No evidence topic of evidence/explain.toml uses this model; `engraft evidence` lists every study.",
                         "evidence/explain.toml 中没有使用此模型的主题；`engraft evidence` 列出全部研究。"));
    return;
  }
  for (const Topic* t : topics) {
    report.paragraph(fmt::format("{} — {}: {}", t->title.in(l), say(l, "verdict", "结论"), t->verdict_text.in(l)));
    std::vector<std::vector<std::string>> rows;
    for (const std::string& id : t->studies) {
      const Study& s = *evidence.base.study(id);
      rows.push_back({s.id, s.intervention.in(l), s.endpoint.in(l), s.effect, s.n, s.level,
                      s.source + (s.doi.empty() ? "" : ", doi:" + s.doi)});
    }
    report.table({say(l, "study", "研究"), say(l, "intervention", "干预"), say(l, "endpoint", "终点"), say(l, "effect", "效应"), "n",
                  say(l, "level", "证据级别"), say(l, "source", "来源")},
                 rows);
  }
}

std::string footer_text(const CompiledModel& model, const std::filesystem::path& file) {
  return fmt::format("engraft {} · model {} {} (content hash {:016x}) · {} · parameters, units and sources: summary.json and "
                     "`engraft model show {}` · a model of mechanisms, not a forecast for a person; engraft does not "
                     "recommend a treatment or a clinic.",
                     engraft_version(), model.name(), model.description().version, model.content_hash(),
                     file.empty() ? std::string("built-in scenario") : file.string(), model.name());
}

}  // namespace

ReportEvidence load_report_evidence() {
  ReportEvidence e;
  const std::filesystem::path dir = builtin_evidence_dir();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dir / "studies.toml", ec)) return e;
  e.base = read_evidence_file(dir / "studies.toml");
  if (std::filesystem::is_regular_file(dir / "explain.toml", ec))
    e.topics = read_explain_file(dir / "explain.toml", e.base, dir.parent_path());
  return e;
}

std::string run_report_html(const CompiledModel& model, const Scenario& scenario, const RunResult& result,
                            const ReportEvidence& evidence, Language l) {
  HtmlReport report(scenario.name, l == Language::zh ? "zh" : "en");
  const Trajectory& tr = result.solve.trajectory;
  const auto& observables = model.description().observables;
  const std::size_t n = observables.size();
  report.paragraph(fmt::format("{}: {} {} · {}: {} {} · {} {}", say(l, "model", "模型"), model.name(),
                               model.description().version, say(l, "solver", "求解器"), result.solve.stats.method,
                               result.solve.ok() ? "" : "(" + result.solve.message + ")", say(l, "days", "天数"),
                               fmt::format("{:g} – {:g}", scenario.start_day, scenario.end_day)));

  const EndpointBinding& binding = model.description().endpoints;
  if (!binding.neutrophils.empty() || !binding.platelets.empty()) {
    report.heading(say(l, "Endpoints (ASTCT)", "终点（ASTCT）"));
    std::vector<std::vector<std::string>> rows;
    for (const EndpointColumn& c : transplant_endpoint_columns()) {
      const auto v = c.value(result, n);
      rows.push_back({c.label, v ? fmt::format("{:.4g}", *v) : say(l, "not reached", "未达到"), c.unit});
    }
    report.table({say(l, "endpoint", "终点"), say(l, "value", "数值"), say(l, "unit", "单位")}, rows);
  }

  report.heading(say(l, "Time courses", "时间曲线"));
  const auto bound = [&](const std::string& name, double threshold, const std::optional<double>& day, const char* what) {
    if (name.empty()) return;
    const std::size_t k = model.observable_index(name);
    LinePlot plot{axis(name, observables[k].unit), say(l, "day", "天"), axis(name, observables[k].unit), false, {}, {}, {}, {}};
    LineSeries s{name, tr.times, {}, false};
    for (std::size_t i = 0; i < tr.times.size(); ++i) s.y.push_back(tr.observable(i, k, n));
    plot.series.push_back(std::move(s));
    plot.thresholds.push_back({threshold, fmt::format("{:g} {}", threshold, observables[k].unit)});
    if (day) plot.markers.push_back({*day + scenario.endpoints.graft_day, fmt::format("{} {}: {:g}", what, say(l, "day", "天"), *day)});
    report.figure(render_svg(plot), fmt::format("{} — {}", observables[k].description, say(l, "threshold dashed in red; engraftment day marked", "红色虚线为阈值；标出植入日")));
  };
  bound(binding.neutrophils, scenario.endpoints.neutrophil_threshold, result.endpoints.neutrophil_engraftment_day,
        say(l, "neutrophil engraftment", "中性粒细胞植入"));
  bound(binding.platelets, scenario.endpoints.platelet_threshold, result.endpoints.platelet_engraftment_day,
        say(l, "platelet engraftment", "血小板植入"));
  for (const auto& [key, members] : plot_groups(model, tr)) {
    if (members.size() == 1 && (observables[members[0]].name == binding.neutrophils || observables[members[0]].name == binding.platelets))
      continue;
    const std::string unit = observables[members.front()].unit;
    const std::string prefix = key.substr(key.find('|') + 1);
    LinePlot plot{members.size() > 1 ? prefix + "_*" : observables[members[0]].name, say(l, "day", "天"),
                  axis(members.size() > 1 ? prefix : observables[members[0]].name, unit), false, {}, {}, {}, {}};
    for (std::size_t k : members) {
      LineSeries s{observables[k].name, tr.times, {}, false};
      for (std::size_t i = 0; i < tr.times.size(); ++i) s.y.push_back(tr.observable(i, k, n));
      plot.series.push_back(std::move(s));
    }
    report.figure(render_svg(plot), members.size() > 1 ? fmt::format("{} ({} {})", say(l, "largest members of the group", "该组中数值最大的几条"), members.size(), say(l, "shown", "条"))
                                                       : observables[members[0]].description);
  }
  add_evidence(report, model.name(), evidence, l);
  report.footer(footer_text(model, scenario.file));
  return report.render();
}

std::string trial_report_html(const LoadedTrial& trial, const TrialOutcome& outcome, const ReportEvidence& evidence, Language l) {
  const TrialSpec& spec = trial.spec;
  HtmlReport report(spec.name, l == Language::zh ? "zh" : "en");
  report.paragraph(spec.description);
  report.paragraph(fmt::format("{} {} · {} {} · {} {}", spec.patients, say(l, "virtual patients per arm", "名虚拟患者/组"),
                               spec.arms.size(), say(l, "arms", "组"), say(l, "seed", "随机种子"), spec.seed));
  report.heading(say(l, "Endpoints by arm", "各组终点"));
  for (const EndpointSummary& e : outcome.endpoints) {
    if (e.yes_no) {
      BarPlot plot{e.label, say(l, "proportion of patients (95 % Wilson interval)", "患者比例（95% Wilson 区间）"), {}};
      for (std::size_t a = 0; a < e.arms.size(); ++a) {
        const ArmEndpointSummary& s = e.arms[a];
        if (!s.subjects) continue;
        plot.rows.push_back({spec.arms[a].name, static_cast<double>(s.count) / static_cast<double>(s.subjects),
                             s.proportion_interval.lower, s.proportion_interval.upper});
      }
      report.figure(render_svg(plot), e.label);
      continue;
    }
    IntervalPlot plot{e.label, axis(e.label, e.unit), {}};
    for (std::size_t a = 0; a < e.arms.size(); ++a)
      if (const auto& d = e.arms[a].values)
        plot.rows.push_back({spec.arms[a].name, d->median, d->q25, d->q75, d->q05, d->q95});
    if (!plot.rows.empty())
      report.figure(render_svg(plot), say(l, "dot: median; box: interquartile range; line: 5–95 %", "圆点：中位数；方框：四分位距；线：5–95%"));
  }
  report.heading(say(l, "Summary table", "汇总表"));
  std::vector<std::vector<std::string>> rows;
  for (const EndpointSummary& e : outcome.endpoints)
    for (std::size_t a = 0; a < e.arms.size(); ++a) {
      const ArmEndpointSummary& s = e.arms[a];
      const auto& d = s.values;
      rows.push_back({e.label, spec.arms[a].name, fmt::format("{}", s.subjects),
                      s.subjects ? fmt::format("{:.1f} % ({:.1f}–{:.1f})", 100.0 * static_cast<double>(s.count) / static_cast<double>(s.subjects),
                                               100 * s.proportion_interval.lower, 100 * s.proportion_interval.upper)
                                 : "",
                      d ? fmt::format("{:.3g}", d->median) : "", d ? fmt::format("{:.3g}–{:.3g}", d->q25, d->q75) : "",
                      d ? fmt::format("{:.3g}–{:.3g}", d->q05, d->q95) : "", e.unit});
    }
  report.table({say(l, "endpoint", "终点"), say(l, "arm", "组"), "n", say(l, "reached / yes (95 % CI)", "达到/是（95% CI）"),
                say(l, "median", "中位数"), "IQR", "5–95 %", say(l, "unit", "单位")},
               rows);
  add_evidence(report, trial.model->name(), evidence, l);
  report.footer(footer_text(*trial.model, spec.file));
  return report.render();
}

std::string sensitivity_report_html(const LoadedSensitivity& study, const std::vector<SobolOutput>& outputs,
                                    const ReportEvidence& evidence, Language l) {
  const SensitivitySpec& spec = study.spec;
  HtmlReport report(spec.name, l == Language::zh ? "zh" : "en");
  report.paragraph(spec.description);
  report.paragraph(fmt::format("{}: {} · N = {} · {} {}", say(l, "scenario", "场景"), spec.scenario.name, spec.sobol.base_samples,
                               spec.factors.size(), say(l, "factors", "个因素")));
  std::vector<std::vector<std::string>> ranges;
  for (const SensitivityFactor& f : spec.factors)
    ranges.push_back({f.label(), fmt::format("{:g} – {:g} {}", f.lower, f.upper, f.unit), f.source});
  report.heading(say(l, "Factors and their ranges", "因素及其范围"));
  report.table({say(l, "factor", "因素"), say(l, "range", "范围"), say(l, "source", "来源")}, ranges);
  report.heading(say(l, "Sobol' indices (95 % bootstrap intervals)", "Sobol 指数（95% bootstrap 区间）"));
  for (std::size_t e = 0; e < spec.endpoints.size() && e < outputs.size(); ++e) {
    BarPlot plot{spec.endpoints[e]->label, say(l, "index (S1: first order, ST: total)", "指数（S1：一阶，ST：总效应）"), {}};
    for (std::size_t k = 0; k < outputs[e].factors.size(); ++k) {
      const FactorIndices& f = outputs[e].factors[k];
      plot.rows.push_back({spec.factors[k].label() + " · S1", f.first_order.estimate, f.first_order.interval.lower,
                           f.first_order.interval.upper});
      plot.rows.push_back({spec.factors[k].label() + " · ST", f.total.estimate, f.total.interval.lower, f.total.interval.upper});
    }
    report.figure(render_svg(plot), fmt::format("{}: {}", say(l, "rows used", "使用的行数"), outputs[e].rows_used));
  }
  add_evidence(report, study.model->name(), evidence, l);
  report.footer(footer_text(*study.model, spec.file));
  return report.render();
}

std::string fit_report_html(const LoadedFit& fit, const FitResult& result, const ReportEvidence& evidence, Language l) {
  const FitProblem& problem = fit.problem;
  const CompiledModel& model = *problem.model();
  HtmlReport report(fit.name, l == Language::zh ? "zh" : "en");
  report.paragraph(fmt::format("{}: {} · {}: {} · MAP {}", say(l, "scenario", "场景"), problem.scenario().name,
                               say(l, "prior", "先验"), fit.prior.spec.name,
                               result.map.converged ? say(l, "converged", "已收敛") : say(l, "did not converge", "未收敛")));
  report.heading(say(l, "The patient's counts", "患者的血细胞计数"));
  std::map<std::size_t, LineSeries> by_observable;
  std::vector<std::vector<std::string>> data;
  for (const Observation& o : problem.observations()) {
    const std::string& name = model.description().observables[o.observable].name;
    LineSeries& s = by_observable[o.observable];
    s.label = name;
    s.dashed = true;
    s.x.push_back(o.t_days);
    s.y.push_back(o.value);
    data.push_back({fmt::format("{:g}", o.t_days), name, (o.censored ? "< " : "") + fmt::format("{:g}", o.value),
                    model.description().observables[o.observable].unit});
  }
  for (auto& [k, series] : by_observable) {
    LinePlot plot{series.label, say(l, "day", "天"), axis(series.label, model.description().observables[k].unit), true, {}, {}, {}, {}};
    plot.series.push_back(std::move(series));
    report.figure(render_svg(plot), say(l, "observed values (log scale; a value below the limit is drawn at the limit)",
                                        "观测值（对数坐标；低于检测限的值画在检测限处）"));
  }
  report.table({say(l, "day", "天"), say(l, "observable", "观测量"), say(l, "value", "数值"), say(l, "unit", "单位")}, data);
  report.heading(say(l, "Forecast: posterior beside the prior", "预测：后验与先验对比"));
  for (std::size_t e = 0; e < result.forecast.size(); ++e) {
    const EndpointForecast& post = result.forecast[e];
    IntervalPlot plot{post.endpoint->label, axis(post.endpoint->label, post.endpoint->unit), {}};
    const auto row = [&](const EndpointForecast& f, const char* label) {
      if (f.lower && f.median && f.upper) plot.rows.push_back({label, *f.median, *f.lower, *f.upper, *f.lower, *f.upper});
    };
    row(post, say(l, "this patient (posterior)", "该患者（后验）"));
    if (e < result.prior_forecast.size()) row(result.prior_forecast[e], say(l, "population (prior)", "人群（先验）"));
    if (!plot.rows.empty())
      report.figure(render_svg(plot), fmt::format("{} {:g} % {}; {} {:.0f} %", say(l, "dot: median; box:", "圆点：中位数；方框："),
                                                  100 * fit.options.interval, say(l, "interval", "区间"),
                                                  say(l, "draws reaching it:", "达到该终点的抽样比例："), 100 * post.reached));
  }
  add_evidence(report, model.name(), evidence, l);
  report.footer(footer_text(model, fit.file) + " " +
                say(l, "A forecast from a model and a population prior, with its uncertainty; not a clinical decision.",
                    "基于模型和人群先验的预测及其不确定性；不构成临床决策。"));
  return report.render();
}

}  // namespace engraft
