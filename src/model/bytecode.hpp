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
  exp, log, log10, sqrt, abs, floor, ceil, sin, cos, tan, sinh, cosh, tanh, asin, acos, atan,
};

struct Instruction {
  OpCode code;
  std::uint32_t dst, a, b, c;
};

struct Program {
  std::vector<Instruction> code;
  void run(double* r) const;
};

}  // namespace engraft::detail
