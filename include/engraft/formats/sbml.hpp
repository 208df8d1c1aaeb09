// SBML import (libSBML, Levels 2 and 3, comp flattened) into engraft's Model, and the
// SBML semantic test-suite conventions (settings files, result tables). libSBML stays
// behind this header: nothing here needs its headers.
//
// What is imported exactly and what is refused (with the construct and the element's id):
// docs in src/formats/sbml.cpp, top comment. A model is never simulated wrongly: anything
// that cannot be mapped exactly onto engraft's expressions, ODEs and events is refused.
#pragma once

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engraft/core/error.hpp"
#include "engraft/model/model.hpp"

namespace engraft {

/// A construct the importer (or the engine) cannot simulate exactly. what(): "FILE:LINE: ID:
/// expected SBML that engraft simulates exactly, got unsupported SBML construct: WHAT (ID)[: DETAIL]".
class SbmlUnsupported : public InputError {
 public:
  SbmlUnsupported(SourceLocation where, std::string construct, const std::string& element,
                  const std::string& detail = {});
  /// Short name of the construct, for tallies ("event delay", "algebraic rule", ...).
  const std::string& construct() const noexcept { return construct_; }

 private:
  std::string construct_;
};

/// How one SBML id reads in the imported model, in engraft names.
struct SbmlSymbol {
  enum class Kind { compartment, species, parameter, reaction, species_reference };
  Kind kind = Kind::parameter;
  Expression value;          // what the id means in SBML math (a species: its concentration, or its
                             // amount when it has only substance units or its compartment has no size)
  Expression amount;         // species only
  Expression concentration;  // species only
  bool has_only_substance_units = false;  // species only
  bool defined = true;       // false: the id has no value (e.g. a 0-D compartment's size)
};

/// An imported model with what the test suite and the output need beyond the Model.
struct SbmlImport {
  Model model;
  std::map<std::string, SbmlSymbol> symbols;  // by SBML id (after comp flattening)
  /// Fast reactions: M[j][l] = sum_i d(rate j)/d(amount i) x stoichiometry(i, l). Newton may find
  /// an equilibrium the fast dynamics would leave (M with an eigenvalue of positive real part):
  /// simulate_sbml checks M at every output and refuses such a run.
  std::vector<std::vector<Expression>> fast_stability;
  int level = 0, version = 0;
};

/// The XML namespace of engraft's annotation on an SBML <model>, for what SBML has no element
/// for: today the model's solver hint, as <engraft:solver hint="stiff"/>. The exporter writes it
/// and the importer reads it, so a model keeps its integrator through a round trip.
inline constexpr const char* engraft_sbml_namespace = "urn:engraft:sbml-annotation:1";

/// Reads an SBML file (Levels 2 and 3; comp models are flattened). Throws InputError for
/// unreadable or invalid SBML (naming file and line) and SbmlUnsupported for constructs that
/// cannot be simulated exactly.
SbmlImport import_sbml_document(const std::filesystem::path& file);
/// The same from text in memory; `name` stands for the file in messages.
SbmlImport import_sbml_string(std::string_view xml, const std::string& name = "<sbml>");
/// The model alone: time is SBML's unitless time, read as days.
Model import_sbml(const std::filesystem::path& file);

// ---- The SBML semantic test suite (cases/NNNNN/NNNNN-settings.txt, -results.csv) ----

struct SbmlTestSettings {
  double start = 0.0;
  double duration = 0.0;
  int steps = 0;
  std::vector<std::string> variables;
  double absolute = 0.0;
  double relative = 0.0;
  std::set<std::string> amount, concentration;
};

/// The case's testType: a time course, or a flux balance (fbc) that has no time course.
enum class SbmlTestType { time_course, flux_balance };

/// The testType line of NNNNN-model.m (time course when there is none).
SbmlTestType read_sbml_test_type(const std::filesystem::path& model_m);

/// Reads NNNNN-settings.txt; throws InputError naming the line for a malformed value (and, for a
/// time course, when there is no duration and steps).
SbmlTestSettings read_sbml_test_settings(const std::filesystem::path& file, SbmlTestType type = SbmlTestType::time_course);

/// A table of results: `time` then one column per variable.
struct SbmlTable {
  std::vector<std::string> columns;
  std::vector<std::vector<double>> rows;
};

struct SbmlRun {
  enum class Status { ok, refused, failed };
  Status status = Status::ok;
  std::string message;      // refused or failed: why
  std::string construct;    // refused: the construct (for tallies)
  SbmlTable table;
};

/// Simulates as the settings ask: rows at start + k*duration/steps, species as amount or
/// concentration per the settings (default: concentration unless hasOnlySubstanceUnits).
/// A model the compiler rejects comes back as Status::refused.
SbmlRun simulate_sbml(const SbmlImport& imported, const SbmlTestSettings& settings);

/// import + simulate with every failure mapped to a status (never throws for model content).
SbmlRun run_sbml_case(const std::filesystem::path& sbml_file, const SbmlTestSettings& settings);

/// Flux balance analysis (fbc versions 1 and 2; src/formats/sbml_fbc.cpp): the active objective
/// optimised over the reaction fluxes, with S v = 0 for every species that is not a boundary
/// condition and the flux bounds. One row: each variable, a reaction's optimal flux or the
/// objective's optimum; NaN for all when the constraints are infeasible. Refused: an unbounded
/// optimum, and a flux that differs between optimal solutions. Never throws for model content.
SbmlRun run_sbml_flux_balance_case(const std::filesystem::path& sbml_file, const std::vector<std::string>& variables);

/// A refusal (construct and message) for an input error raised while running a case.
SbmlRun refused_run(const InputError& e);

/// CASES_DIR/ID/ID-sbml-lLvV.xml
std::filesystem::path sbml_case_file(const std::filesystem::path& cases_dir, const std::string& case_id, int level,
                                     int version);
/// The file a case is run from: l3v2, else l3v1, else the highest l2; empty when there is none.
std::filesystem::path sbml_preferred_case_file(const std::filesystem::path& cases_dir, const std::string& case_id);

/// Writes the table as the test runner reads it (NaN, INF, -INF; 17 significant digits).
void write_sbml_table(std::ostream& out, const SbmlTable& table);
/// Reads NNNNN-results.csv (header line, NaN/INF case-insensitive).
SbmlTable read_sbml_table(const std::filesystem::path& file);

/// The suite's rule, |C - U| <= absolute + relative |C|, with NaN matching NaN and
/// infinities matching themselves. Returns an empty string when every value passes, else
/// the first failure ("S1 at t = 2: expected ..., got ...").
std::string compare_sbml_tables(const SbmlTable& expected, const SbmlTable& actual, double absolute,
                                double relative);

}  // namespace engraft
