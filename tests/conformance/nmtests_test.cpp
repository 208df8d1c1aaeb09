// engraft records against NONMEM on the 24 dosing scenarios of ../shared/nmtests:
// bolus, infusion, ADDL/II, lag time, bioavailability, modelled rate and duration,
// steady state (SS=1), resets (EVID 3, 4). The bar (nmtests README): within 1e-4
// relative, or 1e-6 absolute near zero, at every record.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "engraft/formats/model_file.hpp"
#include "engraft/formats/nonmem.hpp"

namespace engraft {
namespace {

constexpr double relative_tolerance = 1e-4;
constexpr double absolute_tolerance = 1e-6;

std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream s(line);
    std::string cell;
    while (std::getline(s, cell, ',')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

TEST(NmTests, MatchesNonmemAtEveryRecord) {
  const std::filesystem::path shared = ENGRAFT_SHARED_DIR "/nmtests";
  if (!std::filesystem::exists(shared / "input-events.csv")) GTEST_SKIP() << "../shared/nmtests is absent";
  const auto model = CompiledModel::compile(read_model_file(ENGRAFT_SOURCE_DIR "/tests/data/nmtests/onecmt_oral.toml"));
  const RecordSet records = read_nonmem_data(shared / "input-events.csv", *model, RecordOptions{});
  std::ostringstream out, failures;
  SolverOptions solver;
  solver.rtol = 1e-10;
  solver.atol = 1e-12;
  ASSERT_EQ(simulate_records(model, records, 0, solver, out, failures), 0) << failures.str();

  std::istringstream ours_text(out.str());
  std::string line;
  std::getline(ours_text, line);
  const auto reference = read_csv(shared / "nonmem-output.csv");
  std::map<std::string, int> mismatches;
  std::size_t row = 0;
  while (std::getline(ours_text, line)) {
    ASSERT_LT(row, reference.size());
    std::stringstream s(line);
    std::string id, time, value;
    std::getline(s, id, ',');
    std::getline(s, time, ',');
    std::getline(s, value, ',');
    const double ours = std::stod(value), theirs = std::stod(reference[row][2]);
    EXPECT_EQ(id, reference[row][0]) << "row " << row;
    // NONMEM printed 5 significant digits (rounding up to 5e-5 relative), inside the 1e-4 bar.
    const double tolerance = absolute_tolerance + relative_tolerance * std::abs(theirs);
    if (std::abs(ours - theirs) > tolerance) {
      if (mismatches[id]++ < 3)
        ADD_FAILURE() << "ID " << id << " TIME " << time << ": engraft " << ours << ", NONMEM " << theirs;
    }
    ++row;
  }
  EXPECT_EQ(row, reference.size());
  for (const auto& [id, count] : mismatches) ADD_FAILURE() << "ID " << id << ": " << count << " records differ";
}

}  // namespace
}  // namespace engraft
