// Issue 3, item 6 (docs/benchmarks.md#model-loading): how fast models load, and what importing
// through SBML costs at run time.
//   (a) A generated SBML Level 3 Version 2 model with S species and R mass-action reactions
//       (default 1,000 and 2,000): read from disk, imported, compiled to bytecode, and made ready
//       to simulate (workspace, parameters, initial state, one right-hand side). Median of --reps.
//   (b) Every built-in model against itself exported to SBML and imported back (the same
//       equations): the time to solve 0-60 d with daily outputs, same solver settings, median of
//       --reps repetitions of --runs solves each, and the ratio imported / built-in.
// Usage: engraft_bench_model_loading [--species S] [--reactions R] [--reps N] [--runs M]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <unistd.h>

#include "engraft/formats/model_file.hpp"
#include "engraft/formats/sbml.hpp"
#include "engraft/formats/sbml_export.hpp"
#include "engraft/solve/solver.hpp"

namespace {

using engraft::CompiledModel;
using engraft::Model;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/// Species S0..S{n-1} in one compartment; reaction j turns S_a (and S_b, every third reaction
/// bimolecular) into S_c at rate k_j * S_a (* S_b). Deterministic (a fixed LCG), so every run
/// measures the same model.
std::string generated_sbml(int species, int reactions) {
  std::uint64_t state = 12345;
  const auto next = [&state](int n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int>((state >> 33) % static_cast<std::uint64_t>(n));
  };
  std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2"><model id="generated">
<listOfCompartments><compartment id="C" size="1" constant="true"/></listOfCompartments>
<listOfSpecies>
)";
  for (int i = 0; i < species; ++i)
    xml += fmt::format(R"(<species id="S{}" compartment="C" initialConcentration="{}" hasOnlySubstanceUnits="false" )"
                       R"(boundaryCondition="false" constant="false"/>)"
                       "\n",
                       i, 0.1 + 0.001 * next(1000));
  xml += "</listOfSpecies>\n<listOfParameters>\n";
  for (int j = 0; j < reactions; ++j) xml += fmt::format(R"(<parameter id="k{}" value="{}" constant="true"/>)" "\n", j, 0.01 + 0.0001 * next(1000));
  xml += "</listOfParameters>\n<listOfReactions>\n";
  for (int j = 0; j < reactions; ++j) {
    const int a = next(species), b = next(species), c = next(species);
    const bool bimolecular = j % 3 == 0 && a != b;
    std::string reactants = fmt::format(R"(<speciesReference species="S{}" stoichiometry="1" constant="true"/>)", a);
    std::string math = fmt::format("<apply><times/><ci>k{}</ci><ci>S{}</ci>{}</apply>", j, a,
                                   bimolecular ? fmt::format("<ci>S{}</ci>", b) : "");
    if (bimolecular) reactants += fmt::format(R"(<speciesReference species="S{}" stoichiometry="1" constant="true"/>)", b);
    xml += fmt::format(R"(<reaction id="R{}" reversible="false"><listOfReactants>{}</listOfReactants>)"
                       R"(<listOfProducts><speciesReference species="S{}" stoichiometry="1" constant="true"/></listOfProducts>)"
                       R"(<kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML">{}</math></kineticLaw></reaction>)"
                       "\n",
                       j, reactants, c, math);
  }
  return xml + "</listOfReactions>\n</model></sbml>\n";
}

double ready_to_simulate(const std::filesystem::path& file) {
  const auto start = Clock::now();
  const Model model = engraft::import_sbml(file);
  const auto compiled = CompiledModel::compile(model);
  auto workspace = compiled->make_workspace();
  compiled->load_parameters(compiled->default_parameters(), workspace);
  std::vector<double> y(compiled->n_states()), ydot(compiled->n_states());
  compiled->initial_state(0.0, y, workspace);
  compiled->rhs(0.0, y.data(), ydot.data(), workspace);
  const double s = seconds_since(start);
  if (!std::isfinite(ydot.front())) throw std::runtime_error("generated model: non-finite right-hand side");
  return s;
}

struct Timing {
  double seconds = 0.0;
  engraft::SolverStats stats;  // of one solve (every solve takes the same steps)
};

