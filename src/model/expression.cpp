#include "engraft/model/expression.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "bytecode.hpp"

namespace engraft {

struct Expression::Node {
  Op op = Op::number;
  double value = 0.0;
  std::string name;
  std::vector<Expression> args;
  std::size_t depth = 1;  // longest path to a leaf, so that deep trees are refused at parse time
};

Expression Expression::number(double value) {
  auto node = std::make_shared<Node>();
  node->value = value;
  return Expression(std::move(node));
}

Expression Expression::symbol(std::string name) {
  auto node = std::make_shared<Node>();
  node->op = Op::symbol;
  node->name = std::move(name);
  return Expression(std::move(node));
}

Expression Expression::apply(Op op, std::vector<Expression> args) {
  auto node = std::make_shared<Node>();
  node->op = op;
  node->args = std::move(args);
  for (const Expression& a : node->args) node->depth = std::max(node->depth, a.depth() + 1);
  return Expression(std::move(node));
}

Op Expression::op() const { return node_ ? node_->op : Op::number; }
std::size_t Expression::depth() const { return node_ ? node_->depth : 1; }
double Expression::value() const { return node_ ? node_->value : 0.0; }
const std::string& Expression::name() const {
  static const std::string empty;
  return node_ ? node_->name : empty;
}
const std::vector<Expression>& Expression::args() const {
  static const std::vector<Expression> none;
  return node_ ? node_->args : none;
}

bool Expression::is_relational() const {
  switch (op()) {
    case Op::less: case Op::less_equal: case Op::greater: case Op::greater_equal: case Op::equal:
    case Op::not_equal:
      return true;
    default:
      return false;
  }
}

namespace {

struct FunctionInfo {
  Op op;
  int min_args;
  int max_args;  // -1: any number
};

const std::map<std::string, FunctionInfo, std::less<>>& function_table() {
  static const std::map<std::string, FunctionInfo, std::less<>> table = {
      {"exp", {Op::exp, 1, 1}},     {"log", {Op::log, 1, 1}},     {"ln", {Op::log, 1, 1}},
      {"log10", {Op::log10, 1, 1}}, {"sqrt", {Op::sqrt, 1, 1}},   {"abs", {Op::abs, 1, 1}},
      {"floor", {Op::floor, 1, 1}}, {"ceil", {Op::ceil, 1, 1}},   {"sin", {Op::sin, 1, 1}},
      {"cos", {Op::cos, 1, 1}},     {"tan", {Op::tan, 1, 1}},     {"sinh", {Op::sinh, 1, 1}},
      {"cosh", {Op::cosh, 1, 1}},   {"tanh", {Op::tanh, 1, 1}},   {"asin", {Op::asin, 1, 1}},
      {"acos", {Op::acos, 1, 1}},   {"atan", {Op::atan, 1, 1}},   {"factorial", {Op::factorial, 1, 1}},
      {"min", {Op::min, 1, -1}},
      {"max", {Op::max, 1, -1}},    {"piecewise", {Op::piecewise, 1, -1}},
  };
  return table;
}

class Parser {
 public:
  Parser(std::string_view text, const SourceLocation& where) : text_(text), where_(where) {}

  Expression parse() {
    Expression e = parse_binary(0);
    skip_space();
    if (pos_ < text_.size()) fail("an operator or the end of the expression", std::string(1, text_[pos_]));
    return e;
  }

 private:
  [[noreturn]] void fail(const std::string& expected, const std::string& got) const {
    const std::string_view shown = text_.size() > 80 ? text_.substr(0, 77) : text_;
    throw InputError(where_, expected,
                     fmt::format("'{}' at column {} of \"{}{}\"", got, pos_ + 1, shown, text_.size() > 80 ? "..." : ""));
  }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  bool accept(std::string_view token) {
    skip_space();
    if (text_.substr(pos_, token.size()) == token) {
      pos_ += token.size();
      return true;
    }
    return false;
  }

