#include "engraft/core/units.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <vector>

namespace engraft {
namespace {

using Dimension = std::array<int, 6>;

enum Base { kMass, kLength, kTime, kAmount, kCell, kIu };
constexpr std::array<std::string_view, 6> kBaseNames{"mass", "length", "time", "amount", "cell", "IU"};

constexpr std::string_view kExamples = "mg, mg/m2, ug/kg, cells/kg, 10^9/L, K/uL, mL/min, L/h, 1/d, h, %";
constexpr std::string_view kMiddleDot = "\u00b7";

constexpr Dimension of(Base base, int exponent = 1) {
  Dimension dimension{};
  dimension[base] = exponent;
  return dimension;
}

struct Prefix {
  std::string_view spelling;
  char code;  // one letter per prefix, shared by its spellings (u, µ, μ, mc)
  double factor;
};

constexpr std::array kPrefixes{
    Prefix{"f", 'f', 1e-15},     Prefix{"p", 'p', 1e-12},     Prefix{"n", 'n', 1e-9},
    Prefix{"u", 'u', 1e-6},      Prefix{"\u00b5", 'u', 1e-6}, Prefix{"\u03bc", 'u', 1e-6},
    Prefix{"mc", 'u', 1e-6},     Prefix{"m", 'm', 1e-3},      Prefix{"c", 'c', 1e-2},
    Prefix{"d", 'd', 1e-1},      Prefix{"k", 'k', 1e3},       Prefix{"M", 'M', 1e6},
    Prefix{"G", 'G', 1e9},
};

struct Symbol {
  std::string_view name;
  double scale;
  Dimension dimension;
  std::string_view prefixes;  // codes of the prefixes that make sense with this symbol
};

constexpr Dimension kVolume = of(kLength, 3);
constexpr Dimension kMolar{0, -3, 0, 1, 0, 0};
constexpr double kSecond = 1.0 / 86400.0;
constexpr double kMinute = 1.0 / 1440.0;
constexpr double kHour = 1.0 / 24.0;

// Prefixes are restricted per symbol so that "Mm", "ms" or "cd" fail instead of meaning
// something nobody writes in a protocol.
constexpr std::array kSymbols{
    Symbol{"g", 1.0, of(kMass), "pnumk"},
    Symbol{"m", 1.0, of(kLength), "numck"},
    Symbol{"L", 1e-3, kVolume, "fpnumcd"},
    Symbol{"l", 1e-3, kVolume, "fpnumcd"},
    Symbol{"s", kSecond, of(kTime), ""},
    Symbol{"sec", kSecond, of(kTime), ""},
    Symbol{"second", kSecond, of(kTime), ""},
    Symbol{"seconds", kSecond, of(kTime), ""},
    Symbol{"min", kMinute, of(kTime), ""},
    Symbol{"minute", kMinute, of(kTime), ""},
    Symbol{"minutes", kMinute, of(kTime), ""},
    Symbol{"h", kHour, of(kTime), ""},
    Symbol{"hr", kHour, of(kTime), ""},
    Symbol{"hour", kHour, of(kTime), ""},
    Symbol{"hours", kHour, of(kTime), ""},
    Symbol{"d", 1.0, of(kTime), ""},
    Symbol{"day", 1.0, of(kTime), ""},
    Symbol{"days", 1.0, of(kTime), ""},
    Symbol{"wk", 7.0, of(kTime), ""},
    Symbol{"week", 7.0, of(kTime), ""},
    Symbol{"weeks", 7.0, of(kTime), ""},
    Symbol{"mol", 1.0, of(kAmount), "fpnum"},
    Symbol{"M", 1e3, kMolar, "fpnum"},  // molar, mol/L
    Symbol{"cell", 1.0, of(kCell), ""},
    Symbol{"cells", 1.0, of(kCell), ""},
    Symbol{"platelet", 1.0, of(kCell), ""},
    Symbol{"platelets", 1.0, of(kCell), ""},
    Symbol{"PLT", 1.0, of(kCell), ""},
    Symbol{"MK", 1.0, of(kCell), ""},
    Symbol{"count", 1.0, of(kCell), ""},
    Symbol{"#", 1.0, of(kCell), ""},
    Symbol{"IU", 1.0, of(kIu), "umkM"},
    Symbol{"U", 1.0, of(kIu), "umkM"},
    Symbol{"%", 0.01, {}, ""},
};

struct Factor {
  double scale = 1.0;
  Dimension dimension{};
};

struct Token {
  bool divide = false;
  std::string_view text;
};

[[noreturn]] void fail(std::string_view unit, const std::string& what) {
  throw std::invalid_argument(
      fmt::format("cannot parse unit '{}': {} (valid units look like {})", unit, what, kExamples));
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::size_t skip_spaces(std::string_view text, std::size_t pos) {
  while (pos < text.size() && is_space(text[pos])) ++pos;
  return pos;
}

// Length of the explicit operator ('*', '/' or '·') at the start of text, 0 if there is none.
std::size_t operator_length(std::string_view text) {
  if (text.starts_with('*') || text.starts_with('/')) return 1;
  if (text.starts_with(kMiddleDot)) return kMiddleDot.size();
  return 0;
}

// Splits a trimmed unit into factors, each marked with the operator before it; spaces between
// two factors multiply, spaces around an operator are ignored.
std::vector<Token> split_factors(std::string_view unit) {
  std::vector<Token> tokens;
  bool divide = unit.starts_with('/');  // "/nL" means 1/nL
  std::size_t pos = divide ? 1 : 0;
  while (true) {
    pos = skip_spaces(unit, pos);
    std::size_t end = pos;
    while (end < unit.size() && !is_space(unit[end]) && operator_length(unit.substr(end)) == 0) ++end;
    if (end == pos) fail(unit, fmt::format("expected a factor at position {}", pos + 1));
    tokens.push_back({divide, unit.substr(pos, end - pos)});
    pos = skip_spaces(unit, end);
    if (pos == unit.size()) return tokens;
    divide = unit[pos] == '/';
    pos += operator_length(unit.substr(pos));
  }
}

int parse_exponent(std::string_view unit, std::string_view token, std::string_view text) {
  int exponent = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, exponent);
  if (ec != std::errc{} || ptr != end)
    fail(unit, fmt::format("the exponent in '{}' is not an integer", token));
  return exponent;
}

bool starts_number(std::string_view text) {
  return !text.empty() && ((text.front() >= '0' && text.front() <= '9') || text.front() == '.');
}

// "10^9", "1e-3", "1000"; the "x" of "x10^9" has already been removed.
Factor parse_number(std::string_view unit, std::string_view token, std::string_view number) {
  double value = 0.0;
  const char* end = number.data() + number.size();
  const auto [ptr, ec] = std::from_chars(number.data(), end, value);
  const std::string_view rest(ptr, static_cast<std::size_t>(end - ptr));
  if (ec == std::errc::invalid_argument || (!rest.empty() && !rest.starts_with('^')))
    fail(unit, fmt::format("'{}' is not a number", token));
  if (!rest.empty()) value = std::pow(value, parse_exponent(unit, token, rest.substr(1)));
  if (!std::isfinite(value) || value <= 0.0)
    fail(unit, fmt::format("'{}' is not a positive finite number", token));
  return {value, {}};
}

Factor lookup_symbol(std::string_view unit, std::string_view name) {
  for (const Symbol& symbol : kSymbols)
    if (symbol.name == name) return {symbol.scale, symbol.dimension};
  // Exact names win, so "min" is minutes, "M" molar and "m" metre; prefixes come second.
  for (const Prefix& prefix : kPrefixes) {
    if (!name.starts_with(prefix.spelling)) continue;
    const std::string_view rest = name.substr(prefix.spelling.size());
    for (const Symbol& symbol : kSymbols)
      if (symbol.name == rest && symbol.prefixes.find(prefix.code) != std::string_view::npos)
        return {prefix.factor * symbol.scale, symbol.dimension};
  }
  fail(unit, fmt::format("unknown unit symbol '{}'", name));
}

bool starts_exponent(std::string_view text) {
  return text.starts_with('^') || text.starts_with('-') || starts_number(text) ||
         text.starts_with("\u00b2") || text.starts_with("\u00b3");
}

// A symbol with an optional integer exponent: "m2", "m^2", "L^-1", "h-1", "m²".
Factor parse_symbol(std::string_view unit, std::string_view token) {
  std::size_t split = 0;
  while (split < token.size() && !starts_exponent(token.substr(split))) ++split;
  const std::string_view name = token.substr(0, split);
  std::string_view exponent_text = token.substr(split);
  if (name.empty()) fail(unit, fmt::format("'{}' is neither a number nor a unit symbol", token));

  int exponent = 1;
  if (exponent_text == "\u00b2") {
    exponent = 2;
  } else if (exponent_text == "\u00b3") {
    exponent = 3;
  } else if (!exponent_text.empty()) {
    if (exponent_text.starts_with('^')) exponent_text.remove_prefix(1);
    exponent = parse_exponent(unit, token, exponent_text);
    // Bounded so that summing exponents can never overflow.
    if (exponent == 0 || std::abs(exponent) > 9)
      fail(unit, fmt::format("the exponent in '{}' must be a nonzero integer from -9 to 9", token));
  }

  const Factor base = lookup_symbol(unit, name);
  Factor factor{std::pow(base.scale, exponent), {}};
  for (std::size_t d = 0; d < factor.dimension.size(); ++d)
    factor.dimension[d] = base.dimension[d] * exponent;
  return factor;
}

Factor parse_factor(std::string_view unit, std::string_view token) {
  for (const std::string_view times : {std::string_view("x"), std::string_view("\u00d7")})
    if (token.starts_with(times) && starts_number(token.substr(times.size())))
      return parse_number(unit, token, token.substr(times.size()));
  if (starts_number(token)) return parse_number(unit, token, token);
  return parse_symbol(unit, token);
}

}  // namespace

Unit parse_unit(std::string_view text) {
  const std::string_view trimmed = trim(text);
  Unit unit{1.0, {}, std::string(trimmed)};
  if (trimmed.empty() || trimmed == "dimensionless") return unit;

  const std::vector<Token> tokens = split_factors(trimmed);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    // Lab reports write counts as "K/uL": a leading K before a slash means a thousand.
    const bool thousand =
        i == 0 && !tokens[0].divide && tokens[0].text == "K" && tokens.size() > 1 && tokens[1].divide;
    const Factor factor = thousand ? Factor{1e3, {}} : parse_factor(trimmed, tokens[i].text);
    const int sign = tokens[i].divide ? -1 : 1;
    unit.scale = tokens[i].divide ? unit.scale / factor.scale : unit.scale * factor.scale;
    for (std::size_t d = 0; d < unit.dimension.size(); ++d)
      unit.dimension[d] += sign * factor.dimension[d];
  }
  if (!std::isfinite(unit.scale) || unit.scale <= 0.0) fail(trimmed, "its scale overflows");
  return unit;
}

