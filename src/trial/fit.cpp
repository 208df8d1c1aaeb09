#include "engraft/trial/fit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>

#include <Eigen/Eigenvalues>
#include <fmt/format.h>
#include <nlopt.hpp>

#include "engraft/trial/parallel.hpp"
#include "engraft/trial/statistics.hpp"

namespace engraft {

namespace {

// A log-normal residual needs a positive prediction: below this (observable unit) the
// model is taken to predict this, far below any limit of quantification of a blood count.
constexpr double prediction_floor = 1e-9;
// The prior's curvature in whitened coordinates: the Hessian of x^T x is 2 I.
constexpr double prior_curvature = 2.0;
// An eigenvalue this far below the prior's curvature is a real deficit (a direction where the
// likelihood is locally concave), not finite-difference noise around an uninformed direction.
constexpr double regularisation_report_tolerance = 0.01;
// Rejection sampling of a truncated normal gives up after this many draws outside the box.
constexpr int max_box_tries = 1000;
// Draw-stream indices of the prior's draws start here, so they never meet the posterior's.
constexpr std::uint64_t prior_draw_offset = std::uint64_t{1} << 32;
// The stream of the posterior's resampling offset.
constexpr std::uint64_t resampling_index = std::uint64_t{1} << 33;

// ln Phi(z), also far in the lower tail where Phi underflows: there the asymptotic
// ln Phi(z) = -z^2/2 - ln(-z) - ln(2 pi)/2 (Abramowitz & Stegun 26.2.12, first term) is used.
double log_normal_cdf(double z) {
  if (z > -30.0) return std::log(0.5 * std::erfc(-z / std::numbers::sqrt2));
  return -0.5 * z * z - std::log(-z) - 0.5 * std::log(2.0 * std::numbers::pi);
}

double residual_term(const Observation& o, double predicted, const ResidualError& e) {
  const double z = (std::log(o.value) - std::log(std::max(predicted, prediction_floor))) / e.log_sd;
  return o.censored ? -2.0 * log_normal_cdf(z) : z * z;
}

/// Per thread: a solver and the buffers of a run, reused across evaluations.
struct Worker {
  std::unique_ptr<Solver> solver;
  RunResult run;
};

/// fn(index, worker) for index < count, on the options' threads, one Worker per thread.
template <class Fn>
void for_each_on_workers(const FitProblem& problem, std::size_t count, unsigned threads, Fn&& fn) {
  std::vector<Worker> workers(parallel_threads(threads, count));
  for (Worker& w : workers) w.solver = make_solver(problem.model(), problem.scenario().solver);
  parallel_for(count, threads, [&](std::size_t i, unsigned worker) { fn(i, workers[worker]); });
}

struct ObjectiveContext {
  const FitProblem* problem;
  Worker* worker;
  long evaluations = 0, failed_solves = 0;
};

// NLopt's C callback: the objective does not throw (a failed solve is a value).
double nlopt_objective(unsigned n, const double* x, double* gradient, void* data) {
  ENGRAFT_ASSERT(gradient == nullptr, "BOBYQA is derivative-free");
  auto& context = *static_cast<ObjectiveContext*>(data);
  const double f = context.problem->objective({x, n}, *context.worker->solver, context.worker->run.solve);
  ++context.evaluations;
  if (f >= FitProblem::failed_solve_objective) ++context.failed_solves;
  return f;
}

const char* result_name(nlopt::result r) {
  switch (r) {
    case nlopt::SUCCESS: return "success";
    case nlopt::STOPVAL_REACHED: return "stopval_reached";
    case nlopt::FTOL_REACHED: return "ftol_reached";
    case nlopt::XTOL_REACHED: return "xtol_reached";
    case nlopt::MAXEVAL_REACHED: return "maxeval_reached";
    case nlopt::MAXTIME_REACHED: return "maxtime_reached";
    default: return "failure";
  }
}

struct StartResult {
  std::vector<double> x;
  double objective = std::numeric_limits<double>::infinity();
  bool converged = false;
  std::string status;
  long evaluations = 0, failed_solves = 0;
};

StartResult run_start(const FitProblem& problem, std::vector<double> x, const FitOptions& options, Worker& worker) {
  const CoordinateBox& box = problem.box();
  const std::size_t n = x.size();
  nlopt::opt opt(nlopt::LN_BOBYQA, static_cast<unsigned>(n));
  ObjectiveContext context{&problem, &worker};
  StartResult result;
  std::vector<double> step(n);
  for (std::size_t k = 0; k < n; ++k) step[k] = std::min(0.5, 0.25 * (box.upper[k] - box.lower[k]));
  try {
    opt.set_lower_bounds(box.lower);
    opt.set_upper_bounds(box.upper);
    opt.set_min_objective(nlopt_objective, &context);
    opt.set_maxeval(options.max_evaluations);
    // Tolerances in prior standard deviations and in -2 log posterior: far below what
    // changes a forecast (posterior sds are >= ~0.05 prior sds for daily blood counts).
    opt.set_xtol_abs(1e-4);
    opt.set_ftol_abs(1e-6);
    opt.set_initial_step(step);
    double f = 0.0;
    const nlopt::result r = opt.optimize(x, f);
    result.status = result_name(r);
    result.converged = r == nlopt::SUCCESS || r == nlopt::FTOL_REACHED || r == nlopt::XTOL_REACHED;
    result.objective = f;
  } catch (const nlopt::roundoff_limited&) {  // x holds the best point found: usable, not converged
    result.status = "roundoff_limited";
    result.objective = problem.objective(x, *worker.solver, worker.run.solve);
  } catch (const std::exception& e) {
    result.status = std::string("failed: ") + e.what();
  }
  result.x = std::move(x);
  result.evaluations = context.evaluations;
  result.failed_solves = context.failed_solves;
  return result;
}

std::vector<double> identity(std::size_t n) {
  std::vector<double> a(n * n, 0.0);
  for (std::size_t k = 0; k < n; ++k) a[k * n + k] = 1.0;
  return a;
}

Summary summarise(std::vector<double> values, double interval) {
  Summary s;
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  const double n = static_cast<double>(values.size());
  s.mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
  double squares = 0.0;
  for (double v : values) squares += (v - s.mean) * (v - s.mean);
  s.sd = values.size() > 1 ? std::sqrt(squares / (n - 1.0)) : 0.0;
  s.lower = quantile_sorted(values, (1.0 - interval) / 2.0);
  s.median = quantile_sorted(values, 0.5);
  s.upper = quantile_sorted(values, (1.0 + interval) / 2.0);
  return s;
}

std::optional<double> finite_or_not_reached(double v) { return std::isfinite(v) ? std::optional<double>(v) : std::nullopt; }

/// Type-7 quantile of values sorted ascending where +infinity (not reached) sorts last: a
/// quantile that needs a not-reached value is not reached itself.
std::optional<double> quantile_not_reached_last(const std::vector<double>& sorted, double p) {
  const double h = static_cast<double>(sorted.size() - 1) * p;
  const auto below = static_cast<std::size_t>(std::floor(h));
  const double fraction = h - static_cast<double>(below);
  if (!std::isfinite(sorted[below])) return std::nullopt;
  if (fraction == 0.0 || below + 1 >= sorted.size()) return sorted[below];
  if (!std::isfinite(sorted[below + 1])) return std::nullopt;
  return sorted[below] + fraction * (sorted[below + 1] - sorted[below]);
}

EndpointForecast forecast_of(const EndpointColumn* column, const std::vector<std::optional<TransplantEndpoints>>& runs,
                             double interval) {
  EndpointForecast f;
  f.endpoint = column;
  std::vector<double> values;
  for (const auto& run : runs)
    if (run) values.push_back(column->read(*run).value_or(std::numeric_limits<double>::infinity()));
  f.draws = static_cast<int>(values.size());
  if (values.empty()) return f;
  std::sort(values.begin(), values.end());
  f.reached = static_cast<double>(std::count_if(values.begin(), values.end(), [](double v) { return std::isfinite(v); })) /
              static_cast<double>(values.size());
  // The interval's bounds are the draws that enclose its type-7 positions, never a value between
  // two draws: an interpolated bound such as day 10.45 would leave the draws at day 10 outside.
  const double last = static_cast<double>(values.size() - 1);
  f.lower = finite_or_not_reached(values[static_cast<std::size_t>(std::floor(last * (1.0 - interval) / 2.0))]);
  f.median = quantile_not_reached_last(values, 0.5);
  f.upper = finite_or_not_reached(values[static_cast<std::size_t>(std::ceil(last * (1.0 + interval) / 2.0))]);
  const double lo = f.lower.value_or(std::numeric_limits<double>::infinity());
  const double hi = f.upper.value_or(std::numeric_limits<double>::infinity());
  f.interval_mass = static_cast<double>(std::count_if(values.begin(), values.end(),
                                                      [&](double v) { return v >= lo && v <= hi; })) /
                    static_cast<double>(values.size());
  return f;
}

struct Draws {
  std::vector<std::optional<std::vector<double>>> x;
  std::vector<std::optional<TransplantEndpoints>> endpoints;
};

/// `count` draws of centre + A z, z ~ N(0, I), inside the box (stream indices from `first_index`).
std::vector<std::optional<std::vector<double>>> sample(const FitProblem& problem, std::span<const double> centre,
                                                       std::span<const double> draw_matrix, std::uint64_t first_index,
                                                       std::size_t count, std::uint64_t seed) {
  std::vector<std::optional<std::vector<double>>> x(count);
  for (std::size_t k = 0; k < count; ++k) {
    RandomStream random(seed, static_cast<std::uint64_t>(RandomPurpose::forecast), first_index + k);
    x[k] = draw_in_box(problem.box(), centre, draw_matrix, random);
  }
  return x;
}

/// The full scenario's endpoints at each draw (nullopt where there is no draw or the solve fails).
Draws simulate(const FitProblem& problem, std::vector<std::optional<std::vector<double>>> x, unsigned threads) {
  Draws d{std::move(x), {}};
  d.endpoints.resize(d.x.size());
  for_each_on_workers(problem, d.x.size(), threads, [&](std::size_t k, Worker& w) {
    if (d.x[k]) d.endpoints[k] = simulate_endpoints(problem, *d.x[k], *w.solver, w.run);
  });
  return d;
}

/// Sampling importance resampling (Rubin 1988): proposals from the Laplace normal widened by
/// proposal_scale, weighted by posterior / proposal, resampled systematically to `draws`
/// points. It corrects the forecast where the posterior is not normal (censored counts, a
/// curved ridge between parameters) as far as the proposal covers it; the effective sample
/// size says how far.
std::vector<std::optional<std::vector<double>>> posterior_draws(const FitProblem& problem, const MapEstimate& map,
                                                                const LaplaceApproximation& laplace,
                                                                const FitOptions& options, double& effective_size) {
  const std::size_t n = map.x.size();
  std::vector<double> widened = laplace.draw_matrix;
  for (double& a : widened) a *= FitOptions::proposal_scale;
  const auto count = static_cast<std::size_t>(options.proposals);
  const auto proposals = sample(problem, map.x, widened, 0, count, options.seed);
  std::vector<double> log_weight(count, -std::numeric_limits<double>::infinity());
  for_each_on_workers(problem, count, options.threads, [&](std::size_t k, Worker& w) {
    if (!proposals[k]) return;
    const std::vector<double>& x = *proposals[k];
    double quadratic = 0.0;   // (x - m)^T (s^2 Sigma)^-1 (x - m)
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j)
        quadratic += (x[i] - map.x[i]) * laplace.precision[i * n + j] * (x[j] - map.x[j]);
    quadratic /= FitOptions::proposal_scale * FitOptions::proposal_scale;
    const double f = problem.objective(x, *w.solver, w.run.solve);
    if (f < FitProblem::failed_solve_objective) log_weight[k] = -0.5 * f + 0.5 * quadratic;
  });
  const double top = *std::max_element(log_weight.begin(), log_weight.end());
  std::vector<double> weight(count, 0.0);
  if (std::isfinite(top))
    for (std::size_t k = 0; k < count; ++k) weight[k] = std::exp(log_weight[k] - top);
  const double total = std::accumulate(weight.begin(), weight.end(), 0.0);
  const auto draws = static_cast<std::size_t>(options.draws);
  std::vector<std::optional<std::vector<double>>> out(draws);
  if (!(total > 0.0)) {
    effective_size = 0.0;
    return out;
  }
  double squares = 0.0;
  for (double& w : weight) {
    w /= total;
    squares += w * w;
  }
  effective_size = 1.0 / squares;
  // Systematic resampling: one uniform offset, draws evenly spaced through the cumulative weights.
  RandomStream random(options.seed, static_cast<std::uint64_t>(RandomPurpose::forecast), resampling_index);
  const double offset = random.uniform();
  double cumulative = weight[0];
  std::size_t k = 0;
  for (std::size_t m = 0; m < draws; ++m) {
    const double u = (static_cast<double>(m) + offset) / static_cast<double>(draws);
    while (u > cumulative && k + 1 < count) cumulative += weight[++k];
    out[m] = proposals[k];
  }
  return out;
}

std::vector<EndpointForecast> forecasts(const Draws& draws, double interval) {
  std::vector<EndpointForecast> out;
  for (const EndpointColumn* c : forecast_endpoints()) out.push_back(forecast_of(c, draws.endpoints, interval));
  return out;
}

/// Summaries of each estimated parameter over the draws that have coordinates.
std::vector<Summary> parameter_summaries(const FitProblem& problem, const Draws& draws, double interval) {
  const Prior& prior = problem.prior();
  std::vector<std::vector<double>> values(prior.parameters().size());
  std::vector<double> p;
  for (const auto& x : draws.x) {
    if (!x) continue;
    prior.apply(*x, problem.typical(), p);
    for (std::size_t i = 0; i < values.size(); ++i) values[i].push_back(p[prior.parameter_indices()[i]]);
  }
  std::vector<Summary> out;
  for (auto& v : values) out.push_back(summarise(std::move(v), interval));
  return out;
}

}  // namespace

