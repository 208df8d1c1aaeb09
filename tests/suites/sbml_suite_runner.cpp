// Runs every case of the SBML semantic test suite in-process (one import and one solve per
// case, from its highest Level/Version file), compares with NNNNN-results.csv by the suite's
// rule |C - U| <= absolute + relative |C|, and prints pass, fail and refused counts overall and
// by tag. Exit codes: 0 at least the recorded pass count, 1 fewer passes, 2 bad usage,
// 77 the suite is absent (skipped).
//
//   sbml_suite_runner CASES_DIR [--pass-count FILE] [--record] [--only ID,ID,...] [--verbose]
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "engraft/formats/sbml.hpp"

namespace fs = std::filesystem;
using namespace engraft;

namespace {

struct Tally {
  int pass = 0, fail = 0, refused = 0;
  int total() const { return pass + fail + refused; }
};

struct CaseInfo {
  std::vector<std::string> tags;
  std::string test_type;
};

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return {};
  return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

CaseInfo read_case_info(const fs::path& model_m) {
  CaseInfo info;
  std::ifstream in(model_m);
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = trim(line.substr(0, colon));
    const std::string value = trim(line.substr(colon + 1));
    if (key == "componentTags" || key == "testTags") {
      std::istringstream list(value);
      std::string tag;
      while (std::getline(list, tag, ','))
        if (!trim(tag).empty()) info.tags.push_back(trim(tag));
    } else if (key == "testType") {
      info.test_type = value;
    }
  }
  return info;
}

