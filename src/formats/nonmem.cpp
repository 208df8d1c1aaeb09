#include "engraft/formats/nonmem.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "engraft/solve/event_schedule.hpp"

namespace engraft {

namespace {

// More repeats than this in one record is a mistake, not a regimen (and would exhaust memory).
constexpr double max_doses_per_record = 1e5;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  for (char c : line) {
    if (c == ',') {
      cells.push_back(cell);
      cell.clear();
    } else if (c != '\r' && c != '"') {
      cell += c;
    }
  }
  cells.push_back(cell);
  for (std::string& s : cells) {
    const auto first = s.find_first_not_of(" \t");
    const auto last = s.find_last_not_of(" \t");
    s = first == std::string::npos ? "" : s.substr(first, last - first + 1);
  }
  return cells;
}

// The route that puts the whole dose into state `cmt` (1-based), as NONMEM's CMT does.
std::size_t route_for_compartment(const CompiledModel& model, int cmt, const SourceLocation& where) {
  for (std::size_t r = 0; r < model.routes().size(); ++r) {
    const Route& route = model.description().routes[r];
    if (route.into.size() == 1 && route.into[0].second.is_number() && route.into[0].second.value() == 1.0 &&
        model.state_index(route.into[0].first) + 1 == static_cast<std::size_t>(cmt))
      return r;
  }
  throw InputError(where, fmt::format("a compartment that a route of model '{}' doses whole", model.name()),
                   fmt::format("CMT = {}", cmt), "declare [routes.NAME] into = { STATE = \"1\" } for it");
}

}  // namespace