/// `runs` solves of 0-60 d (daily outputs), states started away from their defaults as in the
/// SBML round-trip test (doses have no SBML counterpart).
Timing time_solves(const std::shared_ptr<const CompiledModel>& compiled, int runs) {
  auto solver = engraft::make_solver(compiled, engraft::SolverOptions{});
  const std::vector<double> p = compiled->default_parameters();
  std::vector<double> times;
  for (int d = 0; d <= 60; ++d) times.push_back(d);
  engraft::SolveResult result;
  const auto start = Clock::now();
  for (int r = 0; r < runs; ++r) {
    solver->solve(engraft::SolveProblem{0.0, 60.0, p, nullptr, times, {}}, result);
    if (!result.ok()) throw std::runtime_error(compiled->name() + ": " + result.message);
  }
  return {seconds_since(start), result.stats};
}

Model started_away_from_defaults(const Model& m) {
  const auto compiled = CompiledModel::compile(m);
  auto w = compiled->make_workspace();
  compiled->load_parameters(compiled->default_parameters(), w);
  std::vector<double> y(compiled->n_states());
  compiled->initial_state(0.0, y, w);
  Model out = m;
  for (std::size_t i = 0; i < y.size(); ++i) out.states[i].initial = engraft::Expression::number(y[i] + 0.25 * (std::abs(y[i]) + 1.0));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int species = 1000, reactions = 2000, reps = 5, runs = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (flag == "--species") species = value;
    else if (flag == "--reactions") reactions = value;
    else if (flag == "--reps") reps = value;
    else if (flag == "--runs") runs = value;
    else {
      std::cerr << "usage: engraft_bench_model_loading [--species S] [--reactions R] [--reps N] [--runs M]\n";
      return 2;
    }
  }
  char host[256] = "?";
  gethostname(host, sizeof host);
  std::cout << fmt::format("# engraft_bench_model_loading --species {} --reactions {} --reps {} --runs {} on {} ({} cores)\n",
                           species, reactions, reps, runs, host, std::thread::hardware_concurrency());

  const auto file = std::filesystem::temp_directory_path() / fmt::format("engraft-bench-{}.xml", getpid());
  {
    std::ofstream out(file);
    out << generated_sbml(species, reactions);
  }
  std::vector<double> load;
  for (int r = 0; r < reps; ++r) load.push_back(ready_to_simulate(file));
  std::cout << fmt::format("(a) generated SBML, {} species, {} reactions, {:.1f} MB: ready to simulate in {:.3f} s "
                           "(median of {}; min {:.3f}, max {:.3f})\n",
                           species, reactions, static_cast<double>(std::filesystem::file_size(file)) / 1e6, median(load), reps,
                           *std::min_element(load.begin(), load.end()), *std::max_element(load.begin(), load.end()));
  std::filesystem::remove(file);

  std::cout << "(b) model,states,built-in s,imported s,ratio imported/built-in (median of " << reps << " x " << runs
            << " solves of 0-60 d),built-in steps/rejected/rhs,imported steps/rejected/rhs,built-in method,imported method\n";
  for (const std::string& name : engraft::builtin_model_names()) {
    const Model original = started_away_from_defaults(engraft::load_model(name));
    const Model imported = engraft::import_sbml_string(engraft::export_sbml(original), name + ".xml").model;
    const auto a = CompiledModel::compile(original), b = CompiledModel::compile(imported);
    std::vector<double> ta, tb, ratio;
    Timing built_in, round_trip;
    for (int r = 0; r < reps; ++r) {   // interleaved, so that load from other work hits both alike
      built_in = time_solves(a, runs);
      round_trip = time_solves(b, runs);
      ta.push_back(built_in.seconds);
      tb.push_back(round_trip.seconds);
      ratio.push_back(tb.back() / ta.back());
    }
    const auto work = [](const engraft::SolverStats& s) { return fmt::format("{}/{}/{}", s.steps, s.rejected_steps, s.rhs_evaluations); };
    std::cout << fmt::format("{},{},{:.4f},{:.4f},{:.3f},{},{},\"{}\",\"{}\"\n", name, a->n_states(), median(ta), median(tb),
                             median(ratio), work(built_in.stats), work(round_trip.stats), built_in.stats.method,
                             round_trip.stats.method);
  }
}
