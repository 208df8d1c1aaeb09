#include "bytecode.hpp"

#include <algorithm>
#include <cmath>

namespace engraft::detail {

// Direct-threaded dispatch ("labels as values", GCC and Clang): one indirect jump per
// instruction instead of a bounds-checked switch; the interpreter is the inner loop of
// every solve (bench/: about 60 % of the time on W1 and W2).
void Program::run(double* r) const {
  static const void* const labels[] = {
      &&op_copy, &&op_negate, &&op_logical_not, &&op_add, &&op_subtract, &&op_multiply, &&op_divide, &&op_power,
      &&op_min, &&op_max, &&op_less, &&op_less_equal, &&op_greater, &&op_greater_equal, &&op_equal, &&op_not_equal,
      &&op_logical_and, &&op_logical_or, &&op_select, &&op_multiply_add, &&op_multiply_subtract,
      &&op_subtract_multiply, &&op_exp, &&op_log, &&op_log10, &&op_sqrt, &&op_abs, &&op_floor,
      &&op_ceil, &&op_sin, &&op_cos, &&op_tan, &&op_sinh, &&op_cosh, &&op_tanh, &&op_asin, &&op_acos, &&op_atan,
      &&op_factorial};
  static_assert(sizeof(labels) / sizeof(labels[0]) == static_cast<std::size_t>(OpCode::factorial) + 1,
                "one label per opcode, in OpCode order");
  const Instruction* i = code.data();
  const Instruction* const end = i + code.size();
#define ENGRAFT_NEXT                                          \
  do {                                                        \
    if (++i == end) return;                                   \
    goto* labels[static_cast<std::size_t>(i->code)];          \
  } while (false)
  if (i == end) return;
  goto* labels[static_cast<std::size_t>(i->code)];
op_copy: r[i->dst] = r[i->a]; ENGRAFT_NEXT;
op_negate: r[i->dst] = -r[i->a]; ENGRAFT_NEXT;
op_logical_not: r[i->dst] = r[i->a] == 0.0 ? 1.0 : 0.0; ENGRAFT_NEXT;
op_add: r[i->dst] = r[i->a] + r[i->b]; ENGRAFT_NEXT;
op_subtract: r[i->dst] = r[i->a] - r[i->b]; ENGRAFT_NEXT;
op_multiply: r[i->dst] = r[i->a] * r[i->b]; ENGRAFT_NEXT;
op_divide: r[i->dst] = r[i->a] / r[i->b]; ENGRAFT_NEXT;
op_power: r[i->dst] = std::pow(r[i->a], r[i->b]); ENGRAFT_NEXT;
op_min: r[i->dst] = std::min(r[i->a], r[i->b]); ENGRAFT_NEXT;
op_max: r[i->dst] = std::max(r[i->a], r[i->b]); ENGRAFT_NEXT;
op_less: r[i->dst] = r[i->a] < r[i->b] ? 1.0 : 0.0; ENGRAFT_NEXT;
op_less_equal: r[i->dst] = r[i->a] <= r[i->b] ? 1.0 : 0.0; ENGRAFT_NEXT;
op_greater: r[i->dst] = r[i->a] > r[i->b] ? 1.0 : 0.0; ENGRAFT_NEXT;
op_greater_equal: r[i->dst] = r[i->a] >= r[i->b] ? 1.0 : 0.0; ENGRAFT_NEXT;
op_equal: r[i->dst] = r[i->a] == r[i->b] ? 1.0 : 0.0; ENGRAFT_NEXT;
op_not_equal: r[i->dst] = r[i->a] != r[i->b] ? 1.0 : 0.0; ENGRAFT_NEXT;
op_logical_and: r[i->dst] = (r[i->a] != 0.0 && r[i->b] != 0.0) ? 1.0 : 0.0; ENGRAFT_NEXT;
op_logical_or: r[i->dst] = (r[i->a] != 0.0 || r[i->b] != 0.0) ? 1.0 : 0.0; ENGRAFT_NEXT;
op_select: r[i->dst] = r[i->a] != 0.0 ? r[i->b] : r[i->c]; ENGRAFT_NEXT;
op_multiply_add: r[i->dst] = r[i->a] * r[i->b] + r[i->c]; ENGRAFT_NEXT;
op_multiply_subtract: r[i->dst] = r[i->a] * r[i->b] - r[i->c]; ENGRAFT_NEXT;
op_subtract_multiply: r[i->dst] = r[i->c] - r[i->a] * r[i->b]; ENGRAFT_NEXT;
op_exp: r[i->dst] = std::exp(r[i->a]); ENGRAFT_NEXT;
op_log: r[i->dst] = std::log(r[i->a]); ENGRAFT_NEXT;
op_log10: r[i->dst] = std::log10(r[i->a]); ENGRAFT_NEXT;
op_sqrt: r[i->dst] = std::sqrt(r[i->a]); ENGRAFT_NEXT;
op_abs: r[i->dst] = std::abs(r[i->a]); ENGRAFT_NEXT;
op_floor: r[i->dst] = std::floor(r[i->a]); ENGRAFT_NEXT;
op_ceil: r[i->dst] = std::ceil(r[i->a]); ENGRAFT_NEXT;
op_sin: r[i->dst] = std::sin(r[i->a]); ENGRAFT_NEXT;
op_cos: r[i->dst] = std::cos(r[i->a]); ENGRAFT_NEXT;
op_tan: r[i->dst] = std::tan(r[i->a]); ENGRAFT_NEXT;
op_sinh: r[i->dst] = std::sinh(r[i->a]); ENGRAFT_NEXT;
op_cosh: r[i->dst] = std::cosh(r[i->a]); ENGRAFT_NEXT;
op_tanh: r[i->dst] = std::tanh(r[i->a]); ENGRAFT_NEXT;
op_asin: r[i->dst] = std::asin(r[i->a]); ENGRAFT_NEXT;
op_acos: r[i->dst] = std::acos(r[i->a]); ENGRAFT_NEXT;
op_atan: r[i->dst] = std::atan(r[i->a]); ENGRAFT_NEXT;
op_factorial: r[i->dst] = factorial(r[i->a]); ENGRAFT_NEXT;
#undef ENGRAFT_NEXT
}

double factorial(double n) {
  // tgamma is exact at these integers: 170! is the largest finite double.
  return n >= 0.0 && n == std::floor(n) ? std::tgamma(n + 1.0) : std::nan("");
}

void fuse_multiply_add(Program& program, const std::vector<bool>& temporaries) {
  auto& code = program.code;
  std::vector<int> uses(temporaries.size(), 0);
  for (const Instruction& i : code) {
    ++uses[i.a];
    if (i.code != OpCode::copy && i.code != OpCode::negate && i.code != OpCode::logical_not && i.code < OpCode::exp) {
      ++uses[i.b];
      if (i.code == OpCode::select) ++uses[i.c];
    }
  }
  std::vector<bool> removed(code.size(), false);
  for (std::size_t k = 0; k < code.size(); ++k) {
    const Instruction& m = code[k];
    if (m.code != OpCode::multiply || !temporaries[m.dst] || uses[m.dst] != 1) continue;
    for (std::size_t j = k + 1; j < code.size(); ++j) {
      Instruction& user = code[j];
      const bool reads_a = user.a == m.dst, reads_b = user.b == m.dst;
      if (!reads_a && !reads_b) continue;
      if (user.code == OpCode::add) {
        user = {OpCode::multiply_add, user.dst, m.a, m.b, reads_a ? user.b : user.a};
        removed[k] = true;
      } else if (user.code == OpCode::subtract && user.a != user.b) {
        user = {reads_a ? OpCode::multiply_subtract : OpCode::subtract_multiply, user.dst, m.a, m.b,
                reads_a ? user.b : user.a};
        removed[k] = true;
      }
      break;
    }
  }
  std::size_t out = 0;
  for (std::size_t k = 0; k < code.size(); ++k)
    if (!removed[k]) code[out++] = code[k];
  code.resize(out);
}

}  // namespace engraft::detail
