// The event keys of model files (docs/model-format.md, "Events"): read into EventRule, and bad
// values named with file, line and key.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "engraft/formats/model_file.hpp"
#include "support/scratch_dir.hpp"

namespace engraft {
namespace {

std::filesystem::path write_model(const test_support::ScratchDir& dir, const std::string& name, const std::string& events) {
  return dir.write(name + ".toml", R"([model]
name = ")" + name + R"("

[parameters]
k = { value = 0.5, unit = "1/d", source = "test" }
p = { value = 1, unit = "1", source = "test" }

[states.x]
unit = "mg"
initial = "10"

[odes]
x = "-k*x"

)" + events);
}

TEST(ModelFileEvents, ReadsEveryEventKey) {
  const test_support::ScratchDir dir;
  const Model m = read_model_file(write_model(dir, "events_all_keys", R"([[events]]
name = "late"
trigger = "x < 2"
set = { p = "p + 1" }
delay = "1/k"
priority = "2"
persistent = false
initial_value = true
use_values_from_trigger_time = false

[[events]]
trigger = "t > 1"
set = { p = "0" }
)"));
  ASSERT_EQ(m.events.size(), 2u);
  const EventRule& e = m.events[0];
  ASSERT_TRUE(e.delay && e.priority);
  EXPECT_EQ(to_string(*e.delay), "1 / k");
  EXPECT_EQ(to_string(*e.priority), "2");
  EXPECT_FALSE(e.persistent);
  EXPECT_TRUE(e.initial_value);
  EXPECT_FALSE(e.use_values_from_trigger_time);
  // The defaults: SBML's, except initial_value = false (a trigger true at the start fires there).
  const EventRule& plain = m.events[1];
  EXPECT_FALSE(plain.delay || plain.priority);
  EXPECT_TRUE(plain.persistent);
  EXPECT_FALSE(plain.initial_value);
  EXPECT_TRUE(plain.use_values_from_trigger_time);
}

std::string error_of(const std::string& name, const std::string& events) {
  try {
    const test_support::ScratchDir dir;
    read_model_file(write_model(dir, name, events));
  } catch (const InputError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(ModelFileEvents, BadValuesNameFileLineAndKey) {
  const std::string flag = error_of("events_bad_flag", "[[events]]\ntrigger = \"t > 1\"\nset = { p = \"0\" }\npersistent = \"no\"\n");
  EXPECT_NE(flag.find("events_bad_flag.toml:18"), std::string::npos) << flag;
  EXPECT_NE(flag.find("persistent"), std::string::npos) << flag;
  EXPECT_NE(flag.find("true or false"), std::string::npos) << flag;

  const std::string delay = error_of("events_bad_delay", "[[events]]\ntrigger = \"t > 1\"\nset = { p = \"0\" }\ndelay = \"1 +\"\n");
  EXPECT_NE(delay.find("events_bad_delay.toml:18"), std::string::npos) << delay;
  EXPECT_NE(delay.find("delay"), std::string::npos) << delay;

  const std::string typo = error_of("events_bad_key", "[[events]]\ntrigger = \"t > 1\"\nset = { p = \"0\" }\npriorty = \"1\"\n");
  EXPECT_NE(typo.find("priority"), std::string::npos) << typo;  // suggested
}

}  // namespace
}  // namespace engraft