FitProblem::FitProblem(std::shared_ptr<const CompiledModel> model, Scenario scenario, Prior prior,
                       std::vector<ResidualError> errors, std::vector<Observation> observations,
                       const SourceLocation& where)
    : model_(std::move(model)),
      scenario_(std::move(scenario)),
      prior_(std::move(prior)),
      errors_(std::move(errors)),
      observations_(std::move(observations)),
      where_(where) {
  if (observations_.empty()) throw InputError(where_, "at least one observation", "none");
  for (const Observation& o : observations_) {
    if (!(o.t_days > scenario_.start_day && o.t_days <= scenario_.end_day))
      throw InputError(o.where, fmt::format("a day after the scenario's start ({}) and at most its end ({})",
                                            scenario_.start_day, scenario_.end_day),
                       fmt::format("{}", o.t_days));
    if (!(o.value > 0.0 && std::isfinite(o.value)))
      throw InputError(o.where, "a positive, finite value (the residual error is log-normal)", fmt::format("{}", o.value));
    if (std::none_of(errors_.begin(), errors_.end(), [&](const ResidualError& e) { return e.observable == o.observable; }))
      throw InputError(o.where, "an observable with a residual error",
                       "'" + model_->description().observables[o.observable].name + "'");
    times_.push_back(o.t_days);
  }
  std::sort(times_.begin(), times_.end());
  times_.erase(std::unique(times_.begin(), times_.end()), times_.end());
  for (const Observation& o : observations_)
    row_.push_back(static_cast<std::size_t>(std::lower_bound(times_.begin(), times_.end(), o.t_days) - times_.begin()));
  typical_ = resolve_parameters(*model_, scenario_);
  box_ = prior_.box(typical_);
  schedule_ = std::make_shared<const EventSchedule>(EventSchedule::build(*model_, scenario_.regimen, times_.back()));
}

