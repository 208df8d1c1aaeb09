// Model files (TOML, docs/model-format.md): read_model_file, then CompiledModel::compile.
// Expected: InputError. Anything else (crash, sanitizer report, other exception, hang) is a finding.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <typeinfo>
#include <vector>

#include "engraft/core/error.hpp"
#include "engraft/formats/model_file.hpp"
#include "engraft/model/compiled_model.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static engraft::fuzz::InputFile file("model", ".toml");
  const auto& path = file.write(data, size);
  try {
    const engraft::Model model = engraft::read_model_file(path);
    const auto compiled = engraft::CompiledModel::compile(model);
    // Exercise what a run does first with a compiled model: parameters, initial state, one RHS.
    auto workspace = compiled->make_workspace();
    const auto parameters = compiled->default_parameters();
    compiled->load_parameters(parameters, workspace);
    std::vector<double> y(compiled->n_states()), ydot(compiled->n_states()), obs(compiled->n_observables()),
        g(compiled->n_roots());
    compiled->initial_state(0.0, y, workspace);
    compiled->rhs(0.0, y.data(), ydot.data(), workspace);
    compiled->observe(0.0, y.data(), obs.data(), workspace);
    compiled->roots(0.0, y.data(), g.data(), workspace);
  } catch (const engraft::InputError&) {
  } catch (const std::exception& e) {
    engraft::fuzz::finding("uncaught exception from read_model_file/compile", typeid(e).name() + std::string(": ") + e.what());
  }
  return 0;
}
