#include "engraft/formats/fit_output.hpp"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "distribution_name.hpp"
#include "engraft/formats/atomic_file.hpp"
#include "engraft/formats/run_output.hpp"

namespace engraft {

namespace {

using Json = nlohmann::ordered_json;

Json optional_number(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

Json summary_json(const Summary& s) {
  return {{"mean", s.mean}, {"sd", s.sd}, {"lower", s.lower}, {"median", s.median}, {"upper", s.upper}};
}

Json forecast_json(const std::vector<EndpointForecast>& forecast) {
  Json out = Json::array();
  for (const EndpointForecast& f : forecast)
    out.push_back({{"endpoint", std::string(f.endpoint->name)}, {"unit", std::string(f.endpoint->unit)}, {"draws", f.draws}, {"reached", f.reached},
                   {"lower", optional_number(f.lower)}, {"median", optional_number(f.median)},
                   {"upper", optional_number(f.upper)}, {"interval_mass", f.interval_mass}});
  return out;
}

Json fit_json(const LoadedFit& fit, const FitResult& r) {
  const FitProblem& p = fit.problem;
  const Model& m = p.model()->description();
  const FitOptions& o = fit.options;
  Json j;
  j["engraft_version"] = engraft_version();
  j["fit"] = {{"name", fit.name}, {"file", fit.file.string()}, {"prior", fit.prior.spec.file.string()},
              {"observations", fit.observations_file.string()}, {"seed", o.seed}, {"draws", o.draws},
              {"interval", o.interval}, {"proposals", o.proposals}, {"proposal_scale", FitOptions::proposal_scale},
              {"starts", o.starts}, {"max_evaluations", o.max_evaluations},
              {"hessian_step", o.hessian_step}};
  j["scenario"] = {{"name", p.scenario().name}, {"file", p.scenario().file.string()}, {"start_day", p.scenario().start_day},
                   {"end_day", p.scenario().end_day}};
  j["model"] = {{"name", m.name}, {"version", m.version}, {"hash", fmt::format("{:016x}", p.model()->content_hash())}};
  Json residuals = Json::array();
  for (const ResidualError& e : p.errors())
    residuals.push_back({{"observable", m.observables[e.observable].name}, {"log_sd", e.log_sd}, {"lloq", e.lloq},
                         {"source", e.source}});
  j["residual_error"] = residuals;
  Json observations = Json::array();
  for (const Observation& ob : p.observations())
    observations.push_back({{"day", ob.t_days}, {"observable", m.observables[ob.observable].name}, {"value", ob.value},
                            {"censored", ob.censored}});
  j["observations"] = observations;
  j["map"] = {{"status", r.map.status}, {"converged", r.map.converged}, {"objective", r.map.objective},
              {"objective_definition", "-2 log posterior + constant, in whitened coordinates"},
              {"best_start", r.map.best_start}, {"evaluations", r.map.evaluations}, {"failed_solves", r.map.failed_solves},
              {"coordinates", r.map.x}};
  j["laplace"] = {{"min_hessian_eigenvalue", r.laplace.min_eigenvalue},
                  {"regularised_eigenvalues", r.laplace.regularised_eigenvalues},
                  {"regularised", r.laplace.regularised_eigenvalues > 0},
                  {"covariance", r.laplace.covariance}};
  Json parameters = Json::array();
  for (const ParameterEstimate& e : r.parameters)
    parameters.push_back({{"name", e.parameter->parameter}, {"unit", e.unit}, {"distribution", detail::distribution_name(e.parameter->kind)},
                          {"typical", e.typical}, {"map", e.map}, {"posterior", summary_json(e.posterior)},
                          {"prior", summary_json(e.prior)}, {"prior_source", e.parameter->source}});
  j["parameters"] = parameters;
  j["forecast"] = forecast_json(r.forecast);
  j["prior_forecast"] = forecast_json(r.prior_forecast);
  j["effective_sample_size"] = r.effective_sample_size;
  j["failed_draws"] = r.failed_draws;
  return j;
}

std::string cell(const std::optional<double>& v) { return v ? fmt::format("{}", *v) : ""; }

void write_forecast_rows(std::ostream& out, const char* distribution, const std::vector<EndpointForecast>& forecast) {
  for (const EndpointForecast& f : forecast)
    out << fmt::format("{},{},{},{},{},{},{},{}\n", f.endpoint->name, f.endpoint->unit, distribution, f.draws, f.reached,
                       cell(f.lower), cell(f.median), cell(f.upper));
}

std::string day_text(const std::optional<double>& v, bool integer_days) {
  if (!v) return "not reached";
  return integer_days ? fmt::format("{:.0f}", *v) : fmt::format("{:.1f}", *v);
}

std::string forecast_text(const EndpointForecast& f) {
  const bool integer_days = f.endpoint->name.find("engraftment") != std::string_view::npos;
  std::string text = fmt::format("{} ({} to {})", day_text(f.median, integer_days), day_text(f.lower, integer_days),
                                 day_text(f.upper, integer_days));
  if (f.reached < 1.0) text += fmt::format(", {:.0f}% reached", 100.0 * f.reached);
  return text;
}

}  // namespace

void write_fit_outputs(const std::filesystem::path& dir, const LoadedFit& fit, const FitResult& result) {
  std::filesystem::create_directories(dir);
  AtomicFile json(dir / "fit.json"), csv(dir / "forecast.csv");
  json.stream() << fit_json(fit, result).dump(2) << "\n";
  csv.stream() << "endpoint,unit,distribution,draws,reached,lower,median,upper\n";
  write_forecast_rows(csv.stream(), "posterior", result.forecast);
  write_forecast_rows(csv.stream(), "prior", result.prior_forecast);
  json.commit();
  csv.commit();
}

std::string render_fit_report(const LoadedFit& fit, const FitResult& r) {
  const FitProblem& p = fit.problem;
  const Model& m = p.model()->description();
  const int percent = static_cast<int>(std::lround(100.0 * fit.options.interval));
  std::size_t censored = 0;
  for (const Observation& o : p.observations()) censored += o.censored ? 1 : 0;
  std::string out = fmt::format("engraft {} · fit: {} · model: {} {} · scenario: {}\n", engraft_version(), fit.name, m.name,
                                m.version, p.scenario().name);
  out += fmt::format("data: {} observations ({} below the limit of quantification) from {}\n", p.observations().size(),
                     censored, fit.observations_file.filename().string());
  out += fmt::format("MAP: {} after {} evaluations from {} starts (best: start {}), -2 log posterior {:.2f}{}\n",
                     r.map.converged ? "converged" : "NOT converged (" + r.map.status + ")", r.map.evaluations,
                     fit.options.starts, r.map.best_start, r.map.objective,
                     r.map.failed_solves ? fmt::format(", {} failed solves", r.map.failed_solves) : "");
  out += r.laplace.regularised_eigenvalues
             ? fmt::format("Laplace: Hessian regularised ({} eigenvalue(s) below the prior's curvature, min {:.3g}): "
                           "the posterior is taken no wider than the prior there\n",
                           r.laplace.regularised_eigenvalues, r.laplace.min_eigenvalue)
             : fmt::format("Laplace: Hessian positive definite (min eigenvalue {:.3g})\n", r.laplace.min_eigenvalue);
  out += fmt::format("\n{:<12} {:>11} {:>11} {:>26} {:>26}  {}\n", "parameter", "typical", "MAP",
                     fmt::format("posterior median ({}%)", percent), fmt::format("prior median ({}%)", percent), "unit");
  out += std::string(100, '-') + "\n";
  for (const ParameterEstimate& e : r.parameters)
    out += fmt::format("{:<12} {:>11.4g} {:>11.4g} {:>26} {:>26}  {}\n", e.parameter->parameter, e.typical, e.map,
                       fmt::format("{:.4g} ({:.4g}-{:.4g})", e.posterior.median, e.posterior.lower, e.posterior.upper),
                       fmt::format("{:.4g} ({:.4g}-{:.4g})", e.prior.median, e.prior.lower, e.prior.upper), e.unit);
  out += fmt::format("\n{:<28} {:>34} {:>34}\n", "forecast (day from graft)", fmt::format("posterior median ({}%)", percent),
                     r.prior_forecast.empty() ? "" : fmt::format("prior median ({}%)", percent));
  out += std::string(98, '-') + "\n";
  for (std::size_t k = 0; k < r.forecast.size(); ++k)
    out += fmt::format("{:<28} {:>34} {:>34}\n", r.forecast[k].endpoint->label, forecast_text(r.forecast[k]),
                       k < r.prior_forecast.size() ? forecast_text(r.prior_forecast[k]) : "");
  if (r.failed_draws) out += fmt::format("{} of {} posterior draws failed to solve and are left out.\n", r.failed_draws, fit.options.draws);
  out += fmt::format(
      "\n{} posterior draws, importance-resampled from {} proposals around the Laplace approximation (effective\n"
      "sample size {:.0f}), seed {}. A forecast from a model and a population prior for a patient's first counts:\n"
      "not a clinical prediction for a person.\n",
      fit.options.draws, fit.options.proposals, r.effective_sample_size, fit.options.seed);
  return out;
}

}  // namespace engraft
