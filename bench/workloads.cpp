// Benchmark workloads W1 and W2 (shared/benchmarks/README.md) run through the
// generic engine path: model file -> CompiledModel -> make_solver.
//
//   engraft_bench_workloads --workload w1|w2 --population FILE --n N --reps R --out RESULTS.csv
//                           [--model FILE] [--method rk45|bdf|auto] [--rtol X] [--atol Y] [--max-steps K]
//
// The timed loop is the solve loop alone, as in the peers: for every subject it
// sets the parameters, builds the graft dose at t = 0, solves with daily output
// and one crossing monitor, and extracts the crossing and the grid values. Model
// compilation, solver construction and CSV input/output are outside it.
// The results file has the peers' format (id,tcross,<OBS>_d7,...; %.10g; NA).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "engraft/formats/model_file.hpp"
#include "engraft/model/compiled_model.hpp"
#include "engraft/solve/event_schedule.hpp"
#include "engraft/solve/regimen.hpp"
#include "engraft/solve/solver.hpp"

namespace {

using namespace engraft;

struct Workload {
  std::string model_file;          // under the models/ folder unless --model is given
  std::string observable;
  double threshold;
  int t_end;                       // days; output at 0, 1, ..., t_end
  std::vector<int> report_days;
  std::vector<std::pair<std::string, double>> fixed;  // parameters fixed by the workload
  // Default tolerances (rtol, atol in cells/kg) chosen so that max |tcross - reference|
  // stays within 2e-5 d against CVODE at rtol = atol = 1e-10 (docs/benchmarks.md).
  double rtol, atol;
};

Workload workload(const std::string& name) {
  if (name == "w1")
    return {"stiehl2015_neutrophil.toml", "ANC", 0.5, 100, {7, 14, 21, 28, 100}, {{"f_stem", 0.01}}, 1e-6, 1.0};
  if (name == "w2")
    return {"zhu2025_platelet.toml", "PLT", 20.0, 60, {7, 14, 21, 28, 60}, {}, 1e-6, 1.0};
  throw std::runtime_error("--workload must be w1 or w2");
}

struct Population {
  std::vector<std::string> columns;            // header, without id and D
  std::vector<long> ids;
  std::vector<double> doses;                   // D, cells/kg
  std::vector<std::vector<double>> values;     // one row per subject, in `columns` order
};

Population read_population(const std::string& path, long n) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open population file " + path);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  {
    std::stringstream ss(line);
    std::string f;
    while (std::getline(ss, f, ',')) header.push_back(f);
  }
  if (header.size() < 2 || header[0] != "id" || header[1] != "D")
    throw std::runtime_error(path + ": the header must start with id,D");
  Population p;
  p.columns.assign(header.begin() + 2, header.end());
  while ((n < 0 || static_cast<long>(p.ids.size()) < n) && std::getline(in, line)) {
    if (line.empty()) continue;
    std::stringstream ss(line);
    std::string f;
    std::vector<double> row;
    while (std::getline(ss, f, ',')) row.push_back(std::stod(f));
    if (row.size() != header.size()) throw std::runtime_error(path + ": wrong number of fields: " + line);
    p.ids.push_back(static_cast<long>(row[0]));
    p.doses.push_back(row[1]);
    p.values.emplace_back(row.begin() + 2, row.end());
  }
  return p;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

[[noreturn]] void usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s --workload w1|w2 --population FILE --n N --reps R --out RESULTS.csv\n"
               "          [--model FILE] [--method rk45|bdf|auto] [--rtol X] [--atol Y] [--max-steps K]\n",
               argv0);
  std::exit(2);
}

