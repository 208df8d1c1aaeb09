// Scenario files (TOML, docs/scenario-format.md): read_scenario against a compiled built-in
// model (the one the file names when it is built in, else autologous_transplant), then
// EventSchedule::build over the scenario's window.
// Expected: InputError. Anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <typeinfo>

#include "engraft/core/error.hpp"
#include "engraft/formats/model_file.hpp"
#include "engraft/formats/scenario_file.hpp"
#include "engraft/model/compiled_model.hpp"
#include "engraft/solve/event_schedule.hpp"
#include "fuzz_common.hpp"

namespace {

using Models = std::map<std::string, std::shared_ptr<const engraft::CompiledModel>>;

const Models& builtin_models() {
  static const Models models = [] {
    engraft::fuzz::default_models_dir();
    Models m;
    for (const std::string& name : engraft::builtin_model_names())
      m.emplace(name, engraft::CompiledModel::compile(engraft::load_model(name)));
    if (!m.count("autologous_transplant")) engraft::fuzz::finding("setup", "no built-in model autologous_transplant");
    return m;
  }();
  return models;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)builtin_models();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static engraft::fuzz::InputFile file("scenario", ".toml");
  const auto& path = file.write(data, size);
  const Models& models = builtin_models();
  const engraft::CompiledModel* model = models.at("autologous_transplant").get();
  try {
    const auto it = models.find(engraft::scenario_model(path).name_or_path);
    if (it != models.end()) model = it->second.get();
  } catch (const engraft::InputError&) {
  } catch (const std::exception& e) {
    engraft::fuzz::finding("uncaught exception from scenario_model", typeid(e).name() + std::string(": ") + e.what());
  }
  try {
    const engraft::Scenario scenario = engraft::read_scenario(path, *model);
    (void)engraft::EventSchedule::build(*model, scenario.regimen, scenario.end_day);
  } catch (const engraft::InputError&) {
  } catch (const std::exception& e) {
    engraft::fuzz::finding("uncaught exception from read_scenario/EventSchedule::build",
                           typeid(e).name() + std::string(": ") + e.what());
  }
  return 0;
}
