// End to end through the library: trial file -> threads -> per-subject file -> summaries.
#include "engraft/formats/trial_output.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "engraft/formats/trial_file.hpp"
#include "support/scratch_dir.hpp"

namespace engraft {
namespace {

const std::filesystem::path data = ENGRAFT_SOURCE_DIR "/tests/data/trial";

using test_support::ScratchDir;

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Stops the trial after `limit` subjects, as a kill would (what was written stays).
class InterruptingSink : public ResultSink {
 public:
  InterruptingSink(ResultSink& inner, int limit) : inner_(inner), limit_(limit) {}
  void write(const SubjectResult& r) override {
    if (written_++ == limit_) throw std::runtime_error("interrupted");
    inner_.write(r);
  }

 private:
  ResultSink& inner_;
  int limit_, written_ = 0;
};

TrialOutcome run_trial_to(const std::filesystem::path& trial_file, const std::filesystem::path& out, unsigned threads,
                          bool resume = false, std::size_t window = 0) {
  const LoadedTrial trial = read_trial(trial_file);
  SubjectFileSink sink(out, trial, resume);
  run_trial(trial.model, trial.spec, *trial.population, {threads, sink.first_subject(), sink.end_subject(), window}, sink);
  sink.flush();
  return finish_trial_outputs(out, trial);
}

TEST(TrialOutputs, IdenticalForAnyThreadCount) {
  ScratchDir one, two, three;
  run_trial_to(data / "sampled.toml", one.path(), 1);
  run_trial_to(data / "sampled.toml", two.path(), 2);
  run_trial_to(data / "sampled.toml", three.path(), 3, false, 1);   // a reorder window of one subject
  const std::string subjects = read_text(one.path() / "subjects.csv");
  EXPECT_EQ(std::count(subjects.begin(), subjects.end(), '\n'), 81);  // header + 2 arms x 40 patients
  EXPECT_EQ(subjects, read_text(two.path() / "subjects.csv"));
  EXPECT_EQ(subjects, read_text(three.path() / "subjects.csv"));
  EXPECT_EQ(read_text(one.path() / "summary.json"), read_text(two.path() / "summary.json"));
  EXPECT_EQ(read_text(one.path() / "summary.txt"), read_text(three.path() / "summary.txt"));
  EXPECT_TRUE(std::filesystem::exists(one.path() / "trajectories" / "arm1_patient1.csv"));
  EXPECT_FALSE(std::filesystem::exists(one.path() / "trajectories" / "arm1_patient2.csv"));
  EXPECT_FALSE(std::filesystem::exists(one.path() / "subjects.csv.partial"));
}

TEST(TrialOutputs, SummariesMatchTheModelsAnalyticCrossing) {
  ScratchDir out;
  const TrialOutcome outcome = run_trial_to(data / "sampled.toml", out.path(), 2);
  // Endpoint 1 is anc_0_5_crossing_day = ln((A0 - 0.01)/(A0 - 0.5))/k; the faster arm (k = 0.03
  // typical instead of 0.02) crosses at 2/3 of the time of the same patients in the slow arm.
  const EndpointSummary& crossing = outcome.endpoints[1];
  ASSERT_TRUE(crossing.arms[0].values && crossing.arms[1].values);
  EXPECT_NEAR(crossing.arms[1].values->median / crossing.arms[0].values->median, 2.0 / 3.0, 1e-6);
  EXPECT_LT(crossing.differences[1]->estimate, 0.0);
  EXPECT_EQ(crossing.arms[0].subjects, 40u);
}

TEST(TrialOutputs, ProportionAtAThresholdCountsTheSubjectsFile) {
  ScratchDir out;
  const TrialOutcome outcome = run_trial_to(data / "sampled.toml", out.path(), 2);
  // Summaries: the endpoints in file order, each followed by its proportions.
  const EndpointSummary& by_day_6 = outcome.endpoints.at(2);
  EXPECT_EQ(by_day_6.name, "anc_0_5_crossing_day_at_most_6");
  EXPECT_TRUE(by_day_6.yes_no);
  std::ifstream in(out.path() / "subjects.csv");
  std::string line;
  std::getline(in, line);   // header: ...,neutrophil_engraftment_day,anc_0_5_crossing_day,...
  std::uint64_t slow_by_day_6 = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    for (std::size_t start = 0, comma = 0; comma != std::string::npos; start = comma + 1)
      cells.push_back(line.substr(start, (comma = line.find(',', start)) - start));
    if (cells[1] == "slow" && std::stod(cells[9]) <= 6.0) ++slow_by_day_6;
  }
  EXPECT_EQ(by_day_6.arms[0].count, slow_by_day_6);
  EXPECT_EQ(by_day_6.arms[0].subjects, 40u);
  const Interval expected = wilson_interval(slow_by_day_6, 40);
  EXPECT_EQ(by_day_6.arms[0].proportion_interval.lower, expected.lower);
}

TEST(TrialOutputs, ResumeAfterAKillGivesTheSameFiles) {
  ScratchDir whole, resumed;
  run_trial_to(data / "sampled.toml", whole.path(), 2);
  {
    const LoadedTrial trial = read_trial(data / "sampled.toml");
    SubjectFileSink sink(resumed.path(), trial, false);
    InterruptingSink interrupting(sink, 37);
    EXPECT_THROW(run_trial(trial.model, trial.spec, *trial.population, {2, 0, 0, 0}, interrupting), std::runtime_error);
  }
  // A torn last line, as when the process dies in the middle of a write.
  std::ofstream(resumed.path() / "subjects.csv.partial", std::ios::app) << "37,\"slow\",37,o";
  {
    const LoadedTrial trial = read_trial(data / "sampled.toml");
    const SubjectFileSink probe(resumed.path(), trial, true);
    EXPECT_EQ(probe.first_subject(), 37u);   // continues after the 37 complete rows
  }
  run_trial_to(data / "sampled.toml", resumed.path(), 1, true);
  EXPECT_EQ(read_text(whole.path() / "subjects.csv"), read_text(resumed.path() / "subjects.csv"));
  EXPECT_EQ(read_text(whole.path() / "summary.json"), read_text(resumed.path() / "summary.json"));
}

TEST(TrialOutputs, ProcessesWritingPartsMergeToTheSameFile) {
  ScratchDir whole, parts;
  run_trial_to(data / "sampled.toml", whole.path(), 2);
  const LoadedTrial trial = read_trial(data / "sampled.toml");
  constexpr unsigned ranks = 3;   // 80 subjects: blocks of 27, 27 and 26
  for (unsigned rank = 0; rank < ranks; ++rank) {
    SubjectFileSink sink(parts.path(), trial, false, {rank, ranks});
    run_trial(trial.model, trial.spec, *trial.population, {1, sink.first_subject(), sink.end_subject()}, sink);
  }
  merge_subject_file_parts(parts.path(), trial, ranks);
  finish_trial_outputs(parts.path(), trial);
  EXPECT_EQ(read_text(whole.path() / "subjects.csv"), read_text(parts.path() / "subjects.csv"));
  EXPECT_EQ(read_text(whole.path() / "summary.json"), read_text(parts.path() / "summary.json"));
}

TEST(TrialOutputs, RankBlocksCoverEverySubjectOnce) {
  for (unsigned ranks : {1u, 2u, 3u, 7u})
    for (std::uint64_t subjects : {0u, 1u, 5u, 80u, 1001u}) {
      std::uint64_t expected_begin = 0;
      for (unsigned rank = 0; rank < ranks; ++rank) {
        const SubjectBlock b = block_of_rank(subjects, rank, ranks);
        EXPECT_EQ(b.begin, expected_begin);
        EXPECT_LE(b.end - b.begin, subjects / ranks + 1);
        expected_begin = b.end;
      }
      EXPECT_EQ(expected_begin, subjects);
    }
}

TEST(TrialOutputs, ResumeRefusesAFolderOfAnotherTrial) {
  ScratchDir out;
  {
    const LoadedTrial trial = read_trial(data / "sampled.toml");
    SubjectFileSink sink(out.path(), trial, false);
  }
  const LoadedTrial other = read_trial(data / "table.toml");
  EXPECT_THROW(SubjectFileSink(out.path(), other, true), InputError);
}

TEST(TrialOutputs, AFailingSubjectIsReportedAndTheTrialGoesOn) {
  ScratchDir out;
  const TrialOutcome outcome = run_trial_to(data / "table.toml", out.path(), 2);
  EXPECT_EQ(outcome.failed_per_arm.at(0), 1u);
  EXPECT_EQ(outcome.endpoints[0].arms[0].subjects, 3u);
  const auto summary = nlohmann::json::parse(read_text(out.path() / "summary.json"));
  ASSERT_EQ(summary["failed_subjects"].size(), 1u);
  EXPECT_EQ(summary["failed_subjects"][0]["patient"], 2);
  EXPECT_EQ(summary["failed_subjects"][0]["status"], "too_much_work");
  EXPECT_FALSE(summary["failed_subjects"][0]["reason"].get<std::string>().empty());
  const std::string subjects = read_text(out.path() / "subjects.csv");
  EXPECT_NE(subjects.find("\n3,"), std::string::npos);   // the patient after the failure was simulated
}

}  // namespace
}  // namespace engraft
