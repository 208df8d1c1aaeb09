#include "engraft/trial/sensitivity.hpp"

#include <cmath>

#include "engraft/core/error.hpp"

namespace engraft {

double SensitivityFactor::value_at(double u) const {
  if (scale == FactorScale::log_uniform) return lower * std::pow(upper / lower, u);
  return lower + u * (upper - lower);
}

std::string SensitivityFactor::label() const { return target == FactorTarget::dose ? "dose." + name : name; }

namespace {

/// One worker's state: its solver, run buffers, and a copy of the scenario whose
/// doses and parameters it rewrites for each point.
class SubjectEvaluator {
 public:
  SubjectEvaluator(std::shared_ptr<const CompiledModel> model, const SensitivitySpec& spec)
      : model_(std::move(model)), spec_(spec), scenario_(spec.scenario),
        parameters_(resolve_parameters(*model_, scenario_)), solver_(make_solver(model_, scenario_.solver)) {
    for (const SensitivityFactor& f : spec_.factors) {
      std::vector<std::size_t>& where = targets_.emplace_back();
      if (f.target == FactorTarget::parameter) {
        where.push_back(model_->parameter_index(f.name, f.where));
        continue;
      }
      for (std::size_t d = 0; d < scenario_.regimen.doses.size(); ++d)
        if (scenario_.regimen.doses[d].route == f.name) where.push_back(d);
      ENGRAFT_ASSERT(!where.empty(), "a dose factor for a route the scenario does not dose (formats/ checks it)");
    }
  }

  void operator()(std::span<const double> u, std::span<double> values) {
    for (std::size_t i = 0; i < spec_.factors.size(); ++i) {
      const double x = spec_.factors[i].value_at(u[i]);
      for (std::size_t t : targets_[i]) {
        if (spec_.factors[i].target == FactorTarget::parameter) parameters_[t] = x;
        else scenario_.regimen.doses[t].amount = x;
      }
    }
    bool ok = false;
    try {
      run(model_, scenario_, *solver_, parameters_, scratch_);
      ok = scratch_.solve.ok();
    } catch (const std::exception&) {   // values the model refuses: a failed subject, as in a trial
    }
    const double missing = std::nan("");
    for (std::size_t e = 0; e < spec_.endpoints.size(); ++e) {
      const std::optional<double> v = ok ? spec_.endpoints[e]->value(scratch_, model_->n_observables()) : std::nullopt;
      values[e] = v ? *v : ok ? spec_.not_reached[e].value_or(missing) : missing;
    }
  }

 private:
  std::shared_ptr<const CompiledModel> model_;
  const SensitivitySpec& spec_;
  Scenario scenario_;
  std::vector<double> parameters_;
  std::unique_ptr<Solver> solver_;
  RunResult scratch_;
  std::vector<std::vector<std::size_t>> targets_;   // per factor: parameter index, or the doses it sets
};

}  // namespace

std::vector<SobolOutput> run_sensitivity(const std::shared_ptr<const CompiledModel>& model, const SensitivitySpec& spec) {
  const auto make_evaluator = [&]() -> SobolEvaluator {
    auto evaluator = std::make_shared<SubjectEvaluator>(model, spec);
    return [evaluator](std::span<const double> u, std::span<double> values) { (*evaluator)(u, values); };
  };
  return sobol_analysis(spec.factors.size(), spec.endpoints.size(), make_evaluator, spec.sobol);
}

}  // namespace engraft
