#include "engraft/solve/linear_program.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include <glpk.h>

#include "engraft/core/error.hpp"

namespace engraft {

namespace {

using Problem = std::unique_ptr<glp_prob, decltype(&glp_delete_prob)>;

// GLPK's bound type for lower <= value <= upper, where either may be infinite.
int bound_type(double lower, double upper) {
  const bool has_lower = std::isfinite(lower), has_upper = std::isfinite(upper);
  if (has_lower && has_upper) return lower == upper ? GLP_FX : GLP_DB;
  if (has_lower) return GLP_LO;
  if (has_upper) return GLP_UP;
  return GLP_FR;
}
double finite_or_zero(double v) { return std::isfinite(v) ? v : 0.0; }

Problem build(const LinearProgram& p) {
  Problem glp(glp_create_prob(), &glp_delete_prob);
  glp_set_obj_dir(glp.get(), p.maximize ? GLP_MAX : GLP_MIN);
  const int n = static_cast<int>(p.objective.size());
  if (n > 0) glp_add_cols(glp.get(), n);
  for (int j = 1; j <= n; ++j) {
    const auto k = static_cast<std::size_t>(j - 1);
    glp_set_col_bnds(glp.get(), j, bound_type(p.lower[k], p.upper[k]), finite_or_zero(p.lower[k]), finite_or_zero(p.upper[k]));
    glp_set_obj_coef(glp.get(), j, p.objective[k]);
  }
  if (!p.rows.empty()) glp_add_rows(glp.get(), static_cast<int>(p.rows.size()));
  for (std::size_t r = 0; r < p.rows.size(); ++r) {
    const LinearProgram::Row& row = p.rows[r];
    const int i = static_cast<int>(r + 1);
    glp_set_row_bnds(glp.get(), i, bound_type(row.lower, row.upper), finite_or_zero(row.lower), finite_or_zero(row.upper));
    std::vector<int> index{0};  // GLPK arrays are 1-based
    std::vector<double> value{0.0};
    for (const auto& [variable, coefficient] : row.terms) {
      index.push_back(static_cast<int>(variable + 1));
      value.push_back(coefficient);
    }
    glp_set_mat_row(glp.get(), i, static_cast<int>(row.terms.size()), index.data(), value.data());
  }
  return glp;
}

}  // namespace

LinearProgramSolution solve_linear_program(const LinearProgram& program) {
  ENGRAFT_ASSERT(program.lower.size() == program.objective.size() && program.upper.size() == program.objective.size(),
                 "bounds for every variable");
  LinearProgramSolution solution;
  for (std::size_t j = 0; j < program.objective.size(); ++j)
    if (!(program.lower[j] <= program.upper[j]) || program.lower[j] == LinearProgram::unbounded ||
        program.upper[j] == -LinearProgram::unbounded) {
      solution.status = LinearProgramSolution::Status::infeasible;  // no value within the bounds
      return solution;
    }
  const Problem glp = build(program);
  glp_smcp options;
  glp_init_smcp(&options);
  options.msg_lev = GLP_MSG_OFF;
  options.presolve = GLP_ON;
  const int rc = glp_simplex(glp.get(), &options);
  // With the presolver on, an infeasible or unbounded problem is reported by the return code.
  if (rc == GLP_ENOPFS) solution.status = LinearProgramSolution::Status::infeasible;
  else if (rc == GLP_ENODFS) solution.status = LinearProgramSolution::Status::unbounded;
  else if (rc != 0) solution.status = LinearProgramSolution::Status::failed;
  else {
    switch (glp_get_status(glp.get())) {
      case GLP_OPT: solution.status = LinearProgramSolution::Status::optimal; break;
      case GLP_NOFEAS: solution.status = LinearProgramSolution::Status::infeasible; break;
      case GLP_UNBND: solution.status = LinearProgramSolution::Status::unbounded; break;
      default: solution.status = LinearProgramSolution::Status::failed; break;
    }
  }
  if (solution.status != LinearProgramSolution::Status::optimal) return solution;
  solution.objective = glp_get_obj_val(glp.get());
  for (std::size_t j = 0; j < program.objective.size(); ++j)
    solution.x.push_back(glp_get_col_prim(glp.get(), static_cast<int>(j + 1)));
  return solution;
}

std::pair<double, double> optimal_range(const LinearProgram& program, double optimum, std::size_t variable, double slack) {
  LinearProgram at_optimum = program;
  LinearProgram::Row objective_row;
  for (std::size_t j = 0; j < program.objective.size(); ++j)
    if (program.objective[j] != 0.0) objective_row.terms.emplace_back(j, program.objective[j]);
  const double margin = slack * std::max(1.0, std::abs(optimum));
  if (program.maximize) objective_row.lower = optimum - margin;
  else objective_row.upper = optimum + margin;
  at_optimum.rows.push_back(std::move(objective_row));
  std::fill(at_optimum.objective.begin(), at_optimum.objective.end(), 0.0);
  at_optimum.objective[variable] = 1.0;
  const auto extreme = [&](bool maximize) {
    at_optimum.maximize = maximize;
    const LinearProgramSolution s = solve_linear_program(at_optimum);
    return s.status == LinearProgramSolution::Status::optimal ? s.objective : std::nan("");
  };
  return {extreme(false), extreme(true)};
}

}  // namespace engraft
