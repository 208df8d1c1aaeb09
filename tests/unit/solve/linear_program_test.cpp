// Linear programs with optima known in closed form.
#include "engraft/solve/linear_program.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace engraft {
namespace {

// The simplex method ends on a vertex computed by elimination on these small integers: the
// values are exact up to rounding, 1e-9 is GLPK's tolerances (1e-7 relative) with room.
constexpr double tolerance = 1e-9;

// max x + y  subject to  x + 2y <= 4,  0 <= x <= 3,  y >= 0: the vertex x = 3, y = 1/2.
LinearProgram corner() {
  LinearProgram p;
  p.objective = {1.0, 1.0};
  p.lower = {0.0, 0.0};
  p.upper = {3.0, LinearProgram::unbounded};
  p.rows.push_back(LinearProgram::Row{{{0, 1.0}, {1, 2.0}}, -LinearProgram::unbounded, 4.0});
  return p;
}

TEST(LinearProgram, MaximumIsTheExpectedVertex) {
  const LinearProgramSolution s = solve_linear_program(corner());
  ASSERT_EQ(s.status, LinearProgramSolution::Status::optimal);
  EXPECT_NEAR(s.objective, 3.5, tolerance);
  EXPECT_NEAR(s.x[0], 3.0, tolerance);
  EXPECT_NEAR(s.x[1], 0.5, tolerance);
}

TEST(LinearProgram, MinimumOfTheSameProgram) {
  LinearProgram p = corner();
  p.maximize = false;
  const LinearProgramSolution s = solve_linear_program(p);
  ASSERT_EQ(s.status, LinearProgramSolution::Status::optimal);
  EXPECT_NEAR(s.objective, 0.0, tolerance);
}

TEST(LinearProgram, InfeasibleAndUnboundedAreReported) {
  LinearProgram infeasible = corner();
  infeasible.rows.push_back(LinearProgram::Row{{{0, 1.0}}, 3.5, LinearProgram::unbounded});  // x >= 3.5 > 3
  EXPECT_EQ(solve_linear_program(infeasible).status, LinearProgramSolution::Status::infeasible);
  LinearProgram crossed = corner();
  crossed.lower[0] = 4.0;  // above its upper bound 3
  EXPECT_EQ(solve_linear_program(crossed).status, LinearProgramSolution::Status::infeasible);
  LinearProgram unbounded = corner();
  unbounded.rows.clear();
  EXPECT_EQ(solve_linear_program(unbounded).status, LinearProgramSolution::Status::unbounded);
}

TEST(LinearProgram, OptimalRangeTellsUniqueFromDegenerateOptima) {
  const auto [x_low, x_high] = optimal_range(corner(), 3.5, 0);
  EXPECT_NEAR(x_low, 3.0, 1e-6);  // the optimum is held to 1e-7 of its size: x within ~1e-6
  EXPECT_NEAR(x_high, 3.0, 1e-6);
  // max x + y subject to x + y <= 1: every split of 1 is optimal.
  LinearProgram flat;
  flat.objective = {1.0, 1.0};
  flat.lower = {0.0, 0.0};
  flat.upper = {LinearProgram::unbounded, LinearProgram::unbounded};
  flat.rows.push_back(LinearProgram::Row{{{0, 1.0}, {1, 1.0}}, -LinearProgram::unbounded, 1.0});
  const auto [low, high] = optimal_range(flat, 1.0, 0);
  EXPECT_NEAR(low, 0.0, 1e-6);
  EXPECT_NEAR(high, 1.0, 1e-6);
}

}  // namespace
}  // namespace engraft
