#include "engraft/formats/sensitivity_file.hpp"

#include <gtest/gtest.h>

#include "support/scratch_dir.hpp"

namespace engraft {
namespace {

const std::filesystem::path source_dir = ENGRAFT_SOURCE_DIR;

/// A sensitivity file in a fresh folder; the default scenario unless the text names one.
class SensitivityFile {
 public:
  explicit SensitivityFile(const std::string& text) : path_(dir_.write("s.toml", text)) {}
  const std::filesystem::path& path() const { return path_; }

 private:
  test_support::ScratchDir dir_;
  std::filesystem::path path_;
};

const std::string head = "[sensitivity]\nseed = 1\nsamples = 8\n";

/// The message of the InputError that reading `text` throws ("" if none).
std::string error_of(const std::string& text) {
  const SensitivityFile file(text);
  try {
    read_sensitivity(file.path());
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(SensitivityFile, ReadsTheChallengesExample) {
  const LoadedSensitivity s = read_sensitivity(source_dir / "sensitivity/challenges.toml");
  EXPECT_EQ(s.model->name(), "autologous_transplant");
  EXPECT_EQ(s.spec.sobol.base_samples, 512u);
  EXPECT_EQ(s.spec.sobol.bootstrap_replicates, 1000);
  ASSERT_EQ(s.spec.factors.size(), 6u);
  const SensitivityFactor& dose = s.spec.factors.back();   // [parameters] come first, then [doses]
  EXPECT_EQ(dose.target, FactorTarget::dose);
  EXPECT_EQ(dose.label(), "dose.graft");
  EXPECT_EQ(dose.scale, FactorScale::log_uniform);
  EXPECT_EQ(dose.lower, 2e6);
  EXPECT_EQ(dose.upper, 10e6);
  EXPECT_FALSE(dose.source.empty());
  ASSERT_EQ(s.spec.endpoints.size(), 3u);
  // end_of_run: the default scenario ends on day 60 and grafts on day 0.
  for (const std::optional<double>& v : s.spec.not_reached) EXPECT_EQ(v, 60.0);
}

TEST(SensitivityFile, ConvertsRangesToTheParametersUnitAndDropsByDefault) {
  const LoadedSensitivity s = read_sensitivity(
      SensitivityFile(head + "endpoints = [\"anc_nadir\"]\n[parameters.CL_mel]\nlower = \"0.4 L/min\"\nupper = 40\nsource = \"x\"\n")
          .path());
  ASSERT_EQ(s.spec.factors.size(), 1u);
  EXPECT_DOUBLE_EQ(s.spec.factors[0].lower, 24.0);   // L/h, the model's unit
  EXPECT_EQ(s.spec.factors[0].unit, "L/h");
  EXPECT_EQ(s.spec.factors[0].scale, FactorScale::uniform);
  EXPECT_EQ(s.spec.not_reached, std::vector<std::optional<double>>{std::nullopt});
}

TEST(SensitivityFile, ErrorsNameTheFileLineAndKey) {
  // A misspelt key: its line (7) and a suggestion.
  const std::string misspelt = error_of(head + "[parameters.viability]\nlower = 0.7\nupper = 0.9\nsourse = \"x\"\n");
  EXPECT_NE(misspelt.find("s.toml:7: parameters.viability.sourse"), std::string::npos) << misspelt;
  EXPECT_NE(misspelt.find("source"), std::string::npos) << misspelt;

  EXPECT_NE(error_of(head + "[parameters.viability]\nlower = 0.7\nupper = 0.9\n").find("parameters.viability.source"),
            std::string::npos);
  EXPECT_NE(error_of(head + "[parameters.f_gmp]\ndistribution = \"loguniform\"\nlower = 0\nupper = 0.2\nsource = \"x\"\n")
                .find("expected lower > 0 for a loguniform range, got 0"),
            std::string::npos);
  EXPECT_NE(error_of(head + "[parameters.viability]\nlower = 0.9\nupper = 0.7\nsource = \"x\"\n").find("expected upper > lower"),
            std::string::npos);
  EXPECT_NE(error_of(head + "[parameters.no_such]\nlower = 0\nupper = 1\nsource = \"x\"\n").find("no_such"), std::string::npos);
  EXPECT_NE(error_of(head + "[doses.platelet_transfusion]\nlower = 1\nupper = 2\nsource = \"x\"\n")
                .find("a route the scenario doses"),
            std::string::npos);
  EXPECT_NE(error_of(head).find("1 to 16 factors"), std::string::npos);
  EXPECT_NE(error_of(head + "endpoints = [\"anc_nadir\"]\nnot_reached = \"end_of_run\"\n"
                            "[parameters.viability]\nlower = 0.7\nupper = 0.9\nsource = \"x\"\n")
                .find("endpoints in days only with end_of_run"),
            std::string::npos);
  EXPECT_NE(error_of("[sensitivity]\nseed = 1\nsamples = 1\n").find("sensitivity.samples: expected an integer from 2 to"),
            std::string::npos);
}

}  // namespace
}  // namespace engraft
