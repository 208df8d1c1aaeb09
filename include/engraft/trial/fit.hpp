// A personalised fit: one patient's first blood counts, the population as prior, the
// maximum a posteriori (MAP) parameters, a Laplace approximation of the posterior around
// them, and a forecast of the engraftment endpoints from posterior draws (docs/fit-format.md).
//
// Objective, in the prior's whitened coordinates x (trial/prior.hpp):
//   F(x) = -2 log posterior + constant = sum over observations of r_i(x) + x^T x
// with a log-normal residual error of standard deviation sigma on the log scale:
//   measured y:           r = ((ln y - ln f(t)) / sigma)^2
//   below a limit LLOQ:   r = -2 ln Phi((ln LLOQ - ln f(t)) / sigma)      (Beal's M3: censored)
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engraft/trial/prior.hpp"
#include "engraft/trial/random.hpp"
#include "engraft/trial/run.hpp"
#include "engraft/trial/trial.hpp"

namespace engraft {

/// The residual error of one observable.
struct ResidualError {
  std::size_t observable = 0;     // model observable index
  double log_sd = 0.0;            // sd of ln(measured) - ln(predicted)
  double lloq = 0.0;              // lower limit of quantification, observable unit; 0 = none
  std::string source;
};

struct Observation {
  double t_days = 0.0;
  std::size_t observable = 0;
  double value = 0.0;             // observable unit; the limit itself when censored
  bool censored = false;          // below the limit of quantification
  SourceLocation where;           // the data file's row, for messages
};

struct FitOptions {
  int starts = 3;                 // the prior's mode, then draws from the prior
  int max_evaluations = 400;      // per start
  double hessian_step = 0.05;     // central differences, in prior standard deviations
  int draws = 200;                // posterior (and prior) draws of the forecast
  int proposals = 1000;           // importance-sampling proposals behind the posterior draws
  double interval = 0.90;         // central interval of the forecast and the parameter summaries
  bool prior_forecast = true;     // also forecast from the prior alone, for comparison
  std::uint64_t seed = 1;
  unsigned threads = 1;           // 0 = all cores; results do not depend on it
  // Proposals are the Laplace normal with its sds times this: wider than the posterior where the
  // Laplace approximation is too narrow (a heavier proposal keeps the importance weights bounded).
  static constexpr double proposal_scale = 2.0;
};

/// One patient's problem: the scenario (doses, horizon), the prior and the data.
class FitProblem {
 public:
  /// Throws InputError (at the observation's location) for an observation outside the
  /// scenario's window (start_day, end_day], a value that is not positive or an observable
  /// without a residual error; at `where` when there is no observation.
  FitProblem(std::shared_ptr<const CompiledModel> model, Scenario scenario, Prior prior,
             std::vector<ResidualError> errors, std::vector<Observation> observations, const SourceLocation& where);

  /// The same problem with other data at the same times and observables (simulated patients).
  FitProblem with_observations(std::vector<Observation> observations) const;

  /// F(x) (see above); a failed solve gives failed_solve_objective.
  double objective(std::span<const double> x, Solver& solver, SolveResult& scratch) const;
  /// The model's predictions at the observations, in their order; nullopt when the solve fails.
  std::optional<std::vector<double>> predict(std::span<const double> x, Solver& solver, SolveResult& scratch) const;

  const std::shared_ptr<const CompiledModel>& model() const { return model_; }
  const Scenario& scenario() const { return scenario_; }
  const Prior& prior() const { return prior_; }
  const std::vector<double>& typical() const { return typical_; }
  const CoordinateBox& box() const { return box_; }
  const std::vector<ResidualError>& errors() const { return errors_; }
  const std::vector<Observation>& observations() const { return observations_; }
  const ResidualError& error_of(std::size_t observable) const;

  /// What a failed solve costs: far above any fit, finite so that BOBYQA's model stays usable.
  static constexpr double failed_solve_objective = 1e10;

