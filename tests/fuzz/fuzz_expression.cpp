// Expressions (infix math in model files and SBML import): parse_expression, then
// to_string and parse again (must not throw and must give the same tree, as
// expression.hpp promises), then differentiate and evaluate.
// Expected: InputError from the first parse only.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <typeinfo>

#include "engraft/core/error.hpp"
#include "engraft/model/expression.hpp"
#include "fuzz_common.hpp"

namespace {

bool same_tree(const engraft::Expression& a, const engraft::Expression& b) {
  if (a.op() != b.op()) return false;
  if (a.op() == engraft::Op::number)
    return a.value() == b.value() || (std::isnan(a.value()) && std::isnan(b.value()));
  if (a.op() == engraft::Op::symbol) return a.name() == b.name();
  if (a.args().size() != b.args().size()) return false;
  for (std::size_t i = 0; i < a.args().size(); ++i)
    if (!same_tree(a.args()[i], b.args()[i])) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  engraft::Expression e;
  try {
    e = engraft::parse_expression(text, engraft::SourceLocation{});
  } catch (const engraft::InputError&) {
    return 0;
  } catch (const std::exception& ex) {
    engraft::fuzz::finding("uncaught exception from parse_expression", typeid(ex).name() + std::string(": ") + ex.what());
  }

  const std::string printed = engraft::to_string(e);
  engraft::Expression reparsed;
  try {
    reparsed = engraft::parse_expression(printed, engraft::SourceLocation{});
  } catch (const std::exception& ex) {
    engraft::fuzz::finding("to_string output does not parse", "input:   " + std::string(text) +
                                                                   "\nprinted: " + printed + "\nerror:   " + ex.what());
  }
  if (!same_tree(e, reparsed))
    engraft::fuzz::finding("to_string output parses to a different tree",
                           "input:     " + std::string(text) + "\nprinted:   " + printed +
                               "\nreprinted: " + engraft::to_string(reparsed));

  try {
    const auto lookup = [](const std::string&) { return 0.5; };
    (void)engraft::evaluate(e, lookup);
    const auto symbols = engraft::symbols_of(e);
    // The derivative's printed tree can be quadratic in the input: keep this to small inputs.
    if (size <= 512) {
      const engraft::Expression d = engraft::differentiate(e, symbols.empty() ? "x" : *symbols.begin());
      (void)engraft::evaluate(d, lookup);
      (void)engraft::to_string(d);
    }
  } catch (const std::exception& ex) {
    engraft::fuzz::finding("exception from evaluate/differentiate", typeid(ex).name() + std::string(": ") + ex.what());
  }
  return 0;
}
