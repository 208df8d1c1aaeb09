// The HTML reports of `engraft run`, `trial`, `sensitivity` and `fit` (`--report FILE.html`): the plots of a
// run or a trial's summaries, with the evidence rows for the indication beside the prediction
// (the evidence/explain.toml topics whose demonstrations use the same model).
#pragma once

#include <filesystem>
#include <string>

#include "engraft/formats/evidence_file.hpp"
#include "engraft/formats/fit_file.hpp"
#include "engraft/formats/sensitivity_file.hpp"
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

/// Sobol' bar charts: first-order and total index of every factor, per endpoint, with bootstrap intervals.
std::string sensitivity_report_html(const LoadedSensitivity& study, const std::vector<SobolOutput>& outputs,
                                    const ReportEvidence& evidence, Language language);

/// A personalised forecast: the patient's counts against the fitted course, and the forecast
/// intervals beside the prior's.
std::string fit_report_html(const LoadedFit& fit, const FitResult& result, const ReportEvidence& evidence, Language language);

}  // namespace engraft
