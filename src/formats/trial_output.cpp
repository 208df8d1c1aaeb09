#include "engraft/formats/trial_output.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "csv_line.hpp"
#include "engraft/formats/atomic_file.hpp"
#include "engraft/formats/run_output.hpp"
#include "engraft/core/terminal_table.hpp"

namespace engraft {

namespace {

constexpr const char* partial_name = "subjects.csv.partial";
constexpr const char* state_name = "trial-state.json";   // the fingerprint a resume must match
constexpr std::size_t fixed_columns = 4;                 // subject, arm, patient, status

std::filesystem::path partial_path(const std::filesystem::path& dir) { return dir / partial_name; }

std::filesystem::path part_path(const std::filesystem::path& dir, SubjectFilePart part) {
  return part.ranks == 1 ? partial_path(dir) : dir / fmt::format("subjects.rank{}.csv.partial", part.rank);
}

[[noreturn]] void io_failure(const std::string& what, const std::filesystem::path& file) {
  throw std::runtime_error(fmt::format("cannot {} {}: {}", what, file.string(), std::strerror(errno)));
}

std::string fingerprint_text(const LoadedTrial& trial) { return fmt::format("{:016x}", trial.fingerprint); }

/// Covariate columns: the sampled ones, then any only the table gives.
std::vector<std::string> covariate_names(const PopulationSpec& p) {
  std::vector<std::string> names;
  for (const CovariateDistribution& c : p.covariates) names.push_back(c.name);
  if (p.table)
    for (const std::string& c : p.table->covariate_columns)
      if (std::find(names.begin(), names.end(), c) == names.end()) names.push_back(c);
  return names;
}

std::string format_number(double x) { return fmt::format("{}", x); }  // shortest text that reads back exactly

std::string subject_row(const LoadedTrial& trial, const std::vector<std::string>& covariates, const SubjectResult& r) {
  std::string row = fmt::format("{},{},{},{}", r.index, detail::csv_field(trial.spec.arms[r.arm].name), r.subject.patient, r.status);
  for (const std::string& name : covariates) {
    const auto c = std::find_if(r.subject.covariates.begin(), r.subject.covariates.end(),
                                [&](const CovariateValue& v) { return v.name == name; });
    row += ",";
    if (c != r.subject.covariates.end()) row += is_numeric_covariate(name) ? format_number(c->number) : detail::csv_field(c->level);
  }
  for (std::size_t index : trial.population->varying_parameters()) row += "," + format_number(r.subject.parameters[index]);
  for (const auto& v : r.endpoints) row += "," + (v ? format_number(*v) : std::string());
  return row + "," + detail::csv_field(r.reason) + "\n";
}

void write_all(int fd, std::string_view bytes, const std::filesystem::path& file) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) io_failure("write", file);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_state(const std::filesystem::path& dir, const LoadedTrial& trial) {
  AtomicFile state(dir / state_name);
  state.stream() << nlohmann::json{{"fingerprint", fingerprint_text(trial)}, {"trial", trial.spec.file.string()}}.dump(2) << "\n";
  state.commit();
}

/// Subjects already written to `partial` by an interrupted run of the same trial, after
/// cutting the file at its last complete line; 0 when there is nothing to continue.
std::uint64_t resumable_subjects(const std::filesystem::path& dir, const std::filesystem::path& partial,
                                 const LoadedTrial& trial) {
  const std::filesystem::path state = dir / state_name;
  if (!std::filesystem::exists(partial) || !std::filesystem::exists(state)) return 0;
  const auto recorded = nlohmann::json::parse(read_text(state), nullptr, false);
  if (recorded.is_discarded() || recorded.value("fingerprint", "") != fingerprint_text(trial))
    throw InputError({dir, 0, ""}, "an output folder written by this trial, with these inputs, to resume",
                     "a folder from another trial or from changed inputs", "run without --resume to start afresh");
  const std::string text = read_text(partial);
  const std::size_t end = text.rfind('\n');
  const std::string header = subject_csv_header(trial);
  if (end == std::string::npos || text.compare(0, header.size(), header) != 0) return 0;
  std::filesystem::resize_file(partial, end + 1);
  return static_cast<std::uint64_t>(std::count(text.begin(), text.begin() + static_cast<long>(end) + 1, '\n') - 1);
}

}  // namespace

std::string subject_csv_header(const LoadedTrial& trial) {
  std::string header = "subject,arm,patient,status";
  for (const std::string& c : covariate_names(trial.spec.population)) header += "," + c;
  for (std::size_t index : trial.population->varying_parameters())
    header += "," + trial.model->description().parameters[index].name;
  for (const EndpointColumn* e : trial.spec.endpoints) header += "," + std::string(e->name);
  return header + ",reason\n";
}