FitProblem FitProblem::with_observations(std::vector<Observation> observations) const {
  return {model_, scenario_, prior_, errors_, std::move(observations), where_};
}

const ResidualError& FitProblem::error_of(std::size_t observable) const {
  const auto it = std::find_if(errors_.begin(), errors_.end(), [&](const ResidualError& e) { return e.observable == observable; });
  ENGRAFT_ASSERT(it != errors_.end(), "every observation's observable has a residual error (checked on construction)");
  return *it;
}

std::optional<std::vector<double>> FitProblem::predict(std::span<const double> x, Solver& solver,
                                                       SolveResult& scratch) const {
  std::vector<double> parameters;
  prior_.apply(x, typical_, parameters);
  SolveProblem p;
  p.t_start_days = scenario_.start_day;
  p.t_end_days = times_.back();
  p.parameters = parameters;
  p.schedule = schedule_.get();
  p.output_times = times_;
  solver.solve(p, scratch);
  if (!scratch.ok()) return std::nullopt;
  std::vector<double> predicted;
  for (std::size_t i = 0; i < observations_.size(); ++i)
    predicted.push_back(scratch.trajectory.observable(row_[i], observations_[i].observable, model_->n_observables()));
  return predicted;
}

double FitProblem::objective(std::span<const double> x, Solver& solver, SolveResult& scratch) const {
  const auto predicted = predict(x, solver, scratch);
  if (!predicted) return failed_solve_objective;
  double f = std::inner_product(x.begin(), x.end(), x.begin(), 0.0);
  for (std::size_t i = 0; i < observations_.size(); ++i)
    f += residual_term(observations_[i], (*predicted)[i], error_of(observations_[i].observable));
  return std::isfinite(f) ? std::min(f, failed_solve_objective) : failed_solve_objective;
}

