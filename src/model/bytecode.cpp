#include "bytecode.hpp"

#include <algorithm>
#include <cmath>

namespace engraft::detail {

void Program::run(double* r) const {
  for (const Instruction& i : code) {
    const double a = r[i.a];
    double& d = r[i.dst];
    switch (i.code) {
      case OpCode::copy: d = a; break;
      case OpCode::negate: d = -a; break;
      case OpCode::logical_not: d = a == 0.0 ? 1.0 : 0.0; break;
      case OpCode::add: d = a + r[i.b]; break;
      case OpCode::subtract: d = a - r[i.b]; break;
      case OpCode::multiply: d = a * r[i.b]; break;
      case OpCode::divide: d = a / r[i.b]; break;
      case OpCode::power: d = std::pow(a, r[i.b]); break;
      case OpCode::min: d = std::min(a, r[i.b]); break;
      case OpCode::max: d = std::max(a, r[i.b]); break;
      case OpCode::less: d = a < r[i.b] ? 1.0 : 0.0; break;
      case OpCode::less_equal: d = a <= r[i.b] ? 1.0 : 0.0; break;
      case OpCode::greater: d = a > r[i.b] ? 1.0 : 0.0; break;
      case OpCode::greater_equal: d = a >= r[i.b] ? 1.0 : 0.0; break;
      case OpCode::equal: d = a == r[i.b] ? 1.0 : 0.0; break;
      case OpCode::not_equal: d = a != r[i.b] ? 1.0 : 0.0; break;
      case OpCode::logical_and: d = (a != 0.0 && r[i.b] != 0.0) ? 1.0 : 0.0; break;
      case OpCode::logical_or: d = (a != 0.0 || r[i.b] != 0.0) ? 1.0 : 0.0; break;
      case OpCode::select: d = a != 0.0 ? r[i.b] : r[i.c]; break;
      case OpCode::exp: d = std::exp(a); break;
      case OpCode::log: d = std::log(a); break;
      case OpCode::log10: d = std::log10(a); break;
      case OpCode::sqrt: d = std::sqrt(a); break;
      case OpCode::abs: d = std::abs(a); break;
      case OpCode::floor: d = std::floor(a); break;
      case OpCode::ceil: d = std::ceil(a); break;
      case OpCode::sin: d = std::sin(a); break;
      case OpCode::cos: d = std::cos(a); break;
      case OpCode::tan: d = std::tan(a); break;
      case OpCode::sinh: d = std::sinh(a); break;
      case OpCode::cosh: d = std::cosh(a); break;
      case OpCode::tanh: d = std::tanh(a); break;
      case OpCode::asin: d = std::asin(a); break;
      case OpCode::acos: d = std::acos(a); break;
      case OpCode::atan: d = std::atan(a); break;
    }
  }
}

}  // namespace engraft::detail
