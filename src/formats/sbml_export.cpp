#include "engraft/formats/sbml_export.hpp"

#include <cstdlib>
#include <memory>
#include <set>

#include <fmt/format.h>
#include <sbml/SBMLTypes.h>

#include "engraft/formats/sbml.hpp"

LIBSBML_CPP_NAMESPACE_USE

namespace engraft {

namespace {

using AstPtr = std::unique_ptr<::ASTNode>;

::ASTNodeType_t ast_type(Op op) {
  switch (op) {
    case Op::negate: case Op::subtract: return ::AST_MINUS;
    case Op::logical_not: return ::AST_LOGICAL_NOT;
    case Op::add: return ::AST_PLUS;
    case Op::multiply: return ::AST_TIMES;
    case Op::divide: return ::AST_DIVIDE;
    case Op::power: return ::AST_FUNCTION_POWER;
    case Op::less: return ::AST_RELATIONAL_LT;
    case Op::less_equal: return ::AST_RELATIONAL_LEQ;
    case Op::greater: return ::AST_RELATIONAL_GT;
    case Op::greater_equal: return ::AST_RELATIONAL_GEQ;
    case Op::equal: return ::AST_RELATIONAL_EQ;
    case Op::not_equal: return ::AST_RELATIONAL_NEQ;
    case Op::logical_and: return ::AST_LOGICAL_AND;
    case Op::logical_or: return ::AST_LOGICAL_OR;
    case Op::exp: return ::AST_FUNCTION_EXP;
    case Op::log: return ::AST_FUNCTION_LN;
    case Op::log10: return ::AST_FUNCTION_LOG;  // one child: base 10
    case Op::sqrt: return ::AST_FUNCTION_ROOT;  // one child: square root
    case Op::abs: return ::AST_FUNCTION_ABS;
    case Op::floor: return ::AST_FUNCTION_FLOOR;
    case Op::ceil: return ::AST_FUNCTION_CEILING;
    case Op::sin: return ::AST_FUNCTION_SIN;
    case Op::cos: return ::AST_FUNCTION_COS;
    case Op::tan: return ::AST_FUNCTION_TAN;
    case Op::sinh: return ::AST_FUNCTION_SINH;
    case Op::cosh: return ::AST_FUNCTION_COSH;
    case Op::tanh: return ::AST_FUNCTION_TANH;
    case Op::asin: return ::AST_FUNCTION_ARCSIN;
    case Op::acos: return ::AST_FUNCTION_ARCCOS;
    case Op::atan: return ::AST_FUNCTION_ARCTAN;
    case Op::factorial: return ::AST_FUNCTION_FACTORIAL;
    case Op::min: return ::AST_FUNCTION_MIN;
    case Op::max: return ::AST_FUNCTION_MAX;
    case Op::piecewise: return ::AST_FUNCTION_PIECEWISE;  // same argument order as engraft
    case Op::number: case Op::symbol: break;
  }
  ENGRAFT_ASSERT(false, "operator without an SBML counterpart");
}

AstPtr to_ast(const Expression& e) {
  if (e.op() == Op::number) {
    auto n = std::make_unique<::ASTNode>(::AST_REAL);
    n->setValue(e.value());
    return n;
  }
  if (e.op() == Op::symbol) {
    auto n = std::make_unique<::ASTNode>(e.name() == "t" ? ::AST_NAME_TIME : ::AST_NAME);
    n->setName(e.name() == "t" ? "time" : e.name().c_str());
    return n;
  }
  auto n = std::make_unique<::ASTNode>(ast_type(e.op()));
  for (const Expression& arg : e.args()) n->addChild(to_ast(arg).release());  // the parent owns its children
  return n;
}

void set_math(::SBase& element, const Expression& e) {
  const AstPtr ast = to_ast(e);
  if (auto* rule = dynamic_cast<::Rule*>(&element)) rule->setMath(ast.get());
  else if (auto* ia = dynamic_cast<::InitialAssignment*>(&element)) ia->setMath(ast.get());
  else if (auto* trigger = dynamic_cast<::Trigger*>(&element)) trigger->setMath(ast.get());
  else if (auto* ea = dynamic_cast<::EventAssignment*>(&element)) ea->setMath(ast.get());
  else if (auto* delay = dynamic_cast<::Delay*>(&element)) delay->setMath(ast.get());
  else if (auto* priority = dynamic_cast<::Priority*>(&element)) priority->setMath(ast.get());
}

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

void set_notes(::SBase& element, const std::string& text) {
  if (text.empty()) return;
  element.setNotes("<body xmlns=\"http://www.w3.org/1999/xhtml\"><p>" + escape(text) + "</p></body>");
}

}  // namespace

std::string export_sbml(const Model& m) {
  ::SBMLDocument document(3, 2);
  ::Model* model = document.createModel();
  model->setId(m.name);
  model->setName(m.title);
  std::string routes;
  for (const Route& r : m.routes) {
    routes += fmt::format(" Dose route '{}' ({}):", r.name, r.unit);
    for (const auto& [state, fraction] : r.into) routes += fmt::format(" {} x ({})", state, to_string(fraction));
    routes += ".";
  }
  set_notes(*model, fmt::format("engraft model {} {}. {} Time is in days.{}", m.name, m.version, m.description,
                                routes.empty() ? "" : " Doses are not part of SBML:" + routes));
  if (m.solver != SolverHint::automatic) {
    const int rc = model->appendAnnotation(
        fmt::format(R"(<engraft:solver xmlns:engraft="{}" hint="{}"/>)", engraft_sbml_namespace, to_string(m.solver)));
    ENGRAFT_ASSERT(rc == LIBSBML_OPERATION_SUCCESS, "libSBML refused engraft's solver annotation");
  }

  std::set<std::string> event_targets;
  for (const EventRule& e : m.events)
    for (const auto& [target, value] : e.assignments) event_targets.insert(target);

  for (const Parameter& p : m.parameters) {
    ::Parameter* sp = model->createParameter();
    sp->setId(p.name);
    sp->setValue(p.value);
    sp->setConstant(!event_targets.count(p.name));
    set_notes(*sp, fmt::format("unit: {}. {} Source: {}.{}", p.unit, p.description, p.source,
                               p.uncertainty.empty() ? "" : " Uncertainty: " + p.uncertainty + "."));
  }
  // A value that varies, starting at `initial` (an algebraic variable: where the search starts).
  const auto variable = [&](const std::string& name, const Expression& initial, const std::string& notes) {
    ::Parameter* sp = model->createParameter();
    sp->setId(name);
    sp->setConstant(false);
    set_notes(*sp, notes);
    if (initial.is_number()) {
      sp->setValue(initial.value());
    } else {
      ::InitialAssignment* ia = model->createInitialAssignment();
      ia->setSymbol(name);
      set_math(*ia, initial);
    }
  };
  for (const State& s : m.states) variable(s.name, s.initial, fmt::format("state; unit: {}. {}", s.unit, s.description));
  for (const AlgebraicRule& a : m.algebraic_rules)
    variable(a.variable, a.guess, fmt::format("determined by an algebraic rule; unit: {}. {}",
                                              a.unit.empty() ? "not stated" : a.unit, a.description));
  const auto assignment = [&](const std::string& name, const Expression& value, const std::string& unit,
                              const std::string& description) {
    ::Parameter* sp = model->createParameter();
    sp->setId(name);
    sp->setConstant(false);
    set_notes(*sp, fmt::format("unit: {}. {}", unit.empty() ? "not stated" : unit, description));
    ::AssignmentRule* rule = model->createAssignmentRule();
    rule->setVariable(name);
    set_math(*rule, value);
  };
  for (const Observable& o : m.observables) assignment(o.name, o.value, o.unit, "observable. " + o.description);
  for (const Assignment& a : m.assignments) assignment(a.name, a.value, a.unit, a.description);
  for (const Derivative& d : m.derivatives) {
    ::RateRule* rule = model->createRateRule();
    rule->setVariable(d.state);
    set_math(*rule, d.rate);
  }
  for (const AlgebraicRule& a : m.algebraic_rules) set_math(*model->createAlgebraicRule(), a.residual);
  for (const EventRule& e : m.events) {
    ::Event* event = model->createEvent();
    event->setId(e.name);
    event->setUseValuesFromTriggerTime(e.use_values_from_trigger_time);
    ::Trigger* trigger = event->createTrigger();
    trigger->setInitialValue(e.initial_value);
    trigger->setPersistent(e.persistent);
    set_math(*trigger, e.trigger);
    if (e.delay) set_math(*event->createDelay(), *e.delay);
    if (e.priority) set_math(*event->createPriority(), *e.priority);
    for (const auto& [target, value] : e.assignments) {
      ::EventAssignment* ea = event->createEventAssignment();
      ea->setVariable(target);
      set_math(*ea, value);
    }
  }
  ::SBMLWriter writer;
  const std::unique_ptr<char, decltype(&std::free)> text(writer.writeSBMLToString(&document), &std::free);
  return text ? std::string(text.get()) : std::string();
}

std::vector<std::string> sbml_consistency_errors(const std::string& sbml) {
  const std::unique_ptr<::SBMLDocument> document(::readSBMLFromString(sbml.c_str()));
  document->checkConsistency();
  std::vector<std::string> errors;
  for (unsigned i = 0; i < document->getNumErrors(); ++i) {
    const ::SBMLError* error = document->getError(i);
    if (error->getSeverity() >= ::LIBSBML_SEV_ERROR)
      errors.push_back(fmt::format("line {}: {}", error->getLine(), error->getMessage()));
  }
  return errors;
}

}  // namespace engraft
