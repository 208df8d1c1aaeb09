// SBML flux balance constraints (fbc, versions 1 and 2) as a linear program: maximise or minimise
// the active objective over the reaction fluxes v, subject to S v = 0 for every species that is
// not a boundary condition and to the flux bounds (v1: FluxBound elements; v2: parameters named
// by each reaction's lowerFluxBound and upperFluxBound, unbounded where unset).
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include <fmt/format.h>

#include <sbml/SBMLTypes.h>
#include <sbml/conversion/ConversionProperties.h>
#include <sbml/packages/fbc/common/FbcExtensionTypes.h>

#include "engraft/formats/sbml.hpp"
#include "engraft/solve/linear_program.hpp"

namespace engraft {

namespace {

struct FluxBalance {
  LinearProgram program;
  std::map<std::string, std::size_t> reaction_index;
  std::string objective_id;
};

[[noreturn]] void refuse(const std::filesystem::path& file, const ::SBase* element, const std::string& construct,
                         const std::string& detail = {}) {
  const std::string id = element && element->isSetId() ? element->getId() : "fbc";
  throw SbmlUnsupported({file, element ? static_cast<int>(element->getLine()) : 0, id}, construct, id, detail);
}

// Values fixed by initial assignments (e.g. a stoichiometry) become the attributes read below.
std::unique_ptr<::SBMLDocument> read_expanded(const std::filesystem::path& file) {
  std::unique_ptr<::SBMLDocument> doc(::readSBMLFromFile(file.string().c_str()));
  const auto check = [&](const char* stage) {
    for (unsigned i = 0; i < doc->getNumErrors(); ++i) {
      const ::SBMLError* error = doc->getError(i);
      if (error->getSeverity() >= LIBSBML_SEV_ERROR)
        throw InputError({file, static_cast<int>(error->getLine()), stage}, "valid SBML", error->getMessage());
    }
  };
  check("read");
  if (!doc->getModel()) throw InputError({file, 0, "sbml"}, "a <model> element", "none");
  ::Model& model = *doc->getModel();
  for (unsigned i = model.getNumInitialAssignments(); i-- > 0;)  // one without MathML has no effect
    if (!model.getInitialAssignment(i)->isSetMath()) delete model.removeInitialAssignment(i);
  ::ConversionProperties properties;
  properties.addOption("expandInitialAssignments", true);
  if (model.getNumInitialAssignments() > 0 && doc->convert(properties) != LIBSBML_OPERATION_SUCCESS) {
    check("initial assignments");
    refuse(file, doc->getModel(), "initial assignments libSBML cannot expand");
  }
  return doc;
}

// A bound's value: its assignment rule where it has one (the value of a steady state), else its value.
double parameter_value(const ::Model& model, const std::string& id, const std::filesystem::path& file, const ::SBase* by) {
  if (const ::Rule* rule = model.getAssignmentRuleByVariable(id); rule && rule->isSetMath())
    return ::SBMLTransforms::evaluateASTNode(rule->getMath(), &model);
  const ::Parameter* p = model.getParameter(id);
  if (!p || !p->isSetValue()) refuse(file, by, "flux bound without a value", "'" + id + "'");
  return p->getValue();
}

void read_stoichiometry(const ::Model& model, FluxBalance& fb, const std::filesystem::path& file) {
  std::map<std::string, std::size_t> row_of;
  for (unsigned i = 0; i < model.getNumSpecies(); ++i) {
    const ::Species* s = model.getSpecies(i);
    if (s->getBoundaryCondition()) continue;
    row_of[s->getId()] = fb.program.rows.size();
    fb.program.rows.push_back(LinearProgram::Row{{}, 0.0, 0.0});  // steady state: S v = 0
  }
  for (unsigned j = 0; j < model.getNumReactions(); ++j) {
    const ::Reaction* r = model.getReaction(j);
    const auto add = [&](const ::SpeciesReference* sr, double sign) {
      const auto it = row_of.find(sr->getSpecies());
      if (it == row_of.end()) return;
      if (!sr->isSetStoichiometry() || !std::isfinite(sr->getStoichiometry()))
        refuse(file, sr, "species reference without a stoichiometry");
      fb.program.rows[it->second].terms.emplace_back(j, sign * sr->getStoichiometry());
    };
    for (unsigned k = 0; k < r->getNumReactants(); ++k) add(r->getReactant(k), -1.0);
    for (unsigned k = 0; k < r->getNumProducts(); ++k) add(r->getProduct(k), 1.0);
  }
}

void read_bounds(const ::Model& model, FluxBalance& fb, const std::filesystem::path& file) {
  const auto* plugin = static_cast<const ::FbcModelPlugin*>(model.getPlugin("fbc"));
  for (unsigned j = 0; j < model.getNumReactions(); ++j) {
    const ::Reaction* r = model.getReaction(j);
    const auto* rp = static_cast<const ::FbcReactionPlugin*>(r->getPlugin("fbc"));
    if (rp && rp->isSetLowerFluxBound()) fb.program.lower[j] = parameter_value(model, rp->getLowerFluxBound(), file, r);
    if (rp && rp->isSetUpperFluxBound()) fb.program.upper[j] = parameter_value(model, rp->getUpperFluxBound(), file, r);
  }
  for (unsigned i = 0; i < plugin->getNumFluxBounds(); ++i) {  // version 1
    const ::FluxBound* b = plugin->getFluxBound(i);
    const auto it = fb.reaction_index.find(b->getReaction());
    if (it == fb.reaction_index.end()) throw InputError({file, static_cast<int>(b->getLine()), "fluxBound"}, "a reaction id", "'" + b->getReaction() + "'");
    const double value = b->getValue();
    switch (b->getFluxBoundOperation()) {
      case FLUXBOUND_OPERATION_LESS_EQUAL: fb.program.upper[it->second] = value; break;
      case FLUXBOUND_OPERATION_GREATER_EQUAL: fb.program.lower[it->second] = value; break;
      case FLUXBOUND_OPERATION_EQUAL: fb.program.lower[it->second] = fb.program.upper[it->second] = value; break;
      default: refuse(file, b, "flux bound operation other than lessEqual, greaterEqual or equal");
    }
  }
}

void read_objective(const ::Model& model, FluxBalance& fb, const std::filesystem::path& file) {
  const auto* plugin = static_cast<const ::FbcModelPlugin*>(model.getPlugin("fbc"));
  const ::Objective* objective = plugin->getActiveObjective();
  if (!objective) refuse(file, &model, "flux balance without an active objective");
  fb.objective_id = objective->getId();
  if (objective->getObjectiveType() == OBJECTIVE_TYPE_UNKNOWN) refuse(file, objective, "objective that is neither maximize nor minimize");
  fb.program.maximize = objective->getObjectiveType() == OBJECTIVE_TYPE_MAXIMIZE;
  for (unsigned i = 0; i < objective->getNumFluxObjectives(); ++i) {
    const ::FluxObjective* term = objective->getFluxObjective(i);
    const auto it = fb.reaction_index.find(term->getReaction());
    if (it == fb.reaction_index.end()) throw InputError({file, static_cast<int>(term->getLine()), "fluxObjective"}, "a reaction id", "'" + term->getReaction() + "'");
    fb.program.objective[it->second] += term->getCoefficient();
  }
}

FluxBalance read_flux_balance(const ::Model& model, const std::filesystem::path& file) {
  if (!model.getPlugin("fbc")) refuse(file, &model, "flux balance without the fbc package");
  FluxBalance fb;
  const std::size_t n = model.getNumReactions();
  for (unsigned j = 0; j < n; ++j) fb.reaction_index[model.getReaction(j)->getId()] = j;
  fb.program.objective.assign(n, 0.0);
  fb.program.lower.assign(n, -LinearProgram::unbounded);
  fb.program.upper.assign(n, LinearProgram::unbounded);
  read_stoichiometry(model, fb, file);
  read_bounds(model, fb, file);
  read_objective(model, fb, file);
  return fb;
}

// Optimal fluxes are results only where every optimal solution has them: GLPK's vertex is one of
// many where the optimum is degenerate. The optimum is held to 1e-7 of its size (GLPK's tolerance),
// so a unique flux still spreads by about that much of the problem's scale: a spread below 1e-6 of
// max(1, |optimum|, |flux|) is the LP's tolerance; a second solution differs by the bounds' scale.
void require_unique(const LinearProgram& program, double optimum, std::size_t variable, const std::string& id,
                    const std::filesystem::path& file) {
  const auto [least, greatest] = optimal_range(program, optimum, variable);
  const double scale = std::max({1.0, std::abs(optimum), std::abs(least), std::abs(greatest)});
  if (!(greatest - least <= 1e-6 * scale))
    throw SbmlUnsupported({file, 0, id}, "flux that the optimum does not determine", id,
                          fmt::format("optimal solutions range from {} to {}", least, greatest));
}

}  // namespace

SbmlRun run_sbml_flux_balance_case(const std::filesystem::path& sbml_file, const std::vector<std::string>& variables) {
  SbmlRun run;
  try {
    const std::unique_ptr<::SBMLDocument> doc = read_expanded(sbml_file);
    const FluxBalance fb = read_flux_balance(*doc->getModel(), sbml_file);
    const LinearProgramSolution solution = solve_linear_program(fb.program);
    if (solution.status == LinearProgramSolution::Status::unbounded)
      throw SbmlUnsupported({sbml_file, 0, fb.objective_id}, "unbounded flux balance objective", fb.objective_id);
    if (solution.status == LinearProgramSolution::Status::failed) {
      run.status = SbmlRun::Status::failed;
      run.message = "the linear program solver failed";
      return run;
    }
    const bool feasible = solution.status == LinearProgramSolution::Status::optimal;  // else NaN, as the suite says
    std::vector<double> row;
    for (const std::string& id : variables) {
      if (id == fb.objective_id) {
        row.push_back(feasible ? solution.objective : std::nan(""));
        continue;
      }
      const auto it = fb.reaction_index.find(id);
      if (it == fb.reaction_index.end()) throw InputError({sbml_file, 0, id}, "a reaction or the active objective", "'" + id + "'");
      if (feasible) require_unique(fb.program, solution.objective, it->second, id, sbml_file);
      row.push_back(feasible ? solution.x[it->second] : std::nan(""));
    }
    run.table.columns = variables;
    run.table.rows.push_back(std::move(row));
  } catch (const InputError& e) {
    return refused_run(e);
  }
  return run;
}

}  // namespace engraft
