#include "formats/structural.hpp"

#include <gtest/gtest.h>

namespace engraft::detail {
namespace {

TEST(Structural, MatchingReassignsAnUnknownToSaturateEveryEquation) {
  // e0 mentions u0 and u1, e1 only u0: e1 must take u0, so e0 gets u1.
  const auto m = match_equations({{0, 1}, {0}}, 2);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ((*m)[0], 1u);
  EXPECT_EQ((*m)[1], 0u);
}

TEST(Structural, OverDeterminedSystemHasNoMatching) {
  EXPECT_FALSE(match_equations({{0}, {0}}, 1).has_value());
  EXPECT_FALSE(match_equations({{}}, 0).has_value());
}

TEST(Structural, LeftNullSpaceGivesTheConservationLaws) {
  // A <-> B, B <-> C (species x reactions): one law, A + B + C; exact in floating point
  // because every pivot is +-1.
  const NullSpace n = left_null_space({{-1, 0}, {1, -1}, {0, 1}});
  EXPECT_EQ(n.rank, 2u);
  ASSERT_EQ(n.basis.size(), 1u);
  const std::vector<double>& l = n.basis[0];
  EXPECT_DOUBLE_EQ(l[0] / l[2], 1.0);
  EXPECT_DOUBLE_EQ(l[1] / l[2], 1.0);
}

TEST(Structural, DependentReactionsLowerTheRank) {
  // A -> B twice: rank 1, one law A + B.
  const NullSpace n = left_null_space({{-1, -2}, {1, 2}});
  EXPECT_EQ(n.rank, 1u);
  ASSERT_EQ(n.basis.size(), 1u);
  EXPECT_DOUBLE_EQ(n.basis[0][0], n.basis[0][1]);
}

}  // namespace
}  // namespace engraft::detail
