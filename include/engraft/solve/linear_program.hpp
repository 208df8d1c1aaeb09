// Linear programs (flux balance analysis): optimise c^T x subject to row bounds on A x and
// bounds on x, by GLPK's simplex. GLPK stays behind this header.
#pragma once

#include <cstddef>
#include <limits>
#include <utility>
#include <vector>

namespace engraft {

struct LinearProgram {
  static constexpr double unbounded = std::numeric_limits<double>::infinity();
  struct Row {
    std::vector<std::pair<std::size_t, double>> terms;  // (variable, coefficient)
    double lower = -unbounded, upper = unbounded;       // lower <= sum <= upper
  };
  bool maximize = true;
  std::vector<double> objective;     // one coefficient per variable
  std::vector<double> lower, upper;  // one bound per variable; +-infinity for none
  std::vector<Row> rows;
};

struct LinearProgramSolution {
  enum class Status { optimal, infeasible, unbounded, failed };
  Status status = Status::failed;
  double objective = 0.0;
  std::vector<double> x;
};

/// Solves by the simplex method (with GLPK's presolver, which decides infeasibility).
LinearProgramSolution solve_linear_program(const LinearProgram& program);

/// The least and greatest value `variable` takes over the optimal solutions (flux variability
/// at the optimum): the optimum itself is held to within `slack` (GLPK's feasibility tolerance
/// is 1e-7). Both values are NaN if the programs fail.
std::pair<double, double> optimal_range(const LinearProgram& program, double optimum, std::size_t variable,
                                        double slack = 1e-7);

}  // namespace engraft
