// Register bytecode: a flat list of three-address instructions over one
// array of doubles. Private to the model layer.
#pragma once

#include <cstdint>
#include <vector>

namespace engraft::detail {

enum class OpCode : std::uint8_t {
  copy, negate, logical_not,
  add, subtract, multiply, divide, power, min, max,
  less, less_equal, greater, greater_equal, equal, not_equal, logical_and, logical_or,
  select,  // dst = a != 0 ? b : c
  multiply_add,       // dst = a * b + c
  multiply_subtract,  // dst = a * b - c
  subtract_multiply,  // dst = c - a * b
  exp, log, log10, sqrt, abs, floor, ceil, sin, cos, tan, sinh, cosh, tanh, asin, acos, atan, factorial,
};

/// n! for a non-negative integer n, NaN otherwise (also Op::factorial in evaluate()).
double factorial(double n);

struct Instruction {
  OpCode code;
  std::uint32_t dst, a, b, c;
};

struct Program {
  std::vector<Instruction> code;
  void run(double* r) const;
};

/// Fuses a multiply whose result is used once, by the next add or subtract that reads it,
/// into one instruction (fewer dispatches; rounding as written, no FMA). `temporaries` are
/// registers that only this program writes and reads.
void fuse_multiply_add(Program& program, const std::vector<bool>& temporaries);

}  // namespace engraft::detail
