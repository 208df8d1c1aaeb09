// Physical units of user input: doses (mg/m2), graft sizes (cells/kg), counts (10^9/L, K/uL),
// times and rates. Units are parsed once, when a file is loaded, so errors favour clarity.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace engraft {

/// A parsed unit. Base dimensions: mass, length, time, amount (mol), cell (a count of cells or
/// platelets) and international unit (IU); volume is length^3.
struct Unit {
  double scale = 1.0;              ///< factor to the canonical unit: g, m, day, mol, cell, IU
  std::array<int, 6> dimension{};  ///< exponents of mass, length, time, amount, cell, IU
  std::string text;                ///< as written by the user, trimmed
};

/// Parses a product or quotient of factors, read left to right ("mg/kg/d" = mg/(kg*d)):
/// "mg/m2", "10^9/L", "K/uL", "mL/min", "1/d", "%", "" or "1" (dimensionless).
/// Throws std::invalid_argument naming the part not understood and listing valid examples.
Unit parse_unit(std::string_view text);

/// Whether a value in a can be expressed in b. The cell exponent is ignored: clinicians write
/// counts as bare numbers (ANC in 10^9/L), which must convert to and from cells/nL. IU stays strict.
bool same_dimension(const Unit& a, const Unit& b);

/// value_in_to = value_in_from * factor. Throws std::invalid_argument naming both units if
/// their dimensions differ.
double conversion_factor(const Unit& from, const Unit& to);

struct Quantity {
  double value = 0.0;
  Unit unit;
};

/// A number, then a unit: "200 mg/m2", "5e6 cells/kg", "30 min", "12". The number may be
/// negative (callers check the sign) but must be finite. Throws std::invalid_argument.
Quantity parse_quantity(std::string_view text);

/// Human-readable dimension such as "mass/length^2", "cell/volume" or "dimensionless".
std::string dimension_name(const Unit& u);

}  // namespace engraft