  // Binary operators with their precedence; higher binds tighter. ^ is right-associative.
  struct Binary {
    std::string_view token;
    Op op;
    int precedence;
  };
  std::optional<Binary> peek_binary() {
    skip_space();
    static constexpr Binary table[] = {
        {"||", Op::logical_or, 1},   {"&&", Op::logical_and, 2}, {"==", Op::equal, 3},
        {"!=", Op::not_equal, 3},    {"<=", Op::less_equal, 4},  {">=", Op::greater_equal, 4},
        {"<", Op::less, 4},          {">", Op::greater, 4},      {"+", Op::add, 5},
        {"-", Op::subtract, 5},      {"*", Op::multiply, 6},     {"/", Op::divide, 6},
        {"^", Op::power, 8},
    };
    for (const Binary& b : table)
      if (text_.substr(pos_, b.token.size()) == b.token) return b;
    return std::nullopt;
  }

  // Trees are bounded in depth so that hostile input cannot exhaust the stack of any of the
  // recursive walks (found by fuzzing: deep parentheses, F3; long flat chains, F10). The
  // parser's own recursion is bounded more loosely, so that to_string's output, which adds
  // parentheses, always parses back (F9).
  static constexpr std::size_t max_tree_depth = 500;
  static constexpr int max_depth = 4 * static_cast<int>(max_tree_depth);

  Expression bounded(Expression e) {
    if (e.depth() > max_tree_depth)
      fail(fmt::format("an expression at most {} operations deep (split it into assignments)", max_tree_depth), "deeper");
    return e;
  }
  struct DepthGuard {
    Parser& parser;
    explicit DepthGuard(Parser& p) : parser(p) {
      if (++parser.depth_ > max_depth) parser.fail(fmt::format("at most {} levels of nesting", max_depth), "deeper");
    }
    ~DepthGuard() { --parser.depth_; }
  };

  Expression parse_binary(int min_precedence) {
    const DepthGuard guard(*this);
    Expression lhs = parse_unary();
    while (true) {
      auto binary = peek_binary();
      if (!binary || binary->precedence < min_precedence) return lhs;
      pos_ += binary->token.size();
      const int next = binary->op == Op::power ? binary->precedence : binary->precedence + 1;
      Expression rhs = parse_binary(next);
      lhs = bounded(Expression::apply(binary->op, {lhs, rhs}));
    }
  }

  Expression parse_unary() {
    const DepthGuard guard(*this);
    if (accept("-")) return bounded(Expression::apply(Op::negate, {parse_binary(7)}));
    if (accept("+")) return parse_binary(7);
    if (accept("!")) return bounded(Expression::apply(Op::logical_not, {parse_binary(7)}));
    return parse_primary();
  }

  Expression parse_primary() {
    skip_space();
    if (pos_ >= text_.size()) fail("a number, name or '('", "end of expression");
    const char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      Expression inner = parse_binary(0);
      if (!accept(")")) fail("')'", pos_ < text_.size() ? std::string(1, text_[pos_]) : "end of expression");
      return inner;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return parse_number();
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') return parse_name();
    fail("a number, name or '('", std::string(1, c));
  }