RecordSet read_nonmem_data(const std::filesystem::path& file, const CompiledModel& model, const RecordOptions& options) {
  std::ifstream in(file);
  if (!in) throw InputError({file, 0, ""}, "an existing, readable data set", "no such file");
  std::string line;
  if (!std::getline(in, line)) throw InputError({file, 1, ""}, "a header line", "an empty file");
  const std::vector<std::string> header = split(line);
  std::map<std::string, std::size_t> column;
  std::vector<std::pair<std::size_t, std::size_t>> covariates;  // column, parameter
  for (std::size_t c = 0; c < header.size(); ++c) {
    const std::string key = lower(header[c]);
    static const std::vector<std::string> standard = {"c", "id", "time", "evid", "amt", "cmt", "rate", "ii", "addl", "ss", "mdv", "dv"};
    if (std::find(standard.begin(), standard.end(), key) != standard.end()) column[key] = c;
    else
      for (std::size_t p = 0; p < model.n_parameters(); ++p)
        if (model.description().parameters[p].name == header[c]) covariates.emplace_back(c, p);
  }
  for (const char* required : {"id", "time"})
    if (!column.count(required)) throw InputError({file, 1, ""}, fmt::format("a column {}", required), "none in the header");

  RecordSet set;
  std::map<std::string, std::size_t> subject_index;
  int line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::vector<std::string> cells = split(line);
    const auto cell = [&](const std::string& key) -> std::string {
      const auto it = column.find(key);
      return it == column.end() || it->second >= cells.size() ? std::string() : cells[it->second];
    };
    const auto number = [&](std::size_t c, const std::string& name) {
      const std::string text = c < cells.size() ? cells[c] : "";
      if (text.empty() || text == ".") return 0.0;
      double value = 0.0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
        throw InputError({file, line_number, name}, "a finite number", "\"" + text + "\"");
      return value;
    };
    const auto field = [&](const std::string& key) {
      return column.count(key) ? number(column.at(key), header[column.at(key)]) : 0.0;
    };
    // Messages name a column as the header writes it.
    const auto name_of = [&](const std::string& key) {
      std::string upper = key;
      std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      return column.count(key) ? header[column.at(key)] : upper;
    };
    const std::string comment = cell("c");
    if (!comment.empty() && comment != ".") continue;  // NONMEM's IGNORE=C convention
    if (cells.size() != header.size())
      throw InputError({file, line_number, ""}, fmt::format("{} values as in the header", header.size()),
                       fmt::format("{}", cells.size()));
    const std::string id = cell("id");
    if (id.empty()) throw InputError({file, line_number, name_of("id")}, "a subject id", "nothing");
    auto [it, added] = subject_index.emplace(id, set.subjects.size());
    if (added) {
      set.subjects.push_back(RecordSubject{id, {}, {}, {}, {}});
      for (const auto& [c, p] : covariates) set.subjects.back().parameter_values.emplace_back(p, number(c, header[c]));
    }
    RecordSubject& subject = set.subjects[it->second];
    const double time = field("time");
    if (!subject.record_times_as_written.empty() && time < subject.record_times_as_written.back())
      throw InputError({file, line_number, name_of("time")}, "times in increasing order within a subject",
                       fmt::format("{} after {}", time, subject.record_times_as_written.back()));
    subject.record_times_as_written.push_back(time);
    subject.record_times_days.push_back(time * options.days_per_time_unit);

    // An integer field, checked before any conversion (a double outside int's range is UB to convert).
    const auto integer = [&](const std::string& key, double low, double high, const std::string& expected) {
      const double v = field(key);
      if (!(v >= low && v <= high) || v != std::floor(v))
        throw InputError({file, line_number, name_of(key)}, expected, fmt::format("{}", v));
      return static_cast<int>(v);
    };
    const double amt = field("amt");
    const int evid = column.count("evid") ? integer("evid", 0, 4, "0, 1, 2, 3 or 4") : (amt > 0.0 ? 1 : 0);
    if (evid == 0 || evid == 2) continue;
    Dose d;
    d.where = {file, line_number, ""};
    d.time_days = time * options.days_per_time_unit;
    d.kind = evid == 3 ? DoseKind::reset : evid == 4 ? DoseKind::reset_and_dose : DoseKind::dose;
    if (evid != 3) {
      const int cmt = integer("cmt", 1, 1e6, "a compartment number >= 1");
      d.route = model.routes()[route_for_compartment(model, cmt, {file, line_number, name_of("cmt")})].name;
      d.amount = amt;
      if (amt < 0.0) throw InputError({file, line_number, name_of("amt")}, "an amount >= 0", fmt::format("{}", amt));
      const double rate = field("rate");
      if (rate == -1.0) d.rate_mode = RateMode::modelled_rate;
      else if (rate == -2.0) d.rate_mode = RateMode::modelled_duration;
      else if (rate > 0.0) d.rate_per_day = rate / options.days_per_time_unit;
      else if (rate < 0.0) throw InputError({file, line_number, name_of("rate")}, "RATE >= 0, -1 or -2", fmt::format("{}", rate));
      d.interval_days = field("ii") * options.days_per_time_unit;
      d.additional = integer("addl", 0, max_doses_per_record, fmt::format("an integer from 0 to {}", max_doses_per_record));
      d.steady_state = integer("ss", 0, 2, "0, 1 or 2");
    }
    subject.regimen.doses.push_back(std::move(d));
  }
  return set;
}

int simulate_records(const std::shared_ptr<const CompiledModel>& model, const RecordSet& records, std::size_t observable,
                     const SolverOptions& solver_options, std::ostream& out, std::ostream& failures) {
  auto solver = make_solver(model, solver_options);
  const std::size_t n_obs = model->n_observables();
  out << "ID,TIME," << model->description().observables[observable].name << "\n";
  int n_failed = 0;
  SolveResult result;
  for (const RecordSubject& subject : records.subjects) {
    std::vector<double> parameters = model->default_parameters();
    for (const auto& [p, value] : subject.parameter_values) parameters[p] = value;
    const auto& times = subject.record_times_days;
    const double t_start = std::min(0.0, times.front()), t_end = times.back();
    const EventSchedule schedule = EventSchedule::build(*model, subject.regimen, t_end);
    SolveProblem problem{t_start, t_end, parameters, &schedule, times, {}};
    solver->solve(problem, result);
    if (!result.ok()) {
      ++n_failed;
      failures << fmt::format("subject {}: {} at t = {:.6g} d: {}\n", subject.id, to_string(result.status),
                              result.t_failed, result.message);
    }
    for (std::size_t r = 0; r < times.size(); ++r) {
      out << subject.id << "," << fmt::format("{:.10g}", subject.record_times_as_written[r]) << ",";
      if (result.ok()) out << fmt::format("{:.10g}", result.trajectory.observable(r, observable, n_obs));
      out << "\n";
    }
  }
  return n_failed;
}

}  // namespace engraft
