// A patient's blood counts for `engraft fit` (CSV day,observable,value; "<X" below a limit,
// docs/fit-format.md): read_observations with the model and residual errors of fits/example_patient.toml.
// Expected: InputError. Anything else (crash, sanitizer report, other exception, hang) is a finding.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <typeinfo>

#include "engraft/core/error.hpp"
#include "engraft/formats/fit_file.hpp"
#include "fuzz_common.hpp"

namespace {

const engraft::LoadedFit& example_fit() {
  static const engraft::LoadedFit fit = [] {
    engraft::fuzz::default_models_dir();
    return engraft::read_fit(engraft::fuzz::source_dir() / "fits/example_patient.toml");
  }();
  return fit;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)example_fit();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static engraft::fuzz::InputFile file("observations", ".csv");
  const auto& path = file.write(data, size);
  try {
    const engraft::FitProblem& problem = example_fit().problem;
    (void)engraft::read_observations(path, *problem.model(), problem.errors());
  } catch (const engraft::InputError&) {
  } catch (const std::exception& e) {
    engraft::fuzz::finding("uncaught exception from read_observations", typeid(e).name() + std::string(": ") + e.what());
  }
  return 0;
}
