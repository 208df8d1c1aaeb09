// NONMEM-style data sets (docs/records.md): read_nonmem_data against the nmtests model
// (tests/data/nmtests/onecmt_oral.toml), then simulate_records for small data sets.
// Expected: InputError. Anything else is a finding (a failed solve is a reported value, not one).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <typeinfo>
#include <vector>

#include "engraft/core/error.hpp"
#include "engraft/formats/model_file.hpp"
#include "engraft/formats/nonmem.hpp"
#include "engraft/model/compiled_model.hpp"
#include "fuzz_common.hpp"

namespace {

// Simulation is what makes an execution slow; only small data sets are simulated.
constexpr std::size_t max_simulated_records = 50;

const std::shared_ptr<const engraft::CompiledModel>& fixed_model() {
  static const auto model = engraft::CompiledModel::compile(
      engraft::read_model_file(engraft::fuzz::source_dir() / "tests/data/nmtests/onecmt_oral.toml"));
  return model;
}

// F5 (float-to-int overflow for EVID, CMT and ADDL in read_nonmem_data): whether any of those
// cells holds a number outside int's range. Splits lines as nonmem.cpp does.
bool has_known_int_overflow(std::string_view text) {
  const auto cells_of = [](std::string_view line) {
    std::vector<std::string> cells(1);
    for (char c : line) {
      if (c == ',') cells.emplace_back();
      else if (c != '\r' && c != '"') cells.back() += c;
    }
    for (std::string& cell : cells) {
      const auto first = cell.find_first_not_of(" \t"), last = cell.find_last_not_of(" \t");
      cell = first == std::string::npos ? "" : cell.substr(first, last - first + 1);
    }
    return cells;
  };
  std::vector<std::size_t> watched;
  bool header = true;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    const auto cells = cells_of(line);
    if (header) {
      for (std::size_t c = 0; c < cells.size(); ++c) {
        std::string key = cells[c];
        std::transform(key.begin(), key.end(), key.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        if (key == "evid" || key == "cmt" || key == "addl") watched.push_back(c);
      }
      header = false;
      continue;
    }
    for (std::size_t c : watched) {
      if (c >= cells.size()) continue;
      double v = 0.0;
      const auto [ptr, ec] = std::from_chars(cells[c].data(), cells[c].data() + cells[c].size(), v);
      if (ec == std::errc() && std::isfinite(v) && std::fabs(v) >= 2147483648.0) return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)fixed_model();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (engraft::fuzz::avoid_known() &&
      has_known_int_overflow(std::string_view(reinterpret_cast<const char*>(data), size)))
    return 0;
  static engraft::fuzz::InputFile file("nonmem", ".csv");
  const auto& path = file.write(data, size);
  const auto& model = fixed_model();
  try {
    const engraft::RecordSet records = engraft::read_nonmem_data(path, *model, engraft::RecordOptions{});
    std::size_t n_records = 0;
    for (const auto& subject : records.subjects) n_records += subject.record_times_days.size();
    bool known = false;  // F6: unbounded dose expansion
    if (engraft::fuzz::avoid_known())
      for (const auto& subject : records.subjects)
        known = known || engraft::fuzz::dose_instances(subject.regimen, subject.record_times_days.back()) >
                             engraft::fuzz::known_dose_instance_limit;
    if (n_records <= max_simulated_records && !known) {
      std::ostringstream out, failures;
      engraft::SolverOptions options;
      (void)engraft::simulate_records(model, records, model->observable_index("CP"), options, out, failures);
    }
  } catch (const engraft::InputError&) {
  } catch (const std::exception& e) {
    engraft::fuzz::finding("uncaught exception from read_nonmem_data/simulate_records",
                           typeid(e).name() + std::string(": ") + e.what());
  }
  return 0;
}
