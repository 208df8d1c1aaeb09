// Issue 3, item 6 (docs/benchmarks.md#model-loading): how fast models load, and what importing
// through SBML costs at run time.
//   (a) A generated SBML Level 3 Version 2 model with S species and R mass-action reactions
//       (default 1,000 and 2,000): read from disk, imported, compiled to bytecode, and made ready
//       to simulate (workspace, parameters, initial state, one right-hand side). Median of --reps.
//   (b) Model files (TOML): the network of (a) written as a model file, and every built-in model
//       file, read, compiled and made ready to simulate. Median of --reps.
//   (c) Every built-in model against itself exported to SBML and imported back (the same
//       equations): the time to solve 0-60 d with daily outputs, same solver settings, median of
//       --reps repetitions of --runs solves each, and the ratio imported / built-in (--runs 0: skipped).
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
struct Network {
  struct Reaction {
    int a, b, c;
    bool bimolecular;
  };
  std::vector<double> initial, k;
  std::vector<Reaction> reactions;

  Network(int species, int reaction_count) {
    std::uint64_t state = 12345;
    const auto next = [&state](int n) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      return static_cast<int>((state >> 33) % static_cast<std::uint64_t>(n));
    };
    for (int i = 0; i < species; ++i) initial.push_back(0.1 + 0.001 * next(1000));
    for (int j = 0; j < reaction_count; ++j) k.push_back(0.01 + 0.0001 * next(1000));
    for (int j = 0; j < reaction_count; ++j) {
      const int a = next(species), b = next(species), c = next(species);
      reactions.push_back({a, b, c, j % 3 == 0 && a != b});
    }
  }

  std::string rate(std::size_t j, const char* times) const {
    const Reaction& r = reactions[j];
    return r.bimolecular ? fmt::format("k{}{}S{}{}S{}", j, times, r.a, times, r.b) : fmt::format("k{}{}S{}", j, times, r.a);
  }
};

std::string sbml_text(const Network& n) {
  std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2"><model id="generated">
<listOfCompartments><compartment id="C" size="1" constant="true"/></listOfCompartments>
<listOfSpecies>
)";
  for (std::size_t i = 0; i < n.initial.size(); ++i)
    xml += fmt::format(R"(<species id="S{}" compartment="C" initialConcentration="{}" hasOnlySubstanceUnits="false" )"
                       R"(boundaryCondition="false" constant="false"/>)"
                       "\n",
                       i, n.initial[i]);
  xml += "</listOfSpecies>\n<listOfParameters>\n";
  for (std::size_t j = 0; j < n.k.size(); ++j) xml += fmt::format(R"(<parameter id="k{}" value="{}" constant="true"/>)" "\n", j, n.k[j]);
  xml += "</listOfParameters>\n<listOfReactions>\n";
  const auto reference = [](int s) { return fmt::format(R"(<speciesReference species="S{}" stoichiometry="1" constant="true"/>)", s); };
  for (std::size_t j = 0; j < n.reactions.size(); ++j) {
    const Network::Reaction& r = n.reactions[j];
    const std::string math = fmt::format("<apply><times/><ci>k{}</ci><ci>S{}</ci>{}</apply>", j, r.a,
                                         r.bimolecular ? fmt::format("<ci>S{}</ci>", r.b) : "");
    xml += fmt::format(R"(<reaction id="R{}" reversible="false"><listOfReactants>{}</listOfReactants>)"
                       R"(<listOfProducts>{}</listOfProducts>)"
                       R"(<kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML">{}</math></kineticLaw></reaction>)"
                       "\n",
                       j, reference(r.a) + (r.bimolecular ? reference(r.b) : ""), reference(r.c), math);
  }
  return xml + "</listOfReactions>\n</model></sbml>\n";
}