std::vector<const EndpointColumn*> forecast_endpoints() {
  std::vector<const EndpointColumn*> out;
  for (const char* name : {"neutrophil_engraftment_day", "platelet_engraftment_day", "anc_0_5_crossing_day",
                           "plt_20_crossing_day"})
    out.push_back(find_endpoint_column(name));
  return out;
}

std::optional<std::vector<double>> draw_in_box(const CoordinateBox& box, std::span<const double> centre,
                                               std::span<const double> draw_matrix, RandomStream& random) {
  const std::size_t n = centre.size();
  std::vector<double> z(n), x(n);
  for (int attempt = 0; attempt < max_box_tries; ++attempt) {
    for (double& v : z) v = random.normal();
    for (std::size_t i = 0; i < n; ++i)
      x[i] = centre[i] + std::inner_product(z.begin(), z.end(), draw_matrix.begin() + static_cast<std::ptrdiff_t>(i * n), 0.0);
    if (box.contains(x)) return x;
  }
  return std::nullopt;
}

MapEstimate find_map(const FitProblem& problem, const FitOptions& options) {
  const CoordinateBox& box = problem.box();
  const std::size_t n = box.lower.size();
  // Start 0 is the prior's mode (projected into the box); the others are prior draws.
  std::vector<std::vector<double>> starts;
  std::vector<double> mode(n);
  for (std::size_t k = 0; k < n; ++k) mode[k] = std::clamp(0.0, box.lower[k], box.upper[k]);
  starts.push_back(mode);
  for (int s = 1; s < options.starts; ++s) {
    RandomStream random(options.seed, static_cast<std::uint64_t>(RandomPurpose::fit_start), static_cast<std::uint64_t>(s));
    starts.push_back(draw_in_box(box, std::vector<double>(n, 0.0), identity(n), random).value_or(mode));
  }
  std::vector<StartResult> results(starts.size());
  for_each_on_workers(problem, starts.size(), options.threads,
                      [&](std::size_t s, Worker& w) { results[s] = run_start(problem, starts[s], options, w); });
  MapEstimate map;
  std::size_t best = 0;
  for (std::size_t s = 0; s < results.size(); ++s) {
    map.evaluations += results[s].evaluations;
    map.failed_solves += results[s].failed_solves;
    if (results[s].objective < results[best].objective) best = s;   // ties: the earlier start
  }
  map.x = results[best].x;
  map.objective = results[best].objective;
  map.converged = results[best].converged;
  map.status = results[best].status;
  map.best_start = static_cast<int>(best);
  return map;
}