SubjectFileSink::SubjectFileSink(const std::filesystem::path& dir, const LoadedTrial& trial, bool resume,
                                 SubjectFilePart part)
    : dir_(dir), file_(part_path(dir, part)), trial_(trial), covariates_(covariate_names(trial.spec.population)) {
  std::filesystem::create_directories(dir);
  const SubjectBlock block = block_of_rank(trial.spec.subjects(), part.rank, part.ranks);
  const std::uint64_t done = resume ? resumable_subjects(dir, file_, trial) : 0;
  first_subject_ = block.begin + done;
  end_subject_ = block.end;
  if (done == 0) {
    write_state(dir, trial);   // every rank writes the same content; the rename is atomic
    fd_ = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) io_failure("create", file_);
    buffer_ = subject_csv_header(trial);
    flush();
  } else {
    fd_ = ::open(file_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd_ < 0) io_failure("open", file_);
  }
}

SubjectFileSink::~SubjectFileSink() {
  try {
    flush();
  } catch (const std::exception&) {  // a destructor must not throw; a resume recovers what is missing
  }
  ::close(fd_);
}

void SubjectFileSink::write(const SubjectResult& result) {
  buffer_ += subject_row(trial_, covariates_, result);
  if (result.run) {
    const std::filesystem::path folder = dir_ / "trajectories";
    std::filesystem::create_directories(folder);
    AtomicFile file(folder / fmt::format("arm{}_patient{}.csv", result.arm, result.subject.patient));
    write_timecourse_csv(*trial_.model, *result.run, file.stream());
    file.commit();
  }
  if (++buffered_rows_ >= chunk_rows) flush();
}

void SubjectFileSink::flush() {
  write_all(fd_, buffer_, file_);
  if (::fsync(fd_) != 0) io_failure("sync", file_);
  buffer_.clear();
  buffered_rows_ = 0;
}

void merge_subject_file_parts(const std::filesystem::path& dir, const LoadedTrial& trial, unsigned ranks) {
  if (ranks == 1) return;
  const std::string header = subject_csv_header(trial);
  {
    AtomicFile merged(partial_path(dir));
    merged.stream() << header;
    for (unsigned rank = 0; rank < ranks; ++rank) {
      std::ifstream part(part_path(dir, {rank, ranks}), std::ios::binary);
      part.ignore(static_cast<std::streamsize>(header.size()));   // every part starts with the header
      // Inserting an empty rdbuf sets failbit: a rank may have had no subjects.
      if (part.peek() != std::ifstream::traits_type::eof()) merged.stream() << part.rdbuf();
    }
    merged.commit();
  }
  for (unsigned rank = 0; rank < ranks; ++rank) std::filesystem::remove(part_path(dir, {rank, ranks}));
}

namespace {

struct FailedSubject {
  std::uint64_t subject = 0, patient = 0;
  std::string arm, status, reason;
};

/// One endpoint's values by arm and patient, read from the per-subject file.
std::vector<ArmValues> read_endpoint(const std::filesystem::path& file, const LoadedTrial& trial, std::size_t endpoint,
                                     std::vector<FailedSubject>* failures) {
  const TrialSpec& spec = trial.spec;
  const std::size_t column = fixed_columns + covariate_names(spec.population).size() +
                             trial.population->varying_parameters().size() + endpoint;
  std::vector<ArmValues> per_arm(spec.arms.size(), ArmValues(spec.patients));
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);  // header
  std::uint64_t expected = 0;
  while (std::getline(in, line)) {
    const std::vector<std::string> cells = detail::split_csv_line(line);
    const std::uint64_t subject = std::stoull(cells.at(0));
    // The file is the record of the trial: every subject once, in order, or the summaries would lie.
    if (subject != expected++ || cells.size() <= column)
      throw std::runtime_error(fmt::format("{}: row of subject {} out of order or malformed", file.string(), subject));
    const std::size_t arm = static_cast<std::size_t>(subject / spec.patients);
    const std::uint64_t patient = subject % spec.patients;
    const bool ok = cells[3] == "ok";
    if (!ok && failures) failures->push_back({subject, patient, cells[1], cells[3], cells.back()});
    std::optional<double>& value = per_arm[arm][patient];
    if (!ok) value = failed_value();
    else if (!cells[column].empty()) value = std::stod(cells[column]);
  }
  if (expected != spec.subjects())
    throw std::runtime_error(fmt::format("{}: {} subjects, expected {}", file.string(), expected, spec.subjects()));
  return per_arm;
}

using Json = nlohmann::ordered_json;

Json number_or_null(double x) { return std::isfinite(x) ? Json(x) : Json(nullptr); }

