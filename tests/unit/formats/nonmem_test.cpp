// Analytic checks of NONMEM-record constructs that ../shared/nmtests does not exercise:
// EVID 2, SS = 2 and RATE = -1, on the one-compartment model (IV doses into the central
// compartment, k = CL/V = 0.055 1/h, CP = A2 * 1000 / V).
#include "engraft/formats/nonmem.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "engraft/formats/model_file.hpp"
#include "support/scratch_dir.hpp"

namespace engraft {
namespace {

// The solver runs at rtol 1e-10; 1e-7 relative leaves room for the accumulated global error.
constexpr double relative_tolerance = 1e-7;
constexpr double k = 1.1 / 20.0;  // 1/h
constexpr double cp_per_mg = 1000.0 / 20.0;

struct Predictions {
  std::vector<double> cp;
  std::string failures;
};

Predictions simulate(const std::string& csv) {
  const auto model = CompiledModel::compile(read_model_file(ENGRAFT_SOURCE_DIR "/tests/data/nmtests/onecmt_oral.toml"));
  const test_support::ScratchDir dir;
  const RecordSet records = read_nonmem_data(dir.write("data.csv", csv), *model, RecordOptions{});
  std::ostringstream out, failures;
  SolverOptions options;
  options.rtol = 1e-10;
  options.atol = 1e-12;
  simulate_records(model, records, 0, options, out, failures);
  Predictions p{{}, failures.str()};
  std::istringstream lines(out.str());
  std::string line;
  std::getline(lines, line);
  while (std::getline(lines, line)) {  // a failed subject's predictions are empty
    const std::string value = line.substr(line.rfind(',') + 1);
    p.cp.push_back(value.empty() ? std::nan("") : std::stod(value));
  }
  return p;
}

TEST(NonmemRecords, ModelledRateAndEvid2) {
  // 100 mg at the route's modelled rate RAT2 = 10 mg/h (RATE = -1): a 10 h infusion.
  const Predictions p = simulate(
      "ID,TIME,EVID,AMT,CMT,RATE,RAT2\n"
      "1,0,1,100,2,-1,10\n"
      "1,5,2,0,2,0,10\n"    // EVID 2: output only
      "1,10,0,0,2,0,10\n"
      "1,15,0,0,2,0,10\n");
  ASSERT_TRUE(p.failures.empty()) << p.failures;
  const auto during = [](double t) { return 10.0 / k * (1.0 - std::exp(-k * t)); };
  const double expected[] = {0.0, during(5), during(10), during(10) * std::exp(-k * 5)};
  ASSERT_EQ(p.cp.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i)
    EXPECT_NEAR(p.cp[i], expected[i] * cp_per_mg, relative_tolerance * std::max(1.0, expected[i] * cp_per_mg)) << i;
}

TEST(NonmemRecords, SteadyStateTwoAddsToWhatIsThere) {
  // 50 mg at 0; at 12 h a steady-state dose of 100 mg every 12 h is added (SS = 2).
  const Predictions p = simulate(
      "ID,TIME,EVID,AMT,CMT,II,SS\n"
      "1,0,1,50,2,0,0\n"
      "1,12,1,100,2,12,2\n"
      "1,18,0,0,2,0,0\n");
  ASSERT_TRUE(p.failures.empty()) << p.failures;
  const double decay = std::exp(-k * 12);
  const double after = 50 * decay + 100.0 / (1.0 - decay);  // trough 100 e/(1-e) plus the dose
  const double expected[] = {50.0, after, after * std::exp(-k * 6)};
  ASSERT_EQ(p.cp.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_NEAR(p.cp[i], expected[i] * cp_per_mg, relative_tolerance * expected[i] * cp_per_mg) << i;
}

TEST(NonmemRecords, SteadyStateOneReplacesTheState) {
  const Predictions p = simulate(
      "ID,TIME,EVID,AMT,CMT,II,SS\n"
      "1,0,1,50,2,0,0\n"
      "1,12,1,100,2,12,1\n");
  ASSERT_TRUE(p.failures.empty()) << p.failures;
  const double decay = std::exp(-k * 12);
  EXPECT_NEAR(p.cp[1], 100.0 / (1.0 - decay) * cp_per_mg, relative_tolerance * 200 * cp_per_mg);
}

TEST(NonmemRecords, SteadyStateWithLongIntervalIsTheSingleDose) {
  // A 5 h infusion every 1000 h: each dose washes out (k * 1000 h = 55) before the next, so the
  // steady state 10 h after a dose is that of one dose (fuzz finding F11 failed this).
  const Predictions p = simulate(
      "ID,TIME,EVID,AMT,CMT,RATE,SS,II\n"
      "1,0,1,100,2,20,1,1000\n"
      "1,10,0,0,2,0,0,0\n");
  ASSERT_TRUE(p.failures.empty()) << p.failures;
  const double end_of_infusion = 20.0 / k * (1.0 - std::exp(-k * 5));
  const double expected = end_of_infusion * std::exp(-k * 5) * cp_per_mg;
  ASSERT_EQ(p.cp.size(), 2u);
  EXPECT_NEAR(p.cp[1], expected, relative_tolerance * expected);
}

TEST(NonmemRecords, SteadyStateSearchIsBoundedAndReported) {
  // II = 4e27 h (fuzz finding F11) used to run for minutes; the search now stops at the step
  // limit and the subject is reported as failed, with the reason.
  const Predictions p = simulate(
      "ID,TIME,EVID,AMT,CMT,RATE,SS,II\n"
      "1,0,1,100,2,20,1,4e27\n");
  EXPECT_NE(p.failures.find("steady state: more than"), std::string::npos) << p.failures;
}

TEST(NonmemRecords, BadInputNamesLineAndColumn) {
  const auto model = CompiledModel::compile(read_model_file(ENGRAFT_SOURCE_DIR "/tests/data/nmtests/onecmt_oral.toml"));
  const test_support::ScratchDir dir;
  const auto expect_error = [&](const std::string& csv, const std::string& fragment) {
    try {
      read_nonmem_data(dir.write("bad.csv", csv), *model, RecordOptions{});
      ADD_FAILURE() << "no error for: " << csv;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  expect_error("ID,TIME,AMT,CMT\n1,0,abc,2\n", ":2: AMT: expected a finite number");
  expect_error("ID,TIME,AMT,CMT\n1,5,0,2\n1,1,0,2\n", ":3: TIME: expected times in increasing order");
  expect_error("ID,TIME,AMT,CMT\n1,0,10,7\n", ":2: CMT: expected a compartment");
  expect_error("ID,TIME,EVID,AMT,CMT\n1,0,9,10,2\n", ":2: EVID: expected 0, 1, 2, 3 or 4");
  expect_error("ID,AMT\n1,0\n", "expected a column time");
}

}  // namespace
}  // namespace engraft
