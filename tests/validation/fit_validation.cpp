// Validation of `engraft fit` on simulated patients (docs/fit-format.md#validation).
//
// Usage: fit_validation FIT_FILE --patients N [--threads T] [--identifiable P,Q,...]
//        fit_validation FIT_FILE --write-observations PATIENT OUT.csv
//
// Patient i's true coordinates are drawn from the fit file's prior (a keyed stream), its
// counts are simulated at the fit file's observation days and observables with the fit
// file's residual error (censored below each limit of quantification), it is fitted as
// `engraft fit` would, and its true endpoints are compared with the forecast. Exit 1 when a
// check fails; every tolerance is explained where it is checked.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "engraft/formats/atomic_file.hpp"
#include "engraft/formats/fit_file.hpp"
#include "engraft/trial/fit.hpp"
#include "engraft/trial/parallel.hpp"

namespace {

using namespace engraft;

// Patients' truths and noise come from streams of their own seed, apart from the fit's.
constexpr std::uint64_t validation_seed = 20261126;

struct PatientOutcome {
  bool ok = false;
  std::vector<double> truth, map, sd;
  std::vector<std::optional<double>> true_endpoint;
  std::vector<EndpointForecast> forecast;
  bool converged = false, regularised = false;
};

std::vector<double> true_coordinates(const FitProblem& problem, std::uint64_t patient) {
  const std::size_t n = problem.prior().n_coordinates();
  std::vector<double> identity(n * n, 0.0);
  for (std::size_t k = 0; k < n; ++k) identity[k * n + k] = 1.0;
  RandomStream random(validation_seed, static_cast<std::uint64_t>(RandomPurpose::patient), patient);
  return draw_in_box(problem.box(), std::vector<double>(n, 0.0), identity, random).value();
}

std::optional<std::vector<Observation>> observations_of(const FitProblem& problem, std::span<const double> truth,
                                                        std::uint64_t patient, Solver& solver) {
  RandomStream noise(validation_seed, static_cast<std::uint64_t>(RandomPurpose::observation_noise), patient);
  return simulate_observations(problem, truth, noise, solver);
}

PatientOutcome validate_patient(const LoadedFit& fit, std::uint64_t patient) {
  PatientOutcome out;
  const FitProblem& design = fit.problem;
  auto solver = make_solver(design.model(), design.scenario().solver);
  out.truth = true_coordinates(design, patient);
  const auto observations = observations_of(design, out.truth, patient, *solver);
  RunResult scratch;
  const auto truth = simulate_endpoints(design, out.truth, *solver, scratch);
  if (!observations || !truth) return out;
  FitOptions options = fit.options;
  options.threads = 1;              // patients run in parallel instead
  options.prior_forecast = false;
  options.seed = fit.options.seed + patient;
  const FitResult r = fit_patient(design.with_observations(*observations), options);
  const std::size_t n = out.truth.size();
  out.map = r.map.x;
  for (std::size_t k = 0; k < n; ++k) out.sd.push_back(std::sqrt(r.laplace.covariance[k * n + k]));
  for (const EndpointColumn* c : forecast_endpoints()) out.true_endpoint.push_back(c->read(*truth));
  out.forecast = r.forecast;
  out.converged = r.map.converged;
  out.regularised = r.laplace.regularised_eigenvalues > 0;
  out.ok = true;
  return out;
}

bool inside(const EndpointForecast& f, const std::optional<double>& truth) {
  const double inf = std::numeric_limits<double>::infinity();
  const double value = truth.value_or(inf);
  return value >= f.lower.value_or(inf) && value <= f.upper.value_or(inf);
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n, mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

/// The name of each coordinate: the first estimated parameter that loads on it alone.
std::vector<std::string> coordinate_names(const FitProblem& problem) {
  const Prior& prior = problem.prior();
  const std::size_t n = prior.n_coordinates();
  std::vector<std::string> names(n);
  std::vector<double> x(n), base, moved;
  prior.apply(x, problem.typical(), base);
  for (std::size_t k = 0; k < n; ++k) {
    x.assign(n, 0.0);
    x[k] = 1.0;
    prior.apply(x, problem.typical(), moved);
    for (std::size_t i = 0; i < prior.parameters().size() && names[k].empty(); ++i)
      if (moved[prior.parameter_indices()[i]] != base[prior.parameter_indices()[i]]) names[k] = prior.parameters()[i].parameter;
  }
  return names;
}

int run_validation(const LoadedFit& fit, std::size_t patients, unsigned threads, const std::vector<std::string>& identifiable) {
  std::vector<PatientOutcome> outcomes(patients);
  parallel_for(patients, threads, [&](std::size_t i, unsigned) { outcomes[i] = validate_patient(fit, i); });
  std::erase_if(outcomes, [](const PatientOutcome& o) { return !o.ok; });
  const std::size_t n_ok = outcomes.size();
  const double n = static_cast<double>(n_ok);
  bool pass = true;
  std::cout << fmt::format("fit validation: {} simulated patients ({} fitted; {} MAP not converged, {} Laplace regularised), "
                           "{} draws each, nominal interval {:.0f}%\n\n",
                           patients, n_ok,
                           std::count_if(outcomes.begin(), outcomes.end(), [](const auto& o) { return !o.converged; }),
                           std::count_if(outcomes.begin(), outcomes.end(), [](const auto& o) { return o.regularised; }),
                           fit.options.draws, 100 * fit.options.interval);
  // Too many patients lost to failed solves would make every figure below meaningless.
  if (n_ok < patients * 95 / 100) {
    std::cout << "FAIL: fewer than 95 % of the patients could be simulated and fitted\n";
    return 1;
  }

  // (b) Coverage. The nominal rate of an interval is its own posterior probability (interval_mass):
  // the interval's level for continuous days, more for integer days, whose ties fall inside. A
  // calibrated forecast covers the truth at the mean nominal rate. Tolerance: 3 binomial standard
  // deviations at that rate (a false alarm 3 times in 1000 per endpoint) plus 0.03 for the Laplace
  // approximation of a posterior that is not exactly normal in the whitened coordinates.
  std::cout << fmt::format("{:<28} {:>9} {:>9} {:>11} {:>8}\n", "endpoint", "coverage", "nominal", "tolerance", "result");
  const auto columns = forecast_endpoints();
  for (std::size_t e = 0; e < columns.size(); ++e) {
    double covered = 0, nominal = 0;
    for (const PatientOutcome& o : outcomes) {
      covered += inside(o.forecast[e], o.true_endpoint[e]) ? 1 : 0;
      nominal += o.forecast[e].interval_mass;
    }
    covered /= n;
    nominal /= n;
    const double tolerance = 3.0 * std::sqrt(nominal * (1.0 - nominal) / n) + 0.03;
    const bool ok = std::abs(covered - nominal) <= tolerance;
    pass = pass && ok;
    std::cout << fmt::format("{:<28} {:>9.3f} {:>9.3f} {:>11} {:>8}\n", columns[e]->name, covered, nominal,
                             fmt::format("+-{:.3f}", tolerance), ok ? "ok" : "FAIL");
  }

  // (a) Recovery, in whitened coordinates (prior sd = 1). Averaged over patients drawn from
  // the prior, the posterior mean is unbiased for the truth, so the mean error of the MAP is
  // small: tolerance max(0.25, 3 standard errors), 0.25 prior sd for the MAP's bias from the
  // posterior mean in a nonlinear model. The correlation of truth and MAP must be clearly
  // positive (>= 0.5) for the coordinates named identifiable; the posterior interval
  // (MAP +- 1.645 Laplace sd) coverage is reported for each.
  std::cout << fmt::format("\n{:<12} {:>12} {:>11} {:>8} {:>9} {:>13} {:>8}\n", "coordinate", "correlation", "mean error",
                           "rmse", "mean sd", "90% coverage", "result");
  const std::vector<std::string> names = coordinate_names(fit.problem);
  for (std::size_t k = 0; k < names.size(); ++k) {
    std::vector<double> truth, map, error;
    double sd = 0, covered = 0;
    for (const PatientOutcome& o : outcomes) {
      truth.push_back(o.truth[k]);
      map.push_back(o.map[k]);
      error.push_back(o.map[k] - o.truth[k]);
      sd += o.sd[k];
      covered += std::abs(o.map[k] - o.truth[k]) <= 1.6448536269514722 * o.sd[k] ? 1 : 0;
    }
    const double mean_error = std::accumulate(error.begin(), error.end(), 0.0) / n;
    double squares = 0;
    for (double d : error) squares += d * d;
    const double rmse = std::sqrt(squares / n);
    const double r = correlation(truth, map);
    const double standard_error = std::sqrt(std::max(0.0, squares / n - mean_error * mean_error) / (n - 1));
    bool ok = std::abs(mean_error) <= std::max(0.25, 3.0 * standard_error);
    if (std::find(identifiable.begin(), identifiable.end(), names[k]) != identifiable.end()) ok = ok && r >= 0.5;
    pass = pass && ok;
    std::cout << fmt::format("{:<12} {:>12.3f} {:>11.3f} {:>8.3f} {:>9.3f} {:>13.3f} {:>8}\n", names[k], r, mean_error, rmse,
                             sd / n, covered / n, ok ? "ok" : "FAIL");
  }
  std::cout << (pass ? "\nPASS\n" : "\nFAIL\n");
  return pass ? 0 : 1;
}

int write_patient(const LoadedFit& fit, std::uint64_t patient, const std::string& file) {
  const FitProblem& design = fit.problem;
  auto solver = make_solver(design.model(), design.scenario().solver);
  const auto observations = observations_of(design, true_coordinates(design, patient), patient, *solver);
  if (!observations) return 1;
  AtomicFile out(file);
  out.stream() << fmt::format(
      "# SIMULATED, not a real patient: patient {} of tests/validation/fit_validation (seed {}), drawn from the prior of\n"
      "# {}, observed with its residual error; values below a limit of quantification are written <LIMIT.\n",
      patient, validation_seed, fit.file.filename().string());
  write_observations(*observations, *design.model(), out.stream());
  out.commit();
  return 0;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(item);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc == 5 && std::string(argv[2]) == "--write-observations")
      return write_patient(read_fit(argv[1]), std::stoull(argv[3]), argv[4]);
    if (argc < 4 || std::string(argv[2]) != "--patients") {
      std::cerr << "usage: fit_validation FIT_FILE --patients N [--threads T] [--identifiable P,Q]\n"
                   "       fit_validation FIT_FILE --write-observations PATIENT OUT.csv\n";
      return 2;
    }
    unsigned threads = 0;
    std::vector<std::string> identifiable;
    for (int i = 4; i + 1 < argc; i += 2) {
      if (std::string(argv[i]) == "--threads") threads = static_cast<unsigned>(std::stoul(argv[i + 1]));
      if (std::string(argv[i]) == "--identifiable") identifiable = split(argv[i + 1]);
    }
    return run_validation(read_fit(argv[1]), std::stoull(argv[3]), threads, identifiable);
  } catch (const std::exception& e) {
    std::cerr << "fit_validation: error: " << e.what() << "\n";
    return 2;
  }
}
