// Step 1: one patient from C++. Reads a scenario file, runs it and prints when
// neutrophils and platelets come back, as `engraft run` does, through the public API.
#include <cstdio>
#include <filesystem>

#include <engraft/engraft.hpp>

int main(int argc, char** argv) {
  const std::filesystem::path file = argc > 1 ? argv[1] : engraft::default_scenario_path();
  try {
    const auto model = engraft::load_scenario_model(file);          // model file -> compiled bytecode
    const engraft::Scenario scenario = engraft::read_scenario(file, *model);
    const engraft::RunResult result = engraft::run(model, scenario);  // solve + ASTCT endpoints
    if (!result.solve.ok()) {
      std::printf("solve failed: %s\n", result.solve.message.c_str());
      return 1;
    }
    const auto& e = result.endpoints;
    std::printf("%s\n", scenario.name.c_str());
    if (e.anc_0_5_crossing_day) std::printf("ANC >= 0.5 from day %.2f (continuous)\n", *e.anc_0_5_crossing_day);
    if (e.neutrophil_engraftment_day) std::printf("neutrophil engraftment: day %.0f (ASTCT)\n", *e.neutrophil_engraftment_day);
    if (e.platelet_engraftment_day) std::printf("platelet engraftment: day %.0f (ASTCT)\n", *e.platelet_engraftment_day);
    return 0;
  } catch (const engraft::InputError& e) {
    std::printf("bad input: %s\n", e.what());
    return 2;
  }
}
