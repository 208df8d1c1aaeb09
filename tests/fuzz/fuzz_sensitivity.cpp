// Sensitivity files (TOML, docs/sensitivity-format.md): read_sensitivity, which also reads the
// scenario and built-in model the file names. The input lives in sensitivity/ of a scratch
// directory whose scenarios/ is the source tree's, so that "../scenarios/default.toml" resolves as
// in the repository. Running the Sobol' design is not fuzzed (a simulation per evaluation); the
// sensitivity tests cover it.
// Expected: InputError. Anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <string>
#include <typeinfo>

#include "engraft/core/error.hpp"
#include "engraft/formats/sensitivity_file.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)engraft::fuzz::input_beside_scenarios("sensitivity", "sensitivity");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& path = engraft::fuzz::input_beside_scenarios("sensitivity", "sensitivity").write(data, size);
  try {
    (void)engraft::read_sensitivity(path);
  } catch (const engraft::InputError&) {
  } catch (const std::exception& e) {
    engraft::fuzz::finding("uncaught exception from read_sensitivity", typeid(e).name() + std::string(": ") + e.what());
  }
  return 0;
}
