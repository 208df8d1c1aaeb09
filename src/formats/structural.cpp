#include "structural.hpp"

#include <algorithm>
#include <cmath>

namespace engraft::detail {

namespace {
constexpr std::size_t none = static_cast<std::size_t>(-1);

// Kuhn's augmenting path from equation e; `owner[u]` is the equation that unknown u determines.
bool augment(std::size_t e, const std::vector<std::vector<std::size_t>>& unknowns_of, std::vector<std::size_t>& owner,
             std::vector<bool>& visited) {
  for (std::size_t u : unknowns_of[e]) {
    if (visited[u]) continue;
    visited[u] = true;
    if (owner[u] == none || augment(owner[u], unknowns_of, owner, visited)) {
      owner[u] = e;
      return true;
    }
  }
  return false;
}
}  // namespace

std::optional<std::vector<std::size_t>> match_equations(const std::vector<std::vector<std::size_t>>& unknowns_of,
                                                        std::size_t n_unknowns) {
  std::vector<std::size_t> owner(n_unknowns, none);
  for (std::size_t e = 0; e < unknowns_of.size(); ++e) {
    std::vector<bool> visited(n_unknowns, false);
    if (!augment(e, unknowns_of, owner, visited)) return std::nullopt;
  }
  std::vector<std::size_t> determines(unknowns_of.size(), none);
  for (std::size_t u = 0; u < n_unknowns; ++u)
    if (owner[u] != none) determines[owner[u]] = u;
  return determines;
}

// Reduced row echelon form of a^T: its null space is the left null space of a.
NullSpace left_null_space(const std::vector<std::vector<double>>& a) {
  const std::size_t m = a.size(), n = m ? a[0].size() : 0;
  std::vector<std::vector<double>> t(n, std::vector<double>(m));  // a^T, n x m
  double largest = 0.0;
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      t[j][i] = a[i][j];
      largest = std::max(largest, std::abs(a[i][j]));
    }
  const double eps = 1e-12 * largest;
  std::vector<std::size_t> pivot_columns;
  std::size_t row = 0;
  for (std::size_t col = 0; col < m && row < n; ++col) {
    std::size_t best = row;
    for (std::size_t r = row + 1; r < n; ++r)
      if (std::abs(t[r][col]) > std::abs(t[best][col])) best = r;
    if (std::abs(t[best][col]) <= eps) continue;
    std::swap(t[row], t[best]);
    const double p = t[row][col];
    for (double& v : t[row]) v /= p;
    for (std::size_t r = 0; r < n; ++r) {
      if (r == row || t[r][col] == 0.0) continue;
      const double f = t[r][col];
      for (std::size_t k = 0; k < m; ++k) t[r][k] -= f * t[row][k];
    }
    pivot_columns.push_back(col);
    ++row;
  }
  NullSpace result;
  result.rank = pivot_columns.size();
  for (std::size_t free = 0; free < m; ++free) {
    if (std::find(pivot_columns.begin(), pivot_columns.end(), free) != pivot_columns.end()) continue;
    std::vector<double> l(m, 0.0);
    l[free] = 1.0;
    for (std::size_t r = 0; r < pivot_columns.size(); ++r) l[pivot_columns[r]] = -t[r][free];
    result.basis.push_back(std::move(l));
  }
  return result;
}

}  // namespace engraft::detail