const char* distribution_name(DistributionKind kind) {
  switch (kind) {
    case DistributionKind::normal: return "normal";
    case DistributionKind::lognormal: return "lognormal";
    case DistributionKind::uniform: return "uniform";
  }
  return "";
}

Json arms_json(const LoadedTrial& trial, const TrialOutcome& outcome) {
  Json arms = Json::array();
  for (std::size_t a = 0; a < trial.spec.arms.size(); ++a) {
    const Arm& arm = trial.spec.arms[a];
    Json doses = Json::array(), parameters = Json::object();
    for (const Dose& d : arm.scenario.regimen.doses)
      doses.push_back({{"route", d.route}, {"day", d.time_days}, {"amount", d.amount}, {"unit", trial.model->route(d.route).unit},
                       {"interval_days", d.interval_days}, {"additional", d.additional}});
    for (const ParameterOverride& p : arm.scenario.parameters) parameters[p.name] = p.value;
    arms.push_back({{"name", arm.name}, {"scenario", arm.scenario.name}, {"failed_subjects", outcome.failed_per_arm[a]},
                    {"parameters", parameters}, {"doses", doses}});
  }
  return arms;
}

Json population_json(const PopulationSpec& population) {
  Json parameters = Json::array();
  for (const ParameterVariability& v : population.parameters)
    parameters.push_back({{"parameter", v.parameter}, {"distribution", distribution_name(v.kind)}, {"sd_or_omega", v.sd},
                          {"lower", number_or_null(v.bounds.lower)}, {"upper", number_or_null(v.bounds.upper)},
                          {"source", v.source}});
  return {{"parameters", parameters}, {"table", population.table ? population.table->file.string() : ""}};
}

Json arm_summary_json(const std::string& arm_name, const EndpointSummary& e, std::size_t a) {
  const ArmEndpointSummary& s = e.arms[a];
  Json arm = {{"arm", arm_name}, {"subjects", s.subjects}, {e.yes_no ? "yes" : "reached", s.count},
              {"proportion", s.subjects ? Json(static_cast<double>(s.count) / static_cast<double>(s.subjects)) : Json(nullptr)},
              {"proportion_wilson_95", {s.proportion_interval.lower, s.proportion_interval.upper}}};
  if (s.values)
    arm.update({{"median", s.values->median}, {"q25", s.values->q25}, {"q75", s.values->q75}, {"q05", s.values->q05},
                {"q95", s.values->q95}, {"mean", s.values->mean}});
  if (const auto& d = e.differences[a])
    arm["difference_vs_reference"] = {{"estimate", d->estimate},
                                      {"bootstrap_95", d->interval ? Json{d->interval->lower, d->interval->upper} : Json(nullptr)},
                                      {"defined_replicates", d->defined_replicates}};
  return arm;
}

Json summary_json(const LoadedTrial& trial, const TrialOutcome& outcome, const std::vector<FailedSubject>& failures) {
  const TrialSpec& spec = trial.spec;
  const Model& m = trial.model->description();
  Json j;
  j["engraft_version"] = engraft_version();
  j["trial"] = {{"name", spec.name}, {"file", spec.file.string()}, {"seed", spec.seed},
                {"patients_per_arm", spec.patients}, {"subjects", spec.subjects()},
                {"reference_arm", spec.arms[spec.reference_arm].name}, {"bootstrap_replicates", spec.bootstrap_replicates},
                {"fingerprint", fingerprint_text(trial)}};
  j["model"] = {{"name", m.name}, {"version", m.version}, {"hash", fmt::format("{:016x}", trial.model->content_hash())}};
  j["arms"] = arms_json(trial, outcome);
  j["population"] = population_json(spec.population);
  j["statistics"] = {
      {"quantiles", "Hyndman-Fan type 7 (linear interpolation; R and NumPy default) over subjects who reached the endpoint"},
      {"proportion_interval", "Wilson score 95 %"},
      {"difference", "arm - reference arm: difference of medians (of proportions for yes/no endpoints); 95 % percentile bootstrap resampling patients jointly across arms (paired), seeded from the trial seed"},
      {"failed_subjects", "left out of every statistic"}};
  Json endpoints = Json::array();
  for (const EndpointSummary& e : outcome.endpoints) {
    Json per_arm = Json::array();
    for (std::size_t a = 0; a < e.arms.size(); ++a) per_arm.push_back(arm_summary_json(spec.arms[a].name, e, a));
    endpoints.push_back({{"name", e.name}, {"unit", e.unit}, {"arms", per_arm}});
  }
  j["endpoints"] = endpoints;
  Json failed = Json::array();
  for (const FailedSubject& f : failures)
    failed.push_back({{"subject", f.subject}, {"arm", f.arm}, {"patient", f.patient}, {"status", f.status}, {"reason", f.reason}});
  j["failed_subjects"] = failed;
  return j;
}

