#include "engraft/formats/fit_file.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "engraft/formats/model_file.hpp"
#include "support/scratch_dir.hpp"

namespace engraft {
namespace {

class Observations : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& text) { return dir_.write("observations.csv", text); }
  test_support::ScratchDir dir_;
  std::shared_ptr<const CompiledModel> model_ =
      CompiledModel::compile(read_model_file(ENGRAFT_SOURCE_DIR "/tests/data/fit/growth.toml"));
  std::vector<ResidualError> errors_ = {{0, 0.2, 0.1, "test"}};
};

TEST_F(Observations, CensoredValuesAndAnyColumnOrder) {
  const auto file = write("# simulated\nvalue,day,observable\n0.5,1,ANC\n<0.2,2,ANC\n\n0.05,3,ANC\n");
  const auto obs = read_observations(file, *model_, errors_);
  ASSERT_EQ(obs.size(), 3u);
  EXPECT_EQ(obs[0].t_days, 1.0);
  EXPECT_FALSE(obs[0].censored);
  EXPECT_TRUE(obs[1].censored);
  EXPECT_EQ(obs[1].value, 0.2);
  EXPECT_TRUE(obs[2].censored);   // 0.05 is below the lloq 0.1: reported as <0.1
  EXPECT_EQ(obs[2].value, 0.1);
  EXPECT_EQ(obs[2].where.line, 6);

  std::ostringstream out;
  write_observations(obs, *model_, out);
  EXPECT_EQ(out.str(), "day,observable,value\n1,ANC,0.5\n2,ANC,<0.2\n3,ANC,<0.1\n");
}

TEST_F(Observations, BadRowsNameFileLineAndColumn) {
  const auto expect_error = [&](const std::string& text, const std::string& message) {
    try {
      read_observations(write(text), *model_, errors_);
      ADD_FAILURE() << "no error for: " << text;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  };
  expect_error("day,observable,value\n1,ANC,abc\n", ":2: column 3 (value): expected a positive number");
  expect_error("day,observable,value\n1,ANC,0.5\nx,ANC,1\n", ":3: column 1 (day): expected a day");
  expect_error("day,observable,value\n1,PLT,0.5\n", ":2: column 2 (observable)");
  expect_error("day,observable\n1,ANC\n", ":1: header: expected the columns day, observable and value");
  expect_error("day,observable,value\n1,ANC\n", ":2: expected 3 fields");
  expect_error("day,observable,value\n", "expected at least one observation");
}

}  // namespace
}  // namespace engraft
