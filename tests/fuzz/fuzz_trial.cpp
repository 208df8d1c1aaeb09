// Trial files (TOML, docs/trial-format.md): read_trial, which also reads the scenario, the
// built-in model and an individual-parameter table the file names, and checks the population
// against the model. The input lives in trials/ of a scratch directory whose scenarios/ is the
// source tree's, so that `scenario = "../scenarios/default.toml"` resolves as in the repository.
// Running the trial is not fuzzed here (a simulation per subject would cut the executions per
// second a thousandfold); the trial tests cover it.
// Expected: InputError. Anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <string>
#include <typeinfo>

#include "engraft/core/error.hpp"
#include "engraft/formats/trial_file.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)engraft::fuzz::input_beside_scenarios("trial", "trials");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& path = engraft::fuzz::input_beside_scenarios("trial", "trials").write(data, size);
  try {
    (void)engraft::read_trial(path);
  } catch (const engraft::InputError&) {
  } catch (const std::exception& e) {
    engraft::fuzz::finding("uncaught exception from read_trial", typeid(e).name() + std::string(": ") + e.what());
  }
  return 0;
}