/// The same network as an engraft model file (docs/model-format.md): a parameter table and a
/// state table per entry, as the built-in models are written, and one ODE per species.
std::string model_file_text(const Network& n) {
  std::string toml = "[model]\nname = \"generated\"\nversion = \"1\"\ntitle = \"generated mass-action network\"\n"
                     "description = \"bench/model_loading.cpp\"\n";
  for (std::size_t j = 0; j < n.k.size(); ++j)
    toml += fmt::format("\n[parameters.k{}]\nvalue = {}\nunit = \"1/d\"\ndescription = \"rate constant of R{}\"\n"
                        "source = \"generated\"\n", j, n.k[j], j);
  std::vector<std::string> ode(n.initial.size());
  for (std::size_t j = 0; j < n.reactions.size(); ++j) {
    const Network::Reaction& r = n.reactions[j];
    const std::string flux = n.rate(j, " * ");
    ode[r.a] += " - " + flux;
    if (r.bimolecular) ode[r.b] += " - " + flux;
    ode[r.c] += " + " + flux;
  }
  for (std::size_t i = 0; i < n.initial.size(); ++i)
    toml += fmt::format("\n[states.S{}]\nunit = \"1\"\ninitial = {}\ndescription = \"species {}\"\n", i, n.initial[i], i);
  toml += "\n[odes]\n";
  for (std::size_t i = 0; i < n.initial.size(); ++i) toml += fmt::format("S{} = \"0{}\"\n", i, ode[i]);
  return toml;
}

/// Reads a model with `load`, compiles it and makes it ready to simulate: workspace, parameters,
/// initial state and one right-hand side.
template <typename Load>
double ready_to_simulate(const Load& load) {
  const auto start = Clock::now();
  const Model model = load();
  const auto compiled = CompiledModel::compile(model);
  auto workspace = compiled->make_workspace();
  compiled->load_parameters(compiled->default_parameters(), workspace);
  std::vector<double> y(compiled->n_states()), ydot(compiled->n_states());
  compiled->initial_state(0.0, y, workspace);
  compiled->rhs(0.0, y.data(), ydot.data(), workspace);
  const double s = seconds_since(start);
  if (!std::isfinite(ydot.front())) throw std::runtime_error(model.name + ": non-finite right-hand side");
  return s;
}

std::string spread(const std::vector<double>& v) {
  return fmt::format("median of {}; min {:.3f}, max {:.3f}", v.size(), *std::min_element(v.begin(), v.end()),
                     *std::max_element(v.begin(), v.end()));
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

  const Network network(species, reactions);
  const auto scratch = std::filesystem::temp_directory_path() / fmt::format("engraft-bench-{}", getpid());
  const auto sbml_file = scratch.string() + ".xml", toml_file = scratch.string() + ".toml";
  std::ofstream(sbml_file) << sbml_text(network);
  std::ofstream(toml_file) << model_file_text(network);
  std::vector<double> from_sbml, from_toml;
  for (int r = 0; r < reps; ++r) {
    from_sbml.push_back(ready_to_simulate([&] { return engraft::import_sbml(sbml_file); }));
    from_toml.push_back(ready_to_simulate([&] { return engraft::read_model_file(toml_file); }));
  }
  const auto megabytes = [](const std::string& f) { return static_cast<double>(std::filesystem::file_size(f)) / 1e6; };
  std::cout << fmt::format("(a) generated SBML, {} species, {} reactions, {:.1f} MB: ready to simulate in {:.3f} s ({})\n",
                           species, reactions, megabytes(sbml_file), median(from_sbml), spread(from_sbml));
  std::cout << fmt::format("(b) the same network as a model file, {:.1f} MB: ready to simulate in {:.3f} s ({})\n",
                           megabytes(toml_file), median(from_toml), spread(from_toml));
  std::filesystem::remove(sbml_file);
  std::filesystem::remove(toml_file);

  std::cout << "(b) built-in model file,bytes,read and ready to simulate s (median of " << reps << ")\n";
  for (const std::string& name : engraft::builtin_model_names()) {
    const auto path = engraft::builtin_models_dir() / (name + ".toml");
    std::vector<double> t;
    for (int r = 0; r < reps; ++r) t.push_back(ready_to_simulate([&] { return engraft::read_model_file(path); }));
    std::cout << fmt::format("{},{},{:.4f}\n", name, std::filesystem::file_size(path), median(t));
  }

  if (runs <= 0) return 0;
  std::cout << "(c) model,states,built-in s,imported s,ratio imported/built-in (median of " << reps << " x " << runs
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