LaplaceApproximation laplace_at(const FitProblem& problem, std::span<const double> x, const FitOptions& options) {
  const std::size_t n = x.size();
  const double h = options.hessian_step;
  // Points: x itself, x +- h e_i, and x +- h e_i +- h e_j (i < j) for the mixed terms.
  std::vector<std::vector<double>> points{{x.begin(), x.end()}};
  const auto shifted = [&](std::size_t i, double si, std::size_t j, double sj) {
    std::vector<double> p(x.begin(), x.end());
    p[i] += si * h;
    if (j < n) p[j] += sj * h;
    return p;
  };
  for (std::size_t i = 0; i < n; ++i) {
    points.push_back(shifted(i, +1, n, 0));
    points.push_back(shifted(i, -1, n, 0));
  }
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j)
      for (const auto& [si, sj] : {std::pair{1.0, 1.0}, {1.0, -1.0}, {-1.0, 1.0}, {-1.0, -1.0}})
        points.push_back(shifted(i, si, j, sj));
  std::vector<double> f(points.size());
  for_each_on_workers(problem, points.size(), options.threads,
                      [&](std::size_t k, Worker& w) { f[k] = problem.objective(points[k], *w.solver, w.run.solve); });

  Eigen::MatrixXd hessian(n, n);
  for (std::size_t i = 0; i < n; ++i) hessian(i, i) = (f[1 + 2 * i] - 2.0 * f[0] + f[2 + 2 * i]) / (h * h);
  std::size_t k = 1 + 2 * n;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j, k += 4)
      hessian(i, j) = hessian(j, i) = (f[k] - f[k + 1] - f[k + 2] + f[k + 3]) / (4.0 * h * h);

  // The likelihood's curvature is >= 0 where its Gauss-Newton part dominates, so H >= 2 I up
  // to finite-difference noise. An eigenvalue below the prior's curvature (noise, a locally
  // concave likelihood, or a MAP on a bound) is raised to it: in no direction is the
  // posterior taken to be wider than the prior.
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(hessian);
  LaplaceApproximation laplace;
  Eigen::VectorXd lambda = eigen.eigenvalues();
  laplace.min_eigenvalue = lambda.minCoeff();
  for (Eigen::Index i = 0; i < lambda.size(); ++i) {
    if (!(lambda(i) >= prior_curvature * (1.0 - regularisation_report_tolerance))) ++laplace.regularised_eigenvalues;
    lambda(i) = std::max(lambda(i), prior_curvature);
  }
  const Eigen::MatrixXd& v = eigen.eigenvectors();
  const Eigen::MatrixXd a = v * (2.0 / lambda.array()).sqrt().matrix().asDiagonal();
  const Eigen::MatrixXd covariance = a * a.transpose();
  const Eigen::MatrixXd precision = v * (lambda.array() / 2.0).matrix().asDiagonal() * v.transpose();
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      laplace.covariance.push_back(covariance(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)));
      laplace.draw_matrix.push_back(a(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)));
      laplace.precision.push_back(precision(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)));
    }
  return laplace;
}

