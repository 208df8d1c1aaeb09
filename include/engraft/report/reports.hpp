// The HTML reports of `engraft run` and `engraft trial` (`--report FILE.html`): the plots of a
// run or a trial's summaries, with the evidence rows for the indication beside the prediction
// (the evidence/explain.toml topics whose demonstrations use the same model).
#pragma once

#include <filesystem>
#include <string>

#include "engraft/formats/evidence_file.hpp"
#include "engraft/formats/trial_output.hpp"
#include "engraft/trial/run.hpp"

namespace engraft {

struct ReportEvidence {
  EvidenceBase base;
  std::vector<Topic> topics;
};

/// The shipped evidence (evidence/), or an empty base when the folder is missing.
ReportEvidence load_report_evidence();

std::string run_report_html(const CompiledModel& model, const Scenario& scenario, const RunResult& result,
                            const ReportEvidence& evidence, Language language);

std::string trial_report_html(const LoadedTrial& trial, const TrialOutcome& outcome, const ReportEvidence& evidence,
                              Language language);

}  // namespace engraft