  Expression parse_number() {
    const std::string rest(text_.substr(pos_));
    char* end = nullptr;
    const double value = std::strtod(rest.c_str(), &end);
    if (end == rest.c_str()) fail("a number", rest.substr(0, 1));
    if (!std::isfinite(value)) fail("a finite number", rest.substr(0, static_cast<std::size_t>(end - rest.c_str())));
    pos_ += static_cast<std::size_t>(end - rest.c_str());
    if (pos_ < text_.size() && (std::isalpha(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
      fail("an operator after the number", std::string(1, text_[pos_]));
    return Expression::number(value);
  }

  Expression parse_name() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
      ++pos_;
    std::string name(text_.substr(start, pos_ - start));
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != '(') {
      if (name == "true") return Expression::number(1.0);
      if (name == "false") return Expression::number(0.0);
      return Expression::symbol(std::move(name));
    }
    ++pos_;
    std::vector<Expression> args;
    if (!accept(")")) {
      do args.push_back(parse_binary(0));
      while (accept(","));
      if (!accept(")")) fail("',' or ')'", pos_ < text_.size() ? std::string(1, text_[pos_]) : "end of expression");
    }
    return bounded(make_call(name, std::move(args)));
  }

  Expression make_call(const std::string& name, std::vector<Expression> args) {
    const auto arity_error = [&](const std::string& expected) {
      fail(fmt::format("{} argument(s) for {}()", expected, name), fmt::format("{}", args.size()));
    };
    if (name == "pow") {
      if (args.size() != 2) arity_error("2");
      return Expression::apply(Op::power, std::move(args));
    }
    if (name == "if") {  // if(c, a, b) is piecewise(a, c, b)
      if (args.size() != 3) arity_error("3");
      return Expression::apply(Op::piecewise, {args[1], args[0], args[2]});
    }
    if (name == "heaviside") {  // 0 below zero, 1 from zero on
      if (args.size() != 1) arity_error("1");
      return Expression::apply(Op::piecewise, {Expression::number(1.0),
                                               Expression::apply(Op::greater_equal, {args[0], Expression::number(0.0)}),
                                               Expression::number(0.0)});
    }
    const auto it = function_table().find(name);
    if (it == function_table().end())
      fail("a known function (exp, log, ln, log10, sqrt, abs, floor, ceil, min, max, pow, if, piecewise, heaviside, "
           "trigonometric)", name + "()");
    const FunctionInfo& info = it->second;
    const int n = static_cast<int>(args.size());
    if (n < info.min_args || (info.max_args >= 0 && n > info.max_args))
      arity_error(info.max_args < 0 ? fmt::format("at least {}", info.min_args) : fmt::format("{}", info.min_args));
    return Expression::apply(info.op, std::move(args));
  }

  std::string_view text_;
  const SourceLocation& where_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

int precedence_of(Op op) {
  switch (op) {
    case Op::logical_or: return 1;
    case Op::logical_and: return 2;
    case Op::equal: case Op::not_equal: return 3;
    case Op::less: case Op::less_equal: case Op::greater: case Op::greater_equal: return 4;
    case Op::add: case Op::subtract: return 5;
    case Op::multiply: case Op::divide: return 6;
    case Op::negate: case Op::logical_not: return 7;
    case Op::power: return 8;
    default: return 10;
  }
}

std::string_view operator_token(Op op) {
  switch (op) {
    case Op::add: return "+";
    case Op::subtract: return "-";
    case Op::multiply: return "*";
    case Op::divide: return "/";
    case Op::power: return "^";
    case Op::less: return "<";
    case Op::less_equal: return "<=";
    case Op::greater: return ">";
    case Op::greater_equal: return ">=";
    case Op::equal: return "==";
    case Op::not_equal: return "!=";
    case Op::logical_and: return "&&";
    case Op::logical_or: return "||";
    default: return "";
  }
}

}  // namespace

Expression parse_expression(std::string_view infix, const SourceLocation& where) {
  return Parser(infix, where).parse();
}

std::string_view function_name(Op op) {
  for (const auto& [name, info] : function_table())
    if (info.op == op && name != "ln") return name;
  return "";
}

std::string to_string(const Expression& e) {
  const auto wrapped = [](const Expression& child, int parent_precedence, bool strict) {
    const int p = precedence_of(child.op());
    const bool needs = strict ? p <= parent_precedence : p < parent_precedence;
    return needs ? "(" + to_string(child) + ")" : to_string(child);
  };
  switch (e.op()) {
    case Op::number: {
      std::string text = fmt::format("{}", e.value());
      return e.value() < 0 ? "(" + text + ")" : text;
    }
    case Op::symbol: return e.name();
    case Op::negate: return "-" + wrapped(e.args()[0], precedence_of(Op::negate), false);
    case Op::logical_not: return "!" + wrapped(e.args()[0], precedence_of(Op::logical_not), false);
    default: break;
  }
  const std::string_view token = operator_token(e.op());
  if (!token.empty()) {
    const int p = precedence_of(e.op());
    const bool right_assoc = e.op() == Op::power;
    return wrapped(e.args()[0], p, right_assoc) + " " + std::string(token) + " " +
           wrapped(e.args()[1], p, !right_assoc);
  }
  std::string text = std::string(function_name(e.op())) + "(";
  for (std::size_t i = 0; i < e.args().size(); ++i) text += (i ? ", " : "") + to_string(e.args()[i]);
  return text + ")";
}

std::set<std::string> symbols_of(const Expression& e) {
  std::set<std::string> names;
  const auto visit = [&names](const auto& self, const Expression& node) -> void {
    if (node.op() == Op::symbol) names.insert(node.name());
    for (const Expression& arg : node.args()) self(self, arg);
  };
  visit(visit, e);
  return names;
}

namespace {
Expression num(double v) { return Expression::number(v); }
bool is_value(const Expression& e, double v) { return e.is_number() && e.value() == v; }
Expression add(Expression a, Expression b) {
  if (is_value(a, 0)) return b;
  if (is_value(b, 0)) return a;
  return Expression::apply(Op::add, {std::move(a), std::move(b)});
}
Expression sub(Expression a, Expression b) {
  if (is_value(b, 0)) return a;
  if (is_value(a, 0)) return Expression::apply(Op::negate, {std::move(b)});
  return Expression::apply(Op::subtract, {std::move(a), std::move(b)});
}
Expression mul(Expression a, Expression b) {
  if (is_value(a, 0) || is_value(b, 0)) return num(0);
  if (is_value(a, 1)) return b;
  if (is_value(b, 1)) return a;
  return Expression::apply(Op::multiply, {std::move(a), std::move(b)});
}
Expression div(Expression a, Expression b) {
  if (is_value(a, 0)) return num(0);
  if (is_value(b, 1)) return a;
  return Expression::apply(Op::divide, {std::move(a), std::move(b)});
}
Expression call(Op op, Expression a) { return Expression::apply(op, {std::move(a)}); }
}  // namespace

double evaluate(const Expression& e, const std::function<double(const std::string&)>& lookup) {
  const auto& a = e.args();
  const auto arg = [&](std::size_t i) { return evaluate(a[i], lookup); };
  switch (e.op()) {
    case Op::number: return e.value();
    case Op::symbol: return lookup(e.name());
    case Op::negate: return -arg(0);
    case Op::logical_not: return arg(0) == 0.0 ? 1.0 : 0.0;
    case Op::add: return arg(0) + arg(1);
    case Op::subtract: return arg(0) - arg(1);
    case Op::multiply: return arg(0) * arg(1);
    case Op::divide: return arg(0) / arg(1);
    case Op::power: return std::pow(arg(0), arg(1));
    case Op::less: return arg(0) < arg(1);
    case Op::less_equal: return arg(0) <= arg(1);
    case Op::greater: return arg(0) > arg(1);
    case Op::greater_equal: return arg(0) >= arg(1);
    case Op::equal: return arg(0) == arg(1);
    case Op::not_equal: return arg(0) != arg(1);
    case Op::logical_and: return arg(0) != 0.0 && arg(1) != 0.0;
    case Op::logical_or: return arg(0) != 0.0 || arg(1) != 0.0;
    case Op::exp: return std::exp(arg(0));
    case Op::log: return std::log(arg(0));
    case Op::log10: return std::log10(arg(0));
    case Op::sqrt: return std::sqrt(arg(0));
    case Op::abs: return std::abs(arg(0));
    case Op::floor: return std::floor(arg(0));
    case Op::ceil: return std::ceil(arg(0));
    case Op::factorial: return detail::factorial(arg(0));
    case Op::sin: return std::sin(arg(0));
    case Op::cos: return std::cos(arg(0));
    case Op::tan: return std::tan(arg(0));
    case Op::sinh: return std::sinh(arg(0));
    case Op::cosh: return std::cosh(arg(0));
    case Op::tanh: return std::tanh(arg(0));
    case Op::asin: return std::asin(arg(0));
    case Op::acos: return std::acos(arg(0));
    case Op::atan: return std::atan(arg(0));
    case Op::min: case Op::max: {
      double v = arg(0);
      for (std::size_t i = 1; i < a.size(); ++i) v = e.op() == Op::min ? std::min(v, arg(i)) : std::max(v, arg(i));
      return v;
    }
    case Op::piecewise:
      for (std::size_t i = 0; i + 1 < a.size(); i += 2)
        if (arg(i + 1) != 0.0) return arg(i);
      return a.size() % 2 == 1 ? arg(a.size() - 1) : std::nan("");
  }
  return std::nan("");
}

namespace {
bool mentions(const Expression& e, std::string_view variable) {
  if (e.op() == Op::symbol) return e.name() == variable;
  return std::any_of(e.args().begin(), e.args().end(), [&](const Expression& a) { return mentions(a, variable); });
}
}  // namespace

Expression differentiate(const Expression& e, std::string_view variable) {
  // Exactly 0 where the variable does not occur: the rules below would give 0/0 for e.g. acos(-1).
  if (!mentions(e, variable)) return num(0);
  const auto d = [&](const Expression& x) { return differentiate(x, variable); };
  const auto& a = e.args();
  switch (e.op()) {
    case Op::number: return num(0);
    case Op::symbol: return num(e.name() == variable ? 1 : 0);
    case Op::negate: {
      Expression da = d(a[0]);
      return is_value(da, 0) ? da : call(Op::negate, da);
    }
    case Op::add: return add(d(a[0]), d(a[1]));
    case Op::subtract: return sub(d(a[0]), d(a[1]));
    case Op::multiply: return add(mul(d(a[0]), a[1]), mul(a[0], d(a[1])));
    case Op::divide:  // (a'b - ab')/b^2
      return div(sub(mul(d(a[0]), a[1]), mul(a[0], d(a[1]))), Expression::apply(Op::power, {a[1], num(2)}));
    case Op::power: {
      Expression du = d(a[0]), dv = d(a[1]);
      if (is_value(dv, 0))  // u^c: c u^(c-1) u'
        return mul(mul(a[1], Expression::apply(Op::power, {a[0], sub(a[1], num(1))})), du);
      // u^v (v' ln u + v u'/u)
      return mul(e, add(mul(dv, call(Op::log, a[0])), div(mul(a[1], du), a[0])));
    }
    case Op::exp: return mul(e, d(a[0]));
    case Op::log: return div(d(a[0]), a[0]);
    case Op::log10: return div(d(a[0]), mul(a[0], num(std::log(10.0))));
    case Op::sqrt: return div(d(a[0]), mul(num(2), e));
    case Op::abs: return mul(Expression::apply(Op::piecewise, {num(1), Expression::apply(Op::greater_equal, {a[0], num(0)}), num(-1)}), d(a[0]));
    case Op::sin: return mul(call(Op::cos, a[0]), d(a[0]));
    case Op::cos: return mul(call(Op::negate, call(Op::sin, a[0])), d(a[0]));
    case Op::tan: return div(d(a[0]), Expression::apply(Op::power, {call(Op::cos, a[0]), num(2)}));
    case Op::sinh: return mul(call(Op::cosh, a[0]), d(a[0]));
    case Op::cosh: return mul(call(Op::sinh, a[0]), d(a[0]));
    case Op::tanh: return mul(sub(num(1), Expression::apply(Op::power, {e, num(2)})), d(a[0]));
    case Op::asin: return div(d(a[0]), call(Op::sqrt, sub(num(1), Expression::apply(Op::power, {a[0], num(2)}))));
    case Op::acos: return div(call(Op::negate, d(a[0])), call(Op::sqrt, sub(num(1), Expression::apply(Op::power, {a[0], num(2)}))));
    case Op::atan: return div(d(a[0]), add(num(1), Expression::apply(Op::power, {a[0], num(2)})));
    case Op::min: case Op::max: {
      // piecewise derivative: follow the argument that is selected
      Expression result = d(a.back());
      for (std::size_t i = a.size() - 1; i-- > 0;) {
        const Op cmp = e.op() == Op::min ? Op::less_equal : Op::greater_equal;
        std::vector<Expression> rest(a.begin() + static_cast<long>(i) + 1, a.end());
        Expression others = rest.size() == 1 ? rest[0] : Expression::apply(e.op(), rest);
        result = Expression::apply(Op::piecewise, {d(a[i]), Expression::apply(cmp, {a[i], others}), result});
      }
      return result;
    }
    case Op::piecewise: {
      std::vector<Expression> out;
      for (std::size_t i = 0; i < a.size(); ++i) out.push_back(i % 2 == 0 ? d(a[i]) : a[i]);
      return Expression::apply(Op::piecewise, std::move(out));
    }
    default:  // relational, logical, floor, ceil, factorial: piecewise constant (or defined at integers only)
      return num(0);
  }
}

}  // namespace engraft
