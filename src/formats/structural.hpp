// Structure of equation systems for the SBML importer: which variable each algebraic
// equation determines, and the conservation laws of a set of reactions. Private to formats.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace engraft::detail {

/// A maximum bipartite matching (augmenting paths): `unknowns_of[e]` lists the unknowns that
/// equation e mentions. Returns the unknown each equation determines, or nullopt when some
/// equation is left without one (the system is over-determined).
std::optional<std::vector<std::size_t>> match_equations(const std::vector<std::vector<std::size_t>>& unknowns_of,
                                                        std::size_t n_unknowns);

/// A basis of the left null space of the m x n matrix `a` (row-major): rows l with l a = 0,
/// one per conservation law when `a` is a stoichiometry matrix (species x reactions). Also
/// returns the rank of `a`. Entries below 1e-12 of the largest are treated as 0.
struct NullSpace {
  std::vector<std::vector<double>> basis;
  std::size_t rank = 0;
};
NullSpace left_null_space(const std::vector<std::vector<double>>& a);

}  // namespace engraft::detail
