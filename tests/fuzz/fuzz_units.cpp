// Units and quantities (doses, rates, counts in scenario and model files): parse_quantity,
// parse_unit, and the conversions between what they return.
// Input: "QUANTITY\nUNIT" (no newline: the whole input is tried as both).
// Expected: std::invalid_argument. Anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>

#include "engraft/core/units.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  const std::string_view first = input.substr(0, newline);
  const std::string_view second = newline == std::string_view::npos ? input : input.substr(newline + 1);
  try {
    engraft::Unit from, to;
    bool have_from = false, have_to = false;
    try {
      const engraft::Quantity q = engraft::parse_quantity(first);
      from = q.unit;
      have_from = true;
    } catch (const std::invalid_argument&) {
    }
    try {
      to = engraft::parse_unit(second);
      have_to = true;
      (void)engraft::dimension_name(to);
      (void)engraft::conversion_factor(to, to);
    } catch (const std::invalid_argument&) {
    }
    if (have_from && have_to) {
      (void)engraft::dimension_name(from);
      (void)engraft::same_dimension(from, to);
      try {
        (void)engraft::conversion_factor(from, to);
      } catch (const std::invalid_argument&) {
      }
    }
  } catch (const std::exception& e) {
    engraft::fuzz::finding("unexpected exception from the unit parser", typeid(e).name() + std::string(": ") + e.what());
  }
  return 0;
}
