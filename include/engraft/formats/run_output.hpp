// What `engraft run` writes: timecourse.csv and summary.json (keys in docs/outputs.md).
#pragma once

#include <filesystem>
#include <ostream>
#include <string>

#include "engraft/model/compiled_model.hpp"
#include "engraft/trial/run.hpp"

namespace engraft {

/// engraft's version, for every output.
std::string engraft_version();

void write_timecourse_csv(const CompiledModel& model, const RunResult& result, std::ostream& out);
void write_summary_json(const CompiledModel& model, const Scenario& scenario, const RunResult& result, std::ostream& out);

/// Writes both files into `dir` (created if missing), staged and committed together.
void write_run_outputs(const std::filesystem::path& dir, const CompiledModel& model, const Scenario& scenario,
                       const RunResult& result);

}  // namespace engraft
