#include "engraft/trial/trial.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

#include "engraft/formats/scenario_file.hpp"

namespace engraft {
namespace {

const std::filesystem::path scenario_file = ENGRAFT_SOURCE_DIR "/tests/data/trial/scenario.toml";

struct Fixture {
  std::shared_ptr<const CompiledModel> model = load_scenario_model(scenario_file);
  TrialSpec spec;
  std::unique_ptr<Population> population;
  Fixture() {
    const Scenario s = read_scenario(scenario_file, *model);
    spec.seed = 3;
    spec.patients = 30;
    spec.arms = {{"a", s}, {"b", s}};
    spec.endpoints = {find_endpoint_column("anc_0_5_crossing_day")};
    ParameterVariability k;
    k.parameter = "k";
    k.sd = 0.3;
    spec.population.parameters = {k};
    population = std::make_unique<Population>(spec.population, *model, spec.seed);
  }
};

class Recording : public ResultSink {
 public:
  void write(const SubjectResult& r) override {
    indices.push_back(r.index);
    days.push_back(*r.endpoints[0]);
  }
  std::vector<std::uint64_t> indices;
  std::vector<double> days;
};

TEST(RunTrial, DeliversEverySubjectOnceInOrderWhateverTheThreadsAndWindow) {
  Fixture f;
  Recording serial, parallel;
  run_trial(f.model, f.spec, *f.population, {1, 0, 0, 0}, serial);
  run_trial(f.model, f.spec, *f.population, {4, 0, 0, 1}, parallel);   // 4 threads, window of 1
  ASSERT_EQ(serial.indices.size(), 60u);
  for (std::uint64_t i = 0; i < 60; ++i) EXPECT_EQ(parallel.indices[i], i);
  EXPECT_EQ(serial.days, parallel.days);   // bit-identical
  // The same patient in both arms (no arm differences here): the same value.
  for (std::size_t p = 0; p < 30; ++p) EXPECT_EQ(serial.days[p], serial.days[30 + p]);
}

TEST(RunTrial, RunsOnlyTheRequestedBlock) {
  Fixture f;
  Recording block;
  run_trial(f.model, f.spec, *f.population, {2, 25, 40, 0}, block);
  ASSERT_EQ(block.indices.size(), 15u);
  EXPECT_EQ(block.indices.front(), 25u);
  EXPECT_EQ(block.indices.back(), 39u);
}

class Failing : public ResultSink {
 public:
  void write(const SubjectResult& r) override {
    if (r.index == 10) throw std::runtime_error("disk full");
    ++written;
  }
  int written = 0;
};

TEST(RunTrial, AnErrorOfTheSinkStopsTheTrialAndIsRethrown) {
  Fixture f;
  Failing sink;
  EXPECT_THROW(run_trial(f.model, f.spec, *f.population, {2, 0, 0, 4}, sink), std::runtime_error);
  EXPECT_EQ(sink.written, 10);
}

}  // namespace
}  // namespace engraft