FitResult fit_patient(const FitProblem& problem, const FitOptions& options) {
  FitResult r;
  r.map = find_map(problem, options);
  r.laplace = laplace_at(problem, r.map.x, options);
  const std::size_t n = r.map.x.size();
  const Draws posterior = simulate(problem, posterior_draws(problem, r.map, r.laplace, options, r.effective_sample_size),
                                   options.threads);
  const auto prior_x = sample(problem, std::vector<double>(n, 0.0), identity(n), prior_draw_offset,
                              static_cast<std::size_t>(options.draws), options.seed);
  const Draws prior = options.prior_forecast ? simulate(problem, prior_x, options.threads) : Draws{prior_x, {}};
  r.failed_draws = static_cast<int>(std::count_if(posterior.endpoints.begin(), posterior.endpoints.end(),
                                                  [](const auto& e) { return !e.has_value(); }));
  r.forecast = forecasts(posterior, options.interval);
  if (options.prior_forecast) r.prior_forecast = forecasts(prior, options.interval);

  const std::vector<Summary> post = parameter_summaries(problem, posterior, options.interval);
  const std::vector<Summary> pre = parameter_summaries(problem, prior, options.interval);
  std::vector<double> at_map;
  problem.prior().apply(r.map.x, problem.typical(), at_map);
  for (std::size_t i = 0; i < problem.prior().parameters().size(); ++i) {
    const std::size_t index = problem.prior().parameter_indices()[i];
    r.parameters.push_back({&problem.prior().parameters()[i], problem.model()->description().parameters[index].unit,
                            problem.typical()[index], at_map[index], pre[i], post[i]});
  }
  return r;
}

std::optional<std::vector<Observation>> simulate_observations(const FitProblem& problem, std::span<const double> x,
                                                              RandomStream& noise, Solver& solver) {
  SolveResult scratch;
  const auto predicted = problem.predict(x, solver, scratch);
  if (!predicted) return std::nullopt;
  std::vector<Observation> out = problem.observations();
  for (std::size_t i = 0; i < out.size(); ++i) {
    const ResidualError& e = problem.error_of(out[i].observable);
    const double y = std::max((*predicted)[i], prediction_floor) * std::exp(e.log_sd * noise.normal());
    out[i].censored = y < e.lloq;
    out[i].value = out[i].censored ? e.lloq : y;
  }
  return out;
}

std::optional<TransplantEndpoints> simulate_endpoints(const FitProblem& problem, std::span<const double> x,
                                                      Solver& solver, RunResult& scratch) {
  std::vector<double> parameters;
  problem.prior().apply(x, problem.typical(), parameters);
  run(problem.model(), problem.scenario(), solver, parameters, scratch);
  if (!scratch.solve.ok()) return std::nullopt;
  return scratch.endpoints;
}

}  // namespace engraft
