// One expression layer for built-in model files, SBML import and the
// compiled evaluator: an immutable, shareable syntax tree of infix math.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engraft/core/error.hpp"

namespace engraft {

enum class Op {
  number, symbol,
  negate, logical_not,
  add, subtract, multiply, divide, power,
  less, less_equal, greater, greater_equal, equal, not_equal, logical_and, logical_or,
  // functions: f(args...)
  exp, log, log10, sqrt, abs, floor, ceil, sin, cos, tan, sinh, cosh, tanh, asin, acos, atan,
  factorial,  // n! for a non-negative integer n (at most 170), NaN otherwise (as SBML leaves it undefined)
  min, max,
  piecewise,  // piecewise(value1, condition1, value2, condition2, ..., otherwise): SBML's order
};

/// A node of the syntax tree. Value semantics: copying an Expression shares the tree.
class Expression {
 public:
  Expression() = default;  // the number 0
  static Expression number(double value);
  static Expression symbol(std::string name);
  static Expression apply(Op op, std::vector<Expression> args);

  Op op() const;
  double value() const;                           // for Op::number
  const std::string& name() const;                // for Op::symbol
  const std::vector<Expression>& args() const;

  bool is_number() const { return op() == Op::number; }
  std::size_t depth() const;                      // 1 for a leaf
  bool is_relational() const;                     // <, <=, >, >=, ==, !=

 private:
  struct Node;
  explicit Expression(std::shared_ptr<const Node> node) : node_(std::move(node)) {}
  std::shared_ptr<const Node> node_;
};

/// Parses standard infix math: + - * / ^, comparisons, && || !, and the
/// functions above by name (also ln, pow(a,b), if(c,a,b), heaviside(x)).
/// Errors name `where` and the column of the problem.
Expression parse_expression(std::string_view infix, const SourceLocation& where);

/// Infix text that parse_expression reads back to the same tree.
std::string to_string(const Expression& e);

/// Every symbol the expression refers to.
std::set<std::string> symbols_of(const Expression& e);

/// Exact derivative d e / d variable, simplified for constants.
Expression differentiate(const Expression& e, std::string_view variable);

/// Tree-walking evaluation: slow, simple, and the oracle that tests the compiled bytecode.
double evaluate(const Expression& e, const std::function<double(const std::string&)>& lookup);

/// The function name for a call operator (exp, min, piecewise, ...); empty for operators.
std::string_view function_name(Op op);

}  // namespace engraft
