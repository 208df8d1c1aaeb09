// NONMEM-style data sets (docs/records.md): read_nonmem_data against the nmtests model
// (tests/data/nmtests/onecmt_oral.toml), then simulate_records for small data sets.
// Expected: InputError. Anything else is a finding (a failed solve is a reported value, not one).
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <sstream>
#include <string>
#include <typeinfo>

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

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)fixed_model();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static engraft::fuzz::InputFile file("nonmem", ".csv");
  const auto& path = file.write(data, size);
  const auto& model = fixed_model();
  try {
    const engraft::RecordSet records = engraft::read_nonmem_data(path, *model, engraft::RecordOptions{});
    std::size_t n_records = 0;
    for (const auto& subject : records.subjects) n_records += subject.record_times_days.size();
    if (n_records <= max_simulated_records) {
      std::ostringstream out, failures;
      engraft::SolverOptions options;
      // A tenth of the default step budget (F13): a steady state with a huge II spends the whole budget
      // before it is reported as failed, 0.1 s in Release but over 10 s under ASan on a loaded machine.
      // The bound and its report are what is tested here (NonmemRecords.SteadyStateSearchIsBoundedAndReported).
      options.max_steps = 20000;
      (void)engraft::simulate_records(model, records, model->observable_index("CP"), options, out, failures);
    }
  } catch (const engraft::InputError&) {
  } catch (const std::exception& e) {
    engraft::fuzz::finding("uncaught exception from read_nonmem_data/simulate_records",
                           typeid(e).name() + std::string(": ") + e.what());
  }
  return 0;
}