bool same_dimension(const Unit& a, const Unit& b) {
  for (std::size_t d = 0; d < a.dimension.size(); ++d)
    if (d != kCell && a.dimension[d] != b.dimension[d]) return false;
  return true;
}

double conversion_factor(const Unit& from, const Unit& to) {
  if (!same_dimension(from, to))
    throw std::invalid_argument(fmt::format("cannot convert '{}' to '{}': {} is not {}", from.text, to.text,
                                            dimension_name(from), dimension_name(to)));
  return from.scale / to.scale;
}

Quantity parse_quantity(std::string_view text) {
  const std::string_view trimmed = trim(text);
  double value = 0.0;
  const char* end = trimmed.data() + trimmed.size();
  const auto [ptr, ec] = std::from_chars(trimmed.data(), end, value);
  if (ec == std::errc::invalid_argument)
    throw std::invalid_argument(fmt::format(
        "cannot parse quantity '{}': expected a number then a unit, like 200 mg/m2, 5e6 cells/kg or 30 min",
        trimmed));
  if (ec != std::errc{} || !std::isfinite(value))
    throw std::invalid_argument(fmt::format("cannot parse quantity '{}': the number is not finite", trimmed));
  try {
    return {value, parse_unit(std::string_view(ptr, static_cast<std::size_t>(end - ptr)))};
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument(fmt::format("in quantity '{}': {}", trimmed, error.what()));
  }
}

std::string dimension_name(const Unit& u) {
  std::string numerator;
  std::string denominator;
  for (std::size_t d = 0; d < u.dimension.size(); ++d) {
    if (u.dimension[d] == 0) continue;
    std::string name(kBaseNames[d]);
    int power = std::abs(u.dimension[d]);
    // Clinical units are per volume (mL, 10^9/L) far more often than per cubic metre.
    if (d == kLength && power % 3 == 0) {
      name = "volume";
      power /= 3;
    }
    if (power != 1) name += fmt::format("^{}", power);
    if (u.dimension[d] > 0) {
      numerator += (numerator.empty() ? "" : "*") + name;
    } else {
      denominator += "/" + name;
    }
  }
  if (numerator.empty() && denominator.empty()) return "dimensionless";
  return (numerator.empty() ? "1" : numerator) + denominator;
}

}  // namespace engraft
