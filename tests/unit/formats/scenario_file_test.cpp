#include "engraft/formats/scenario_file.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "engraft/core/error.hpp"
#include "engraft/formats/model_file.hpp"

namespace engraft {
namespace {

std::string default_scenario_text() {
  std::ifstream in(default_scenario_path());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::shared_ptr<const CompiledModel> compile_builtin(const std::string& name) { return CompiledModel::compile(load_model(name)); }

TEST(ScenarioText, ReadsAsTheFileDoes) {
  const TextScenario text = read_scenario_text(default_scenario_text(), "request", compile_builtin);
  const auto model = load_scenario_model(default_scenario_path());
  const Scenario file = read_scenario(default_scenario_path(), *model);
  EXPECT_EQ(text.model->name(), model->name());
  EXPECT_EQ(text.scenario.name, file.name);
  EXPECT_EQ(text.scenario.end_day, file.end_day);
  ASSERT_EQ(text.scenario.regimen.doses.size(), file.regimen.doses.size());
  for (std::size_t i = 0; i < file.regimen.doses.size(); ++i) {
    EXPECT_EQ(text.scenario.regimen.doses[i].route, file.regimen.doses[i].route);
    EXPECT_EQ(text.scenario.regimen.doses[i].amount, file.regimen.doses[i].amount);
    EXPECT_EQ(text.scenario.regimen.doses[i].time_days, file.regimen.doses[i].time_days);
  }
}

TEST(ScenarioText, NamesOnlyBuiltInModelsAndLocatesErrorsInTheText) {
  const auto message = [](const std::string& text) {
    try {
      (void)read_scenario_text(text, "request", compile_builtin);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("[scenario]\nmodel = \"models/autologous_transplant.toml\"\n").find("request:2: scenario.model: expected a built-in model"),
            std::string::npos);
  EXPECT_NE(message("[scenario]\nmodel = \"autologous_transplant\"\n\n[graft]\ncd34 = \"5e6 apples/kg\"\n").find("request:5: graft.cd34"),
            std::string::npos);
  EXPECT_NE(message("[scenario\n").find("request:1: expected valid TOML"), std::string::npos);
}

}  // namespace
}  // namespace engraft