int usage() {
  std::cerr << "usage: sbml_suite_runner CASES_DIR [--pass-count FILE] [--record] [--only ID,ID,...] [--verbose]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const fs::path cases_dir = argv[1];
  fs::path pass_count_file;
  bool record = false, verbose = false;
  std::set<std::string> only;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--pass-count" && i + 1 < argc) {
      pass_count_file = argv[++i];
    } else if (a == "--record") {
      record = true;
    } else if (a == "--verbose") {
      verbose = true;
    } else if (a == "--only" && i + 1 < argc) {
      std::istringstream list(argv[++i]);
      std::string id;
      while (std::getline(list, id, ',')) {
        while (id.size() < 5) id = "0" + id;
        only.insert(id);
      }
    } else {
      return usage();
    }
  }
  if (!fs::is_directory(cases_dir)) {
    std::cout << "SKIPPED: ../shared/sbml-test-suite absent (" << cases_dir.string() << ")\n";
    return 77;
  }

  std::vector<std::string> ids;
  for (const auto& entry : fs::directory_iterator(cases_dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && name.size() == 5 && std::all_of(name.begin(), name.end(), ::isdigit) &&
        (only.empty() || only.count(name)))
      ids.push_back(name);
  }
  std::sort(ids.begin(), ids.end());

  Tally overall;
  std::map<std::string, Tally> by_tag;
  std::map<std::string, std::vector<std::string>> refusals;  // construct -> cases
  std::vector<std::string> failures;
  std::vector<std::pair<double, std::string>> slowest;
  const auto start = std::chrono::steady_clock::now();

  for (const std::string& id : ids) {
    const fs::path dir = cases_dir / id;
    const CaseInfo info = read_case_info(dir / (id + "-model.m"));
    const auto t0 = std::chrono::steady_clock::now();
    enum { pass, fail, refused } outcome = fail;
    std::string detail, construct;
    const fs::path file = sbml_preferred_case_file(cases_dir, id);
    const bool flux_balance = info.test_type == "FluxBalanceSteadyState";
    if (file.empty()) {
      outcome = refused, construct = "no Level 2 or 3 file", detail = "no l2/l3 file";
    } else {
      try {
        const SbmlTestSettings settings = read_sbml_test_settings(
            dir / (id + "-settings.txt"), flux_balance ? SbmlTestType::flux_balance : SbmlTestType::time_course);
        const SbmlRun run = flux_balance ? run_sbml_flux_balance_case(file, settings.variables) : run_sbml_case(file, settings);
        if (run.status == SbmlRun::Status::refused) {
          outcome = refused, construct = run.construct, detail = run.message;
        } else if (run.status == SbmlRun::Status::failed) {
          outcome = fail, detail = run.message;
        } else {
          const SbmlTable expected = read_sbml_table(dir / (id + "-results.csv"));
          detail = compare_sbml_tables(expected, run.table, settings.absolute, settings.relative);
          outcome = detail.empty() ? pass : fail;
        }
      } catch (const std::exception& e) {
        outcome = fail, detail = e.what();
      }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    slowest.emplace_back(seconds, id);

    const auto count = [&](Tally& t) {
      if (outcome == pass) ++t.pass;
      else if (outcome == fail) ++t.fail;
      else ++t.refused;
    };
    count(overall);
    for (const std::string& tag : info.tags) count(by_tag[tag]);
    if (outcome == refused) refusals[construct].push_back(id);
    if (outcome == fail) failures.push_back(fmt::format("{} ({}): {}", id, file.filename().string(), detail));
    if (verbose)
      std::cout << fmt::format("{} {:7} {:.3f}s {}\n", id, outcome == pass ? "pass" : outcome == fail ? "FAIL" : "refused",
                               seconds, detail);
  }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::cout << fmt::format("\nSBML semantic test suite: {} cases in {:.1f} s\n", overall.total(), elapsed);
  std::cout << fmt::format("  pass {}   fail {}   refused {}\n", overall.pass, overall.fail, overall.refused);

  std::cout << "\nBy tag:\n" << fmt::format("  {:34} {:>6} {:>6} {:>6} {:>8}\n", "tag", "cases", "pass", "fail", "refused");
  for (const auto& [tag, t] : by_tag)
    std::cout << fmt::format("  {:34} {:>6} {:>6} {:>6} {:>8}\n", tag, t.total(), t.pass, t.fail, t.refused);

  std::vector<std::pair<std::string, std::vector<std::string>>> reasons(refusals.begin(), refusals.end());
  std::sort(reasons.begin(), reasons.end(), [](const auto& a, const auto& b) { return a.second.size() > b.second.size(); });
  std::cout << "\nRefusals by construct:\n";
  for (const auto& [construct, cases] : reasons) {
    std::string sample;
    for (std::size_t k = 0; k < std::min<std::size_t>(cases.size(), 6); ++k) sample += (k ? " " : "") + cases[k];
    std::cout << fmt::format("  {:5}  {}  (e.g. {})\n", cases.size(), construct, sample);
  }
  std::cout << fmt::format("\nFailures ({}):\n", failures.size());
  for (const std::string& f : failures) std::cout << "  " << f << "\n";
  std::sort(slowest.rbegin(), slowest.rend());
  std::cout << "\nSlowest cases:";
  for (std::size_t k = 0; k < std::min<std::size_t>(slowest.size(), 5); ++k)
    std::cout << fmt::format(" {} ({:.2f} s)", slowest[k].second, slowest[k].first);
  std::cout << "\n";

  if (pass_count_file.empty() || !only.empty()) return 0;
  if (record) {
    std::ofstream(pass_count_file) << overall.pass << "\n";
    std::cout << fmt::format("recorded {} passes in {}\n", overall.pass, pass_count_file.string());
    return 0;
  }
  int recorded = 0;
  std::ifstream(pass_count_file) >> recorded;
  if (overall.pass < recorded) {
    std::cout << fmt::format("FAILED: {} passes, fewer than the {} recorded in {}\n", overall.pass, recorded,
                             pass_count_file.string());
    return 1;
  }
  if (overall.pass > recorded)
    std::cout << fmt::format("{} passes, more than the {} recorded: raise {} (--record)\n", overall.pass, recorded,
                             pass_count_file.string());
  return 0;
}
