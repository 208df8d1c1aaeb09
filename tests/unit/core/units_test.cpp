#include "engraft/core/units.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace engraft {
namespace {

double factor(std::string_view from, std::string_view to) {
  return conversion_factor(parse_unit(from), parse_unit(to));
}

// The message of the std::invalid_argument thrown by f, or "" if it threw nothing.
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return {};
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

TEST(Units, ConvertsMassTimeAndRates) {
  EXPECT_DOUBLE_EQ(factor("mg", "g"), 1e-3);
  EXPECT_DOUBLE_EQ(factor("kg", "mg"), 1e6);
  EXPECT_DOUBLE_EQ(factor("h", "d"), 1.0 / 24.0);
  EXPECT_DOUBLE_EQ(factor("min", "h"), 1.0 / 60.0);
  EXPECT_DOUBLE_EQ(factor("wk", "days"), 7.0);
  EXPECT_DOUBLE_EQ(factor("s", "min"), 1.0 / 60.0);
  EXPECT_DOUBLE_EQ(factor("mL/min", "L/h"), 0.06);
  EXPECT_DOUBLE_EQ(factor("dL", "mL"), 100.0);
  EXPECT_DOUBLE_EQ(factor("fL", "uL"), 1e-9);
}

TEST(Units, CountsPerVolumeAreInterchangeable) {
  EXPECT_DOUBLE_EQ(factor("10^9/L", "cells/nL"), 1.0);
  EXPECT_DOUBLE_EQ(factor("cells/nL", "10^9/L"), 1.0);
  EXPECT_DOUBLE_EQ(factor("K/uL", "10^9/L"), 1.0);
  EXPECT_DOUBLE_EQ(factor("K/\u00b5L", "x10^9/L"), 1.0);
  EXPECT_DOUBLE_EQ(factor("1e9/L", "/nL"), 1.0);
  EXPECT_DOUBLE_EQ(factor("\u00d710^9/L", "platelets/nL"), 1.0);
  EXPECT_DOUBLE_EQ(factor("10^6 cells/kg", "cells/kg"), 1e6);
  EXPECT_TRUE(same_dimension(parse_unit("PLT/uL"), parse_unit("10^9/L")));
}

TEST(Units, InternationalUnitsStayStrict) {
  EXPECT_FALSE(same_dimension(parse_unit("IU"), parse_unit("1")));
  EXPECT_FALSE(same_dimension(parse_unit("IU/kg"), parse_unit("cells/kg")));
  EXPECT_DOUBLE_EQ(factor("MIU", "kIU"), 1e3);
  EXPECT_DOUBLE_EQ(factor("U/mL", "IU/L"), 1e3);
}

TEST(Units, MicroSpellingsAgree) {
  EXPECT_DOUBLE_EQ(factor("\u00b5g/kg", "ug/kg"), 1.0);
  EXPECT_DOUBLE_EQ(factor("\u03bcg/kg", "ug/kg"), 1.0);
  EXPECT_DOUBLE_EQ(factor("mcg/kg", "ug/kg"), 1.0);
  EXPECT_DOUBLE_EQ(factor("ug/kg", "mg/kg"), 1e-3);
}

TEST(Units, MolarIsAmountPerVolume) {
  EXPECT_DOUBLE_EQ(factor("\u00b5M", "nmol/mL"), 1.0);
  EXPECT_DOUBLE_EQ(factor("mM", "mmol/L"), 1.0);
  EXPECT_DOUBLE_EQ(factor("nM", "uM"), 1e-3);
  EXPECT_EQ(dimension_name(parse_unit("M")), "amount/volume");
}

TEST(Units, CaseAndExactNamesDisambiguateM) {
  EXPECT_EQ(dimension_name(parse_unit("m")), "length");
  EXPECT_EQ(dimension_name(parse_unit("mm")), "length");
  EXPECT_DOUBLE_EQ(parse_unit("mm").scale, 1e-3);
  EXPECT_EQ(dimension_name(parse_unit("min")), "time");
  EXPECT_EQ(dimension_name(parse_unit("mM")), "amount/volume");
}

TEST(Units, ExponentsAndQuotients) {
  EXPECT_EQ(dimension_name(parse_unit("mg/m2")), "mass/length^2");
  EXPECT_EQ(dimension_name(parse_unit("mg/m^2")), "mass/length^2");
  EXPECT_EQ(dimension_name(parse_unit("mg m^-2")), "mass/length^2");
  EXPECT_EQ(dimension_name(parse_unit("mg\u00b7m-2")), "mass/length^2");
  EXPECT_EQ(dimension_name(parse_unit("mg/m\u00b2")), "mass/length^2");
  EXPECT_EQ(dimension_name(parse_unit("mg/kg/d")), "1/time");  // mass cancels
  EXPECT_EQ(dimension_name(parse_unit("mg/m2/d")), "mass/length^2/time");
  EXPECT_DOUBLE_EQ(factor("mg/kg/d", "mg/kg*h^-1"), 1.0 / 24.0);
  EXPECT_DOUBLE_EQ(factor("1/d", "d^-1"), 1.0);
  EXPECT_DOUBLE_EQ(factor("d-1", "/d"), 1.0);
  EXPECT_DOUBLE_EQ(factor("1/h", "1/d"), 24.0);
  EXPECT_EQ(dimension_name(parse_unit("1/h")), "1/time");
  EXPECT_EQ(dimension_name(parse_unit("L/h")), "volume/time");
  EXPECT_EQ(dimension_name(parse_unit("cells/kg")), "cell/mass");
}

TEST(Units, DimensionlessSpellings) {
  for (const char* text : {"", "1", "dimensionless", "  1  "}) {
    const Unit unit = parse_unit(text);
    EXPECT_DOUBLE_EQ(unit.scale, 1.0) << text;
    EXPECT_EQ(dimension_name(unit), "dimensionless") << text;
  }
  EXPECT_DOUBLE_EQ(factor("%", "1"), 0.01);
  EXPECT_EQ(parse_unit("  mg / kg ").text, "mg / kg");
}

TEST(Units, IncompatibleDimensionsNameBothUnits) {
  const std::string message = error_of([] { factor("mg", "h"); });
  EXPECT_TRUE(contains(message, "cannot convert 'mg' to 'h'")) << message;
  EXPECT_TRUE(contains(message, "mass")) << message;
  EXPECT_TRUE(contains(message, "time")) << message;
  EXPECT_THROW(factor("mg/m2", "mg/kg"), std::invalid_argument);
  EXPECT_THROW(factor("L", "m2"), std::invalid_argument);
}

TEST(Units, RejectsGarbageSayingWhatWasWrong) {
  const std::string slashes = error_of([] { parse_unit("mg//kg"); });
  EXPECT_TRUE(contains(slashes, "'mg//kg'")) << slashes;
  EXPECT_TRUE(contains(slashes, "position 4")) << slashes;
  EXPECT_TRUE(contains(slashes, "mg/m2")) << "lists examples: " << slashes;

  const std::string furlong = error_of([] { parse_unit("furlong/wk"); });
  EXPECT_TRUE(contains(furlong, "unknown unit symbol 'furlong'")) << furlong;

  EXPECT_TRUE(contains(error_of([] { parse_unit("1e"); }), "'1e' is not a number"));
  EXPECT_TRUE(contains(error_of([] { parse_unit("m^x"); }), "exponent in 'm^x'"));
  for (const char* text : {"mg/", "*mg", "/", "mg**kg", "Mm", "ms", "K", "mg/K", "m^0", "m^99", "0/L",
                           "10^999/L", "1e999", "^2", "mg-", "x", "nan", "inf"})
    EXPECT_THROW(parse_unit(text), std::invalid_argument) << text;
}

TEST(Units, ParsesQuantities) {
  const Quantity graft = parse_quantity("5e6 cells/kg");
  EXPECT_DOUBLE_EQ(graft.value, 5e6);
  EXPECT_EQ(graft.unit.text, "cells/kg");
  EXPECT_EQ(dimension_name(graft.unit), "cell/mass");

  const Quantity dose = parse_quantity("200 mg/m2");
  EXPECT_DOUBLE_EQ(dose.value * conversion_factor(dose.unit, parse_unit("g/m^2")), 0.2);

  const Quantity delay = parse_quantity("30 min");
  EXPECT_DOUBLE_EQ(delay.value * conversion_factor(delay.unit, parse_unit("h")), 0.5);

  const Quantity half_hour = parse_quantity("0.5 h");
  EXPECT_DOUBLE_EQ(half_hour.value * half_hour.unit.scale, 1.0 / 48.0);
  EXPECT_DOUBLE_EQ(parse_quantity("1.8 m^2").value, 1.8);
  EXPECT_DOUBLE_EQ(parse_quantity("-5 mg").value, -5.0);
  EXPECT_DOUBLE_EQ(parse_quantity("2.5 x10^9/L").unit.scale, 1e12);

  const Quantity bare = parse_quantity(" 12 ");
  EXPECT_DOUBLE_EQ(bare.value, 12.0);
  EXPECT_EQ(dimension_name(bare.unit), "dimensionless");
}

TEST(Units, RejectsBadQuantities) {
  EXPECT_TRUE(contains(error_of([] { parse_quantity("nan mg"); }), "not finite"));
  EXPECT_TRUE(contains(error_of([] { parse_quantity("inf"); }), "not finite"));
  EXPECT_TRUE(contains(error_of([] { parse_quantity("-infinity h"); }), "not finite"));
  EXPECT_TRUE(contains(error_of([] { parse_quantity("1e999 mg"); }), "not finite"));
  EXPECT_TRUE(contains(error_of([] { parse_quantity("mg"); }), "expected a number"));
  EXPECT_TRUE(contains(error_of([] { parse_quantity(""); }), "expected a number"));
  const std::string unit = error_of([] { parse_quantity("5 furlong"); });
  EXPECT_TRUE(contains(unit, "in quantity '5 furlong'")) << unit;
  EXPECT_TRUE(contains(unit, "'furlong'")) << unit;
}

}  // namespace
}  // namespace engraft