 private:
  std::shared_ptr<const CompiledModel> model_;
  Scenario scenario_;
  Prior prior_;
  std::vector<ResidualError> errors_;
  std::vector<Observation> observations_;
  SourceLocation where_;
  std::vector<double> typical_;
  CoordinateBox box_;
  std::shared_ptr<const EventSchedule> schedule_;   // doses up to the last observation
  std::vector<double> times_;                        // distinct observation times
  std::vector<std::size_t> row_;                     // per observation: its row in times_
};

struct MapEstimate {
  std::vector<double> x;          // whitened coordinates
  double objective = 0.0;         // F at x
  bool converged = false;         // the best start stopped on its tolerance, not on the evaluation limit
  std::string status;             // NLopt's result for the best start, or why it failed
  int best_start = 0;
  long evaluations = 0;           // over every start
  long failed_solves = 0;
};

struct LaplaceApproximation {
  std::vector<double> covariance;      // n x n, row-major: 2 H^-1 in whitened coordinates
  std::vector<double> draw_matrix;     // A with A A^T = covariance: x = x_map + A z
  std::vector<double> precision;       // covariance^-1 = H / 2 (after regularisation)
  double min_eigenvalue = 0.0;         // of the finite-difference Hessian H, before regularisation
  int regularised_eigenvalues = 0;     // raised to the prior's curvature 2 (see fit.cpp)
};

/// Quantiles of one endpoint over the draws; not reached counts as later than any day. The
/// interval's bounds are the draws at or just outside its quantiles (conservative).
struct EndpointForecast {
  const EndpointColumn* endpoint = nullptr;
  int draws = 0;                       // draws whose solve succeeded
  double reached = 0.0;                // fraction of them that reached the endpoint
  std::optional<double> lower, median, upper;   // nullopt = not reached by the end of the run
  // Fraction of the draws inside [lower, upper] (bounds included): the interval's own
  // probability, above `interval` for integer days, whose ties fall inside.
  double interval_mass = 0.0;
};

struct Summary {
  double mean = 0.0, sd = 0.0, lower = 0.0, median = 0.0, upper = 0.0;
};

struct ParameterEstimate {
  const ParameterVariability* parameter = nullptr;
  std::string unit;
  double typical = 0.0, map = 0.0;
  Summary prior, posterior;            // from the prior and posterior draws
};

struct FitResult {
  MapEstimate map;
  LaplaceApproximation laplace;
  std::vector<ParameterEstimate> parameters;
  std::vector<EndpointForecast> forecast, prior_forecast;
  int failed_draws = 0;                // posterior draws without a solution or inside no bound
  double effective_sample_size = 0.0;  // of the importance weights: (sum w)^2 / sum w^2
};

/// The endpoints a forecast reports.
std::vector<const EndpointColumn*> forecast_endpoints();

/// MAP by LN_BOBYQA (Powell 2009) within the prior's box from options.starts points.
MapEstimate find_map(const FitProblem& problem, const FitOptions& options);

/// Finite-difference Hessian of F at x and the posterior covariance 2 H^-1.
LaplaceApproximation laplace_at(const FitProblem& problem, std::span<const double> x, const FitOptions& options);

/// The whole fit: MAP, Laplace, importance-resampled posterior draws, parameter summaries and forecasts.
FitResult fit_patient(const FitProblem& problem, const FitOptions& options);

/// Observations a patient with coordinates x would give at the problem's times and
/// observables: the prediction with log-normal residual noise, censored below each limit.
/// nullopt when the solve fails.
std::optional<std::vector<Observation>> simulate_observations(const FitProblem& problem, std::span<const double> x,
                                                              RandomStream& noise, Solver& solver);

/// The endpoints of the full scenario for coordinates x (nullopt when the solve fails).
std::optional<TransplantEndpoints> simulate_endpoints(const FitProblem& problem, std::span<const double> x,
                                                      Solver& solver, RunResult& scratch);

/// A draw from N(0, I) restricted to the box by rejection (nullopt after 1000 rejections).
std::optional<std::vector<double>> draw_in_box(const CoordinateBox& box, std::span<const double> centre,
                                               std::span<const double> draw_matrix, RandomStream& random);

}  // namespace engraft
