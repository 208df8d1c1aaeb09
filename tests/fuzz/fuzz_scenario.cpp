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
#include <string_view>
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

// The model a scenario names (`model = "NAME"` on a line of its own), found by a plain scan rather
// than a second TOML parse (which would halve the executions per second).
std::string named_model(std::string_view text) {
  for (std::size_t at = text.find("model"); at != std::string_view::npos; at = text.find("model", at + 5)) {
    if (at > 0 && text[at - 1] != '\n' && text[at - 1] != ' ') continue;
    std::size_t i = text.find_first_not_of(" \t", at + 5);
    if (i == std::string_view::npos || text[i] != '=') continue;
    i = text.find_first_not_of(" \t", i + 1);
    if (i == std::string_view::npos || text[i] != '"') continue;
    const std::size_t end = text.find('"', i + 1);
    if (end != std::string_view::npos) return std::string(text.substr(i + 1, end - i - 1));
  }
  return {};
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
  const auto it = models.find(named_model(std::string_view(reinterpret_cast<const char*>(data), size)));
  if (it != models.end()) model = it->second.get();
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