std::string interval_text(const Interval& i, const char* format) {
  return fmt::format(fmt::runtime(std::string(format) + " to " + format), i.lower, i.upper);
}

}  // namespace

TrialOutcome finish_trial_outputs(const std::filesystem::path& dir, const LoadedTrial& trial) {
  const std::filesystem::path partial = partial_path(dir);
  TrialOutcome outcome;
  std::vector<FailedSubject> failures;
  for (std::size_t k = 0; k < trial.spec.endpoints.size(); ++k) {
    const std::vector<ArmValues> values = read_endpoint(partial, trial, k, k == 0 ? &failures : nullptr);
    outcome.endpoints.push_back(summarize_endpoint(trial.spec, k, values));
    for (std::size_t p = 0; p < trial.spec.proportions.size(); ++p)
      if (trial.spec.proportions[p].endpoint == k) outcome.endpoints.push_back(summarize_proportion(trial.spec, p, values));
  }
  outcome.failed_per_arm.assign(trial.spec.arms.size(), 0);
  for (const FailedSubject& f : failures) ++outcome.failed_per_arm[static_cast<std::size_t>(f.subject / trial.spec.patients)];

  AtomicFile json(dir / "summary.json"), text(dir / "summary.txt");
  json.stream() << summary_json(trial, outcome, failures).dump(2) << "\n";
  text.stream() << render_trial_summary(trial, outcome);
  json.commit();
  text.commit();
  std::filesystem::rename(partial, dir / "subjects.csv");
  std::filesystem::remove(dir / state_name);
  return outcome;
}

std::string render_trial_summary(const LoadedTrial& trial, const TrialOutcome& outcome) {
  const TrialSpec& spec = trial.spec;
  std::string out = fmt::format("engraft {} · trial: {} · model: {} {} · {} patients per arm, seed {}\n\n", engraft_version(),
                                spec.name, trial.model->name(), trial.model->description().version, spec.patients, spec.seed);
  const bool compares = spec.arms.size() > 1;   // one arm: nothing to compare it with
  std::vector<std::string> header = {"endpoint", "arm", "n", "reached/yes", "95% CI (Wilson)", "median", "IQR", "5-95%", "unit"};
  if (compares) header.push_back(fmt::format("diff vs {} (95% bootstrap)", spec.arms[spec.reference_arm].name));
  TerminalTable table(std::move(header));
  for (const EndpointSummary& e : outcome.endpoints) {
    const bool yes_no = e.yes_no;
    for (std::size_t a = 0; a < e.arms.size(); ++a) {
      const ArmEndpointSummary& s = e.arms[a];
      const double share = s.subjects ? 100.0 * static_cast<double>(s.count) / static_cast<double>(s.subjects) : 0.0;
      std::vector<std::string> row = {a == 0 ? e.label : "", spec.arms[a].name,
                                      fmt::format("{}", s.subjects), fmt::format("{:.1f}%", share),
                                      s.subjects ? interval_text({100 * s.proportion_interval.lower, 100 * s.proportion_interval.upper}, "{:.1f}") + "%" : ""};
      if (s.values)
        row.insert(row.end(), {fmt::format("{:.3g}", s.values->median), fmt::format("{:.3g}-{:.3g}", s.values->q25, s.values->q75),
                               fmt::format("{:.3g}-{:.3g}", s.values->q05, s.values->q95)});
      else
        row.insert(row.end(), {"", "", ""});
      row.push_back(e.unit);
      if (!compares) {
        table.add_row(std::move(row));
        continue;
      }
      const auto& d = e.differences[a];
      const char* f = yes_no ? "{:+.3f}" : "{:+.3g}";
      row.push_back(!d ? "" : fmt::format(fmt::runtime(f), d->estimate) +
                                  (d->interval ? " (" + interval_text(d->interval.value(), f) + ")" : ""));
      table.add_row(std::move(row));
    }
  }
  out += table.render();
  out += "\nQuantiles: Hyndman-Fan type 7 over subjects who reached the endpoint.";
  if (compares)
    out += " Differences are of medians, or of\n"
           "proportions for yes/no rows. Every arm treats the same virtual patients; the bootstrap resamples them jointly.";
  out += "\n";
  std::uint64_t failed = 0;
  for (std::uint64_t f : outcome.failed_per_arm) failed += f;
  if (failed) out += fmt::format("{} subject(s) failed to solve and are left out (subjects.csv, summary.json failed_subjects).\n", failed);
  return out;
}

}  // namespace engraft