int run(int argc, char** argv) {
  std::string workload_name, population_path, out_path, model_path, method_name = "rk45";
  long n = -1, max_steps = 0;  // 0: the library's default per solve
  int reps = 1;
  double rtol = std::numeric_limits<double>::quiet_NaN(), atol = rtol;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage(argv[0]);
    const std::string v = argv[++i];
    if (a == "--workload") workload_name = v;
    else if (a == "--population") population_path = v;
    else if (a == "--n") n = std::stol(v);
    else if (a == "--reps") reps = std::stoi(v);
    else if (a == "--out") out_path = v;
    else if (a == "--model") model_path = v;
    else if (a == "--method") method_name = v;
    else if (a == "--rtol") rtol = std::stod(v);
    else if (a == "--atol") atol = std::stod(v);
    else if (a == "--max-steps") max_steps = std::stol(v);
    else usage(argv[0]);
  }
  if (workload_name.empty() || population_path.empty() || out_path.empty() || reps < 1) usage(argv[0]);
  const Workload w = workload(workload_name);
  if (std::isnan(rtol)) rtol = w.rtol;
  if (std::isnan(atol)) atol = w.atol;

  SolverOptions options;
  options.rtol = rtol;
  options.atol = atol;
  if (max_steps > 0) options.max_steps = max_steps;
  if (method_name == "rk45") options.method = Method::rk45;
  else if (method_name == "bdf") options.method = Method::bdf;
  else if (method_name == "auto") options.method = Method::automatic;
  else usage(argv[0]);

  // Set-up, not timed: model file, compilation, solver, population.
  if (model_path.empty()) model_path = (builtin_models_dir() / w.model_file).string();
  const std::shared_ptr<const CompiledModel> model = CompiledModel::compile(read_model_file(model_path));
  const Population pop = read_population(population_path, n);
  const std::size_t n_subjects = pop.ids.size();
  std::vector<double> base = model->default_parameters();
  for (const auto& [name, value] : w.fixed) base[model->parameter_index(name)] = value;
  std::vector<std::size_t> column_index;
  for (const std::string& c : pop.columns) column_index.push_back(model->parameter_index(c));
  model->route("graft");  // throws now if the model has no such route

  const std::size_t obs = model->observable_index(w.observable), n_obs = model->n_observables();
  const std::vector<CrossingMonitor> monitors{{obs, w.threshold}};
  std::vector<double> times;
  for (int d = 0; d <= w.t_end; ++d) times.push_back(d);
  const double t_end = w.t_end;

  std::unique_ptr<Solver> solver = make_solver(model, options);
  std::vector<double> tcross(n_subjects), grid(n_subjects * w.report_days.size());
  std::vector<double> wall;
  std::string method_used;
  long steps = 0, rhs_evaluations = 0;

  for (int rep = 0; rep < reps; ++rep) {
    steps = rhs_evaluations = 0;
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<double> parameters = base;
    SolveResult result;
    for (std::size_t s = 0; s < n_subjects; ++s) {
      for (std::size_t j = 0; j < column_index.size(); ++j) parameters[column_index[j]] = pop.values[s][j];
      Regimen regimen;
      Dose dose;
      dose.route = "graft";
      dose.amount = pop.doses[s];
      regimen.doses.push_back(std::move(dose));
      const EventSchedule schedule = EventSchedule::build(*model, regimen, t_end);
      const SolveProblem problem{0.0, t_end, parameters, &schedule, times, monitors};
      solver->solve(problem, result);
      if (!result.ok()) {
        std::fprintf(stderr, "subject %ld: %s: %s (t = %g)\n", pop.ids[s], to_string(result.status),
                     result.message.c_str(), result.t_failed);
        return 1;
      }
      double tc = std::numeric_limits<double>::quiet_NaN();
      for (const Crossing& c : result.trajectory.crossings)
        if (c.direction > 0 && c.time_days > 0.0 && c.time_days <= t_end) { tc = c.time_days; break; }
      tcross[s] = tc;
      for (std::size_t k = 0; k < w.report_days.size(); ++k)
        grid[s * w.report_days.size() + k] = result.trajectory.observable(w.report_days[k], obs, n_obs);
      steps += result.stats.steps;
      rhs_evaluations += result.stats.rhs_evaluations;
      if (s == 0) method_used = result.stats.method;
    }
    wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }

  std::FILE* o = std::fopen(out_path.c_str(), "w");
  if (!o) throw std::runtime_error("cannot write " + out_path);
  std::fprintf(o, "id,tcross");
  for (int d : w.report_days) std::fprintf(o, ",%s_d%d", w.observable.c_str(), d);
  std::fprintf(o, "\n");
  for (std::size_t s = 0; s < n_subjects; ++s) {
    if (std::isnan(tcross[s])) std::fprintf(o, "%ld,NA", pop.ids[s]);
    else std::fprintf(o, "%ld,%.10g", pop.ids[s], tcross[s]);
    for (std::size_t k = 0; k < w.report_days.size(); ++k)
      std::fprintf(o, ",%.10g", grid[s * w.report_days.size() + k]);
    std::fprintf(o, "\n");
  }
  std::fclose(o);

  const double m = median(wall);
  std::string all;
  for (double x : wall) all += (all.empty() ? "" : ",") + std::to_string(x);
  std::printf("RESULT peer=engraft-%s workload=%s N=%zu reps=%d wall_s=%.4f subjects_per_s=%.1f rtol=%g atol=%g "
              "steps_per_subject=%.1f rhs_per_subject=%.1f reps_s=%s\n",
              method_name.c_str(), workload_name.c_str(), n_subjects, reps, m, n_subjects / m, rtol, atol,
              double(steps) / n_subjects, double(rhs_evaluations) / n_subjects, all.c_str());
  std::printf("# method that ran (first subject): %s\n", method_used.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "engraft_bench_workloads: %s\n", e.what());
    return 1;
  }
}
