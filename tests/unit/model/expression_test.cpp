#include "engraft/model/expression.hpp"

#include <cmath>
#include <map>

#include <gtest/gtest.h>

namespace engraft {
namespace {

double eval(const std::string& text, const std::map<std::string, double>& vars = {}) {
  return evaluate(parse_expression(text, {}), [&](const std::string& n) { return vars.at(n); });
}

TEST(Expression, PrecedenceAndAssociativity) {
  EXPECT_DOUBLE_EQ(eval("1 + 2 * 3"), 7.0);
  EXPECT_DOUBLE_EQ(eval("(1 + 2) * 3"), 9.0);
  EXPECT_DOUBLE_EQ(eval("2 ^ 3 ^ 2"), 512.0);   // right-associative
  EXPECT_DOUBLE_EQ(eval("-2 ^ 2"), -4.0);       // unary minus binds looser than ^
  EXPECT_DOUBLE_EQ(eval("8 / 4 / 2"), 1.0);     // left-associative
  EXPECT_DOUBLE_EQ(eval("1 < 2 && 3 >= 3"), 1.0);
  EXPECT_DOUBLE_EQ(eval("!(1 == 1) || 0"), 0.0);
}

TEST(Expression, FunctionsAndPiecewise) {
  EXPECT_DOUBLE_EQ(eval("if(t > 3, 10, 20)", {{"t", 4}}), 10.0);
  EXPECT_DOUBLE_EQ(eval("piecewise(1, x < 0, 2, x < 1, 3)", {{"x", 0.5}}), 2.0);
  EXPECT_DOUBLE_EQ(eval("piecewise(1, x < 0, 2, x < 1, 3)", {{"x", 5}}), 3.0);
  EXPECT_DOUBLE_EQ(eval("max(1, 5, 3) + min(4, 2)"), 7.0);
  EXPECT_DOUBLE_EQ(eval("pow(2, 10)"), 1024.0);
  EXPECT_NEAR(eval("ln(exp(2.5))"), 2.5, 1e-15);
  EXPECT_DOUBLE_EQ(eval("heaviside(-1) + heaviside(0)"), 1.0);
  EXPECT_EQ(eval("factorial(ceil(x))", {{"x", 4.2}}), 120.0);  // exact: small integers are exact in tgamma
  EXPECT_EQ(eval("factorial(0)"), 1.0);
  EXPECT_TRUE(std::isnan(eval("factorial(2.5)")));  // n! only of non-negative integers
  EXPECT_TRUE(std::isnan(eval("factorial(-1)")));
}

TEST(Expression, RoundTripThroughText) {
  for (const char* text : {"a - (b - c)", "a / (b * c)", "-(a + b) ^ 2", "(a ^ b) ^ c", "if(a < b && c > 0, a, -b)",
                           "max(a, b, c) - 1e-3 * a", "a - -b"}) {
    const Expression e = parse_expression(text, {});
    const Expression again = parse_expression(to_string(e), {});
    const std::map<std::string, double> v = {{"a", 1.3}, {"b", 0.7}, {"c", 2.1}};
    const auto lookup = [&](const std::string& n) { return v.at(n); };
    EXPECT_EQ(evaluate(e, lookup), evaluate(again, lookup)) << text << " -> " << to_string(e);
  }
}

TEST(Expression, SymbolsAreCollected) {
  const auto names = symbols_of(parse_expression("k * exp(-ke * t) + max(c1, c2)", {}));
  EXPECT_EQ(names, (std::set<std::string>{"k", "ke", "t", "c1", "c2"}));
}

TEST(Expression, DerivativeMatchesFiniteDifference) {
  // Central differences with h = 1e-6 are accurate to ~1e-9 relative for these smooth functions.
  for (const char* text : {"x^3 * exp(-x)", "log(1 + x^2) / sqrt(x)", "sin(x) * cos(2*x) + tanh(x)",
                           "1 / (1 + k * x)", "x ^ y", "atan(x) + asin(x / 3)"}) {
    const Expression e = parse_expression(text, {});
    const Expression d = differentiate(e, "x");
    for (double x : {0.3, 0.9, 1.7}) {
      const auto at = [&](double xv) {
        return evaluate(e, [&](const std::string& n) { return n == "x" ? xv : n == "k" ? 2.0 : 1.5; });
      };
      const double h = 1e-6;
      const double numeric = (at(x + h) - at(x - h)) / (2 * h);
      const double exact = evaluate(d, [&](const std::string& n) { return n == "x" ? x : n == "k" ? 2.0 : 1.5; });
      EXPECT_NEAR(exact, numeric, 1e-7 * std::max(1.0, std::abs(numeric))) << text << " at " << x;
    }
  }
}

TEST(Expression, SyntaxErrorsNameTheColumn) {
  const SourceLocation where{"model.toml", 12, "odes.c1"};
  try {
    parse_expression("a * (b + ", where);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("model.toml:12: odes.c1:"), std::string::npos) << message;
    EXPECT_NE(message.find("column"), std::string::npos) << message;
  }
  EXPECT_THROW(parse_expression("foo(1)", where), InputError);      // unknown function
  EXPECT_THROW(parse_expression("exp(1, 2)", where), InputError);   // wrong arity
  EXPECT_THROW(parse_expression("2x", where), InputError);          // implicit multiplication
  EXPECT_THROW(parse_expression("", where), InputError);
}

}  // namespace
}  // namespace engraft
