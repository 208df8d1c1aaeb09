// SBML import: libSBML reads (and flattens comp models); this file maps the SBML model onto
// engraft's Model, exactly or not at all.
//
// Mapping (SBML time is unitless and read as days):
// - species: states holding the AMOUNT (reactions change amounts; a compartment that changes
//   size dilutes the concentration, as SBML says). In math a species means its concentration
//   (amount/size) unless it has only substance units or lives in a 0-D compartment. A species
//   with a rate rule is a state in its own units; one with an assignment rule an assignment.
// - compartments, parameters and species references (stoichiometries with an id): parameters
//   when constant in value (events may still change parameters), assignments for assignment
//   rules, states for rate rules; an initial assignment makes a value fixed at the start: an
//   assignment of parameters when nothing can change it later, else a state with zero rate.
// - reactions: an assignment named after the reaction (its rate, extent/time), and on each
//   species' ODE +-stoichiometry x rate x conversion factor. Kinetic-law local parameters become
//   parameters named REACTION__ID (made unique).
// - initial values: every initial assignment, assignment rule and attribute is substituted
//   into one expression of parameters and time (cycles are refused).
// - function definitions are inlined; MathML maps onto Expression (csymbol time is t,
//   avogadro 6.02214179e23, the spec's value); rateOf(x) is x's rate rule, its species' reaction
//   terms (over the size for a concentration) or 0 for values only events change.
// - events: each SBML event is one EventRule with its delay, priority, persistent, initialValue
//   and useValuesFromTriggerTime; the engine executes them as SBML says (simultaneous events by
//   priority, triggers re-checked after each execution). Equal priorities run in a seeded random order,
//   as SBML says (the same in every run).
// - algebraic rules: each determines the value the SBML structural matching gives it (an
//   undetermined value it mentions); Model::algebraic_rules, solved by Newton in CompiledModel.
// - fast reactions (at equilibrium at all times): the amounts of the species they change are
//   algebraic variables, fixed by one state per conserved moiety of the fast reactions (changed
//   by slow reactions only) and by each fast rate being 0.
// - flux balance (fbc): a linear program, not a time course (run_sbml_flux_balance_case).
// - annotations are ignored except engraft's own <engraft:solver hint="..."/> on the model
//   (engraft_sbml_namespace), which sets the solver hint; other tools' annotations never matter.
// Refused (SbmlUnsupported): over-determined or ambiguous algebraic rules; dependent fast
// reactions, fast ones whose stoichiometry or conversion factor varies, events assigning their
// species; at run time, algebraic systems Newton cannot solve and unstable fast equilibria; the
// delay csymbol, equality in triggers, reactions without kinetic laws, rateOf of an
// assignment-rule or algebraic variable, values that SBML leaves undefined, and fluxes that
// differ between optimal solutions of a flux-balance problem.
#include "engraft/formats/sbml.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <memory>
#include <numbers>
#include <optional>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include <sbml/SBMLTypes.h>
#include <sbml/conversion/ConversionProperties.h>
#include <sbml/extension/SBasePlugin.h>

#include "engraft/model/compiled_model.hpp"
#include "engraft/solve/solver.hpp"
#include "structural.hpp"

namespace engraft {

SbmlUnsupported::SbmlUnsupported(SourceLocation where, std::string construct, const std::string& element,
                                 const std::string& detail)
    : InputError(std::move(where), "SBML that engraft simulates exactly",
                 fmt::format("unsupported SBML construct: {} ({}){}", construct, element, detail.empty() ? "" : ": " + detail)),
      construct_(std::move(construct)) {}

namespace {

// The value the SBML Level 3 specifications give (and the test suite uses).
constexpr double avogadro_constant = 6.02214179e23;
// Raw symbols (SBML math before it is resolved) name SBML ids; these prefixes cannot start an SId.
constexpr const char* raw_time = "#t";
constexpr char raw_engraft_prefix = '#';  // "#name": already an engraft name (local parameters)
constexpr char raw_rate_prefix = '$';     // "$id": rateOf(id), expanded once the model is classified

// NaN is 0/0 computed at run time: a NaN constant would be merged with another constant by the
// compiler's constant table (std::map keyed by double, where NaN compares equivalent to all).
// Infinities are +-1/0, so that every expression prints as text the model-file parser reads.
Expression number(double v) {
  if (std::isnan(v)) return Expression::apply(Op::divide, {Expression::number(0.0), Expression::number(0.0)});
  if (std::isinf(v)) return Expression::apply(Op::divide, {Expression::number(v > 0 ? 1.0 : -1.0), Expression::number(0.0)});
  return Expression::number(v);
}
Expression symbol(std::string name) { return Expression::symbol(std::move(name)); }
Expression apply(Op op, std::vector<Expression> args) { return Expression::apply(op, std::move(args)); }
bool is_number(const Expression& e, double v) { return e.is_number() && e.value() == v; }
// Exact simplifications only (x*1, x/1, 0+x): never 0*x, which is NaN for infinite x.
Expression plus(Expression a, Expression b) {
  if (is_number(a, 0.0)) return b;
  if (is_number(b, 0.0)) return a;
  return apply(Op::add, {std::move(a), std::move(b)});
}
Expression times(Expression a, Expression b) {
  if (is_number(a, 1.0)) return b;
  if (is_number(b, 1.0)) return a;
  return apply(Op::multiply, {std::move(a), std::move(b)});
}
Expression divide(Expression a, Expression b) {
  if (is_number(b, 1.0)) return a;
  return apply(Op::divide, {std::move(a), std::move(b)});
}
Expression truth(const Expression& e) { return apply(Op::not_equal, {e, number(0.0)}); }

// `visit` is called once per node (the importer's budget against inputs that explode).
Expression substitute(const Expression& e, const std::function<Expression(const std::string&)>& replace,
                      const std::function<void()>& visit) {
  visit();
  if (e.op() == Op::symbol) return replace(e.name());
  if (e.args().empty()) return e;
  std::vector<Expression> args;
  args.reserve(e.args().size());
  for (const Expression& a : e.args()) args.push_back(substitute(a, replace, visit));
  return apply(e.op(), std::move(args));
}

bool contains_equality(const Expression& e) {
  if (e.op() == Op::equal || e.op() == Op::not_equal) return true;
  return std::any_of(e.args().begin(), e.args().end(), contains_equality);
}

std::string id_of(const ::SBase* element) {
  if (!element) return "model";
  if (element->isSetId()) return element->getId();
  if (element->isSetMetaId()) return element->getMetaId();
  return element->getElementName();
}

struct ReadDocument {
  std::unique_ptr<::SBMLDocument> document;
  std::filesystem::path file;
};

// Errors of severity error or fatal make the document unusable; the first is reported.
void check_errors(::SBMLDocument& doc, const std::filesystem::path& file, const char* stage) {
  const unsigned n = doc.getNumErrors();
  for (unsigned i = 0; i < n; ++i) {
    const ::SBMLError* error = doc.getError(i);
    if (!error || error->getSeverity() < LIBSBML_SEV_ERROR) continue;
    std::string message = error->getMessage();
    while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back()))) message.pop_back();
    std::replace(message.begin(), message.end(), '\n', ' ');
    throw InputError({file, static_cast<int>(error->getLine()), stage}, "valid SBML",
                     fmt::format("libSBML {} {}: {}", error->getSeverityAsString(), error->getErrorId(), message));
  }
}

void prepare(ReadDocument& read) {
  if (!read.document) throw InputError({read.file, 0, ""}, "an SBML document", "nothing libSBML could read");
  ::SBMLDocument& doc = *read.document;
  check_errors(doc, read.file, "read");
  if (doc.getLevel() < 2)
    throw SbmlUnsupported({read.file, 0, "sbml"}, "SBML Level 1 (convert to Level 2 or 3)", "sbml");
  if (doc.isPackageEnabled("fbc")) throw SbmlUnsupported({read.file, 0, "fbc"}, "flux balance constraints (fbc)", "fbc");
  for (unsigned i = 0; i < doc.getNumPlugins(); ++i) {
    const std::string package = doc.getPlugin(i)->getPackageName();
    static const std::set<std::string> harmless = {"comp", "layout", "render", "groups", "l3v2extendedmath", "core"};
    if (!harmless.count(package) && doc.getPackageRequired(package))
      throw SbmlUnsupported({read.file, 0, package}, "SBML package " + package, package);
  }
  if (doc.isPackageEnabled("comp")) {
    ::ConversionProperties properties;
    properties.addOption("flatten comp", true);
    properties.addOption("performValidation", false);
    if (read.file.has_parent_path()) properties.addOption("basePath", read.file.parent_path().string());
    const int rc = doc.convert(properties);
    if (rc != LIBSBML_OPERATION_SUCCESS) {
      check_errors(doc, read.file, "comp flattening");
      throw SbmlUnsupported({read.file, 0, "comp"}, "hierarchical model libSBML cannot flatten", "comp");
    }
    check_errors(doc, read.file, "comp flattening");
  }
  if (!doc.getModel()) throw InputError({read.file, 0, "sbml"}, "a <model> element", "none");
}

// ---------------------------------------------------------------------------------------------

class Importer {
 public:
  Importer(::SBMLDocument& doc, std::filesystem::path file)
      : doc_(doc), sbml_(*doc.getModel()), file_(std::move(file)), level_(static_cast<int>(doc.getLevel())) {}

  SbmlImport run() {
    out_.level = level_;
    out_.version = static_cast<int>(doc_.getVersion());
    collect_ids();
    collect_functions();
    collect_entities();
    collect_rules();
    collect_initial_assignments();
    collect_reactions();
    collect_event_targets();
    classify();
    build_model();
    build_events();
    build_symbols();
    return std::move(out_);
  }

 private:
  // What an SBML id is in engraft.
  enum class Rep { parameter, assignment, state, fixed, reaction, algebraic, undefined };

  struct Entity {
    std::string id;
    SbmlSymbol::Kind kind = SbmlSymbol::Kind::parameter;
    const ::SBase* element = nullptr;
    std::string name;  // engraft name
    Rep rep = Rep::undefined;
    bool constant = false;
    std::optional<double> attribute;  // size, value or stoichiometry
    // species
    std::string compartment;
    bool amount_units = false;  // the symbol means the amount
    bool amount_state = false;  // the state holds the amount (no rules)
    bool boundary = false;
    std::optional<double> initial_amount, initial_concentration;
    std::string conversion_factor;
    bool zero_dimensional = false;  // compartments
    // raw math (symbols are SBML ids)
    std::optional<Expression> assignment_rule, rate_rule, initial_assignment, kinetic_law;
    const ::SBase* assignment_rule_element = nullptr;
    const ::SBase* rate_rule_element = nullptr;
    bool event_target = false;
    bool in_reaction = false;  // reactant or product of some reaction
  };

  // 0 = math: determines the entity that the structural matching gives it.
  struct AlgebraicEquation {
    const ::Rule* element = nullptr;
    Expression math;  // raw
    std::string determines;  // SBML id
  };

  struct MathContext {
    const ::SBase* element = nullptr;                     // for messages
    const std::map<std::string, Expression>* bound = nullptr;      // lambda arguments
    const std::map<std::string, std::string>* locals = nullptr;    // local parameter -> engraft name
    int depth = 0;
  };

  // ---- messages ----
  SourceLocation where(const ::SBase* element) const {
    return {file_, element ? static_cast<int>(element->getLine()) : 0, id_of(element)};
  }
  [[noreturn]] void refuse(const ::SBase* element, const std::string& construct, const std::string& detail = {}) const {
    throw SbmlUnsupported(where(element), construct, id_of(element), detail);
  }
  [[noreturn]] void invalid(const ::SBase* element, const std::string& expected, const std::string& got) const {
    throw InputError(where(element), expected, got);
  }

  // ---- names ----
  void collect_ids() {
    used_.insert("t");
    for (unsigned i = 0; i < sbml_.getNumCompartments(); ++i) used_.insert(sbml_.getCompartment(i)->getId());
    for (unsigned i = 0; i < sbml_.getNumSpecies(); ++i) used_.insert(sbml_.getSpecies(i)->getId());
    for (unsigned i = 0; i < sbml_.getNumParameters(); ++i) used_.insert(sbml_.getParameter(i)->getId());
    for (unsigned i = 0; i < sbml_.getNumFunctionDefinitions(); ++i) used_.insert(sbml_.getFunctionDefinition(i)->getId());
    for (unsigned i = 0; i < sbml_.getNumEvents(); ++i) used_.insert(sbml_.getEvent(i)->getId());
    for (unsigned i = 0; i < sbml_.getNumReactions(); ++i) {
      const ::Reaction* r = sbml_.getReaction(i);
      used_.insert(r->getId());
      for (unsigned j = 0; j < r->getNumReactants(); ++j) used_.insert(r->getReactant(j)->getId());
      for (unsigned j = 0; j < r->getNumProducts(); ++j) used_.insert(r->getProduct(j)->getId());
      for (unsigned j = 0; j < r->getNumModifiers(); ++j) used_.insert(r->getModifier(j)->getId());
    }
  }
  std::string unique(const std::string& base) {
    std::string name = base;
    for (int k = 2; used_.count(name); ++k) name = fmt::format("{}_{}", base, k);
    used_.insert(name);
    return name;
  }
  // `t` is engraft's time; `nan` and `inf` are how numbers print (expression text is a key in the compiler).
  std::string engraft_name(const std::string& id) {
    return id == "t" || id == "nan" || id == "inf" ? unique(id + "_sbml") : id;
  }

  // ---- MathML ----
  void collect_functions() {
    for (unsigned i = 0; i < sbml_.getNumFunctionDefinitions(); ++i) {
      const ::FunctionDefinition* f = sbml_.getFunctionDefinition(i);
      functions_[f->getId()] = f;
    }
  }

  // Inputs that would exhaust the stack or the memory (deep nesting, function definitions that
  // call each other twice per level, long chains of initial values) are refused.
  static constexpr std::size_t work_limit = 2'000'000, nesting_limit = 400;  // F8: ASan frames are large
  void spend(const ::SBase* element) {
    if (++work_ > work_limit) refuse(element, "model too large to expand (function definitions or initial values)");
  }
  struct Nesting {
    explicit Nesting(Importer& importer, const ::SBase* element) : self(importer) {
      if (++self.nesting_ > nesting_limit) self.refuse(element, "MathML nested too deeply");
    }
    ~Nesting() { --self.nesting_; }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;
    Importer& self;
  };

  Expression convert(const ::ASTNode* node, const MathContext& c) {
    if (!node) refuse(c.element, "missing MathML");
    spend(c.element);
    const Nesting nesting(*this, c.element);
    const auto arg = [&](unsigned i) { return convert(node->getChild(i), c); };
    const unsigned n = node->getNumChildren();
    const auto need = [&](unsigned count) {
      if (n != count) invalid(c.element, fmt::format("{} argument(s) for MathML <{}>", count, node->getName() ? node->getName() : "?"),
                              fmt::format("{}", n));
    };
    const auto unary = [&](Op op) {
      need(1);
      return apply(op, {arg(0)});
    };
    const auto fold = [&](Op op, double empty) {
      if (n == 0) return number(empty);
      Expression acc = arg(0);
      for (unsigned i = 1; i < n; ++i) acc = apply(op, {acc, arg(i)});
      return acc;
    };
    const auto chain = [&](Op op) {  // a < b < c: every neighbouring pair
      if (n == 0) invalid(c.element, "arguments for a relational operator", "none");
      if (n == 1) return number(1.0);
      Expression acc = apply(op, {arg(0), arg(1)});
      for (unsigned i = 2; i < n; ++i) acc = apply(Op::logical_and, {acc, apply(op, {arg(i - 1), arg(i)})});
      return acc;
    };
    const auto inverse = [&](Op op) {  // f(1/x)
      need(1);
      return apply(op, {divide(number(1.0), arg(0))});
    };
    const auto log_of = [](Expression x) { return apply(Op::log, {std::move(x)}); };
    const auto sqrt_of = [](Expression x) { return apply(Op::sqrt, {std::move(x)}); };
    const auto square = [](const Expression& x) { return apply(Op::multiply, {x, x}); };

    switch (node->getType()) {
      case AST_INTEGER: return number(static_cast<double>(node->getInteger()));
      case AST_REAL: case AST_REAL_E: case AST_RATIONAL: return number(node->getReal());
      case AST_CONSTANT_E: return number(std::numbers::e);
      case AST_CONSTANT_PI: return number(std::numbers::pi);
      case AST_CONSTANT_TRUE: return number(1.0);
      case AST_CONSTANT_FALSE: return number(0.0);
      case AST_NAME_AVOGADRO: return number(avogadro_constant);
      case AST_NAME_TIME: return symbol(raw_time);
      case AST_NAME: {
        const std::string name = node->getName() ? node->getName() : "";
        // An SId (SBML L3V2 §3.1.7). libSBML reads any <ci> text; an id such as "$c" would otherwise
        // be taken for the importer's own rateOf marker and recurse without end (fuzz finding F14).
        const bool sid = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_') &&
                         std::all_of(name.begin(), name.end(), [](char ch) {
                           return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
                         });
        if (!sid) invalid(c.element, "an SBML identifier in <ci> (a letter or _, then letters, digits or _)", "'" + name + "'");
        if (c.bound) {
          if (auto it = c.bound->find(name); it != c.bound->end()) return it->second;
        }
        if (c.locals) {
          if (auto it = c.locals->find(name); it != c.locals->end()) return symbol(raw_engraft_prefix + it->second);
        }
        return symbol(name);
      }
      case AST_PLUS: return fold(Op::add, 0.0);
      case AST_TIMES: return fold(Op::multiply, 1.0);
      case AST_MINUS:
        if (n == 1) return apply(Op::negate, {arg(0)});
        need(2);
        return apply(Op::subtract, {arg(0), arg(1)});
      case AST_DIVIDE: need(2); return apply(Op::divide, {arg(0), arg(1)});
      case AST_POWER: case AST_FUNCTION_POWER: need(2); return apply(Op::power, {arg(0), arg(1)});
      case AST_FUNCTION_ROOT:
        if (n == 1) return sqrt_of(arg(0));
        need(2);
        if (is_number(arg(0), 2.0)) return sqrt_of(arg(1));
        return apply(Op::power, {arg(1), divide(number(1.0), arg(0))});
      case AST_FUNCTION_EXP: return unary(Op::exp);
      case AST_FUNCTION_LN: return unary(Op::log);
      case AST_FUNCTION_LOG:
        if (n == 1) return apply(Op::log10, {arg(0)});
        need(2);
        if (is_number(arg(0), 10.0)) return apply(Op::log10, {arg(1)});
        return divide(log_of(arg(1)), log_of(arg(0)));
      case AST_FUNCTION_ABS: return unary(Op::abs);
      case AST_FUNCTION_FLOOR: return unary(Op::floor);
      case AST_FUNCTION_CEILING: return unary(Op::ceil);
      case AST_FUNCTION_SIN: return unary(Op::sin);
      case AST_FUNCTION_COS: return unary(Op::cos);
      case AST_FUNCTION_TAN: return unary(Op::tan);
      case AST_FUNCTION_SINH: return unary(Op::sinh);
      case AST_FUNCTION_COSH: return unary(Op::cosh);
      case AST_FUNCTION_TANH: return unary(Op::tanh);
      case AST_FUNCTION_ARCSIN: return unary(Op::asin);
      case AST_FUNCTION_ARCCOS: return unary(Op::acos);
      case AST_FUNCTION_ARCTAN: return unary(Op::atan);
      case AST_FUNCTION_SEC: need(1); return divide(number(1.0), apply(Op::cos, {arg(0)}));
      case AST_FUNCTION_CSC: need(1); return divide(number(1.0), apply(Op::sin, {arg(0)}));
      case AST_FUNCTION_COT: { need(1); const Expression x = arg(0); return divide(apply(Op::cos, {x}), apply(Op::sin, {x})); }
      case AST_FUNCTION_SECH: need(1); return divide(number(1.0), apply(Op::cosh, {arg(0)}));
      case AST_FUNCTION_CSCH: need(1); return divide(number(1.0), apply(Op::sinh, {arg(0)}));
      case AST_FUNCTION_COTH: { need(1); const Expression x = arg(0); return divide(apply(Op::cosh, {x}), apply(Op::sinh, {x})); }
      case AST_FUNCTION_ARCSEC: return inverse(Op::acos);
      case AST_FUNCTION_ARCCSC: return inverse(Op::asin);
      case AST_FUNCTION_ARCCOT: return inverse(Op::atan);
      case AST_FUNCTION_ARCSINH: {  // sign(x) ln(|x| + sqrt(x^2 + 1)): no cancellation for x < 0
        need(1);
        const Expression x = arg(0), ax = apply(Op::abs, {x});
        const Expression magnitude = log_of(plus(ax, sqrt_of(plus(square(ax), number(1.0)))));
        return apply(Op::piecewise, {apply(Op::negate, {magnitude}), apply(Op::less, {x, number(0.0)}), magnitude});
      }
      case AST_FUNCTION_ARCCOSH: {  // ln(x + sqrt(x^2 - 1))
        need(1);
        const Expression x = arg(0);
        return log_of(plus(x, sqrt_of(apply(Op::subtract, {square(x), number(1.0)}))));
      }
      case AST_FUNCTION_ARCTANH: {  // ln((1 + x)/(1 - x))/2
        need(1);
        const Expression x = arg(0);
        return times(number(0.5), log_of(divide(plus(number(1.0), x), apply(Op::subtract, {number(1.0), x}))));
      }
      case AST_FUNCTION_ARCCOTH: {  // ln((x + 1)/(x - 1))/2
        need(1);
        const Expression x = arg(0);
        return times(number(0.5), log_of(divide(plus(x, number(1.0)), apply(Op::subtract, {x, number(1.0)}))));
      }
      case AST_FUNCTION_ARCSECH: {  // ln((1 + sqrt(1 - x^2))/x)
        need(1);
        const Expression x = arg(0);
        return log_of(divide(plus(number(1.0), sqrt_of(apply(Op::subtract, {number(1.0), square(x)}))), x));
      }
      case AST_FUNCTION_ARCCSCH: {  // asinh(1/x) = sign(x) ln(1/|x| + sqrt(1/x^2 + 1))
        need(1);
        const Expression x = arg(0), inv = divide(number(1.0), apply(Op::abs, {x}));
        const Expression magnitude = log_of(plus(inv, sqrt_of(plus(square(inv), number(1.0)))));
        return apply(Op::piecewise, {apply(Op::negate, {magnitude}), apply(Op::less, {x, number(0.0)}), magnitude});
      }
      case AST_FUNCTION_FACTORIAL: return unary(Op::factorial);
      case AST_FUNCTION_PIECEWISE: {
        if (n == 0) refuse(c.element, "empty piecewise");
        std::vector<Expression> args;
        for (unsigned i = 0; i < n; ++i) args.push_back(arg(i));
        if (n == 1) return args[0];
        if (n % 2 == 0) args.push_back(number(std::nan("")));  // no piece applies: undefined
        return apply(Op::piecewise, std::move(args));
      }
      case AST_RELATIONAL_EQ: return chain(Op::equal);
      case AST_RELATIONAL_GEQ: return chain(Op::greater_equal);
      case AST_RELATIONAL_GT: return chain(Op::greater);
      case AST_RELATIONAL_LEQ: return chain(Op::less_equal);
      case AST_RELATIONAL_LT: return chain(Op::less);
      case AST_RELATIONAL_NEQ: need(2); return apply(Op::not_equal, {arg(0), arg(1)});
      case AST_LOGICAL_AND:
        if (n == 1) return truth(arg(0));
        return fold(Op::logical_and, 1.0);
      case AST_LOGICAL_OR:
        if (n == 1) return truth(arg(0));
        return fold(Op::logical_or, 0.0);
      case AST_LOGICAL_NOT: return unary(Op::logical_not);
      case AST_LOGICAL_XOR: {
        if (n == 0) return number(0.0);
        Expression acc = truth(arg(0));
        for (unsigned i = 1; i < n; ++i) acc = apply(Op::not_equal, {acc, truth(arg(i))});
        return acc;
      }
      case AST_LOGICAL_IMPLIES: need(2); return apply(Op::logical_or, {apply(Op::logical_not, {arg(0)}), arg(1)});
      case AST_FUNCTION_MAX: if (n == 0) invalid(c.element, "arguments for max", "none"); return fold(Op::max, 0.0);
      case AST_FUNCTION_MIN: if (n == 0) invalid(c.element, "arguments for min", "none"); return fold(Op::min, 0.0);
      case AST_FUNCTION_QUOTIENT: case AST_FUNCTION_REM: {
        // quotient: a/b rounded toward zero; rem: a - b quotient(a, b) (the sign of a)
        need(2);
        const Expression a = arg(0), b = arg(1), ratio = divide(a, b);
        const Expression q = apply(Op::piecewise, {apply(Op::floor, {ratio}), apply(Op::greater_equal, {ratio, number(0.0)}),
                                                   apply(Op::ceil, {ratio})});
        if (node->getType() == AST_FUNCTION_QUOTIENT) return q;
        return apply(Op::subtract, {a, apply(Op::multiply, {b, q})});
      }
      case AST_FUNCTION: return call_function(node, c);
      case AST_FUNCTION_DELAY: refuse(c.element, "delay csymbol");
      case AST_FUNCTION_RATE_OF: {
        need(1);
        const ::ASTNode* target = node->getChild(0);
        if (target->getType() != AST_NAME || !target->getName()) refuse(c.element, "rateOf of an expression");
        const std::string name = target->getName();
        if (c.bound && c.bound->count(name)) {  // a function's argument: the rate of what was passed
          const Expression& passed = c.bound->at(name);
          if (passed.is_number()) return number(0.0);
          if (passed.op() == Op::symbol && !passed.name().empty() && passed.name()[0] != raw_engraft_prefix &&
              passed.name()[0] != raw_rate_prefix && passed.name() != raw_time)
            return symbol(raw_rate_prefix + passed.name());
          refuse(c.element, "rateOf of an expression");
        }
        if (c.locals && c.locals->count(name)) return number(0.0);  // local parameters are constant
        return symbol(raw_rate_prefix + name);
      }
      case AST_LAMBDA: refuse(c.element, "lambda outside a function definition");
      default: break;
    }
    refuse(c.element, fmt::format("MathML element {}", node->getName() ? node->getName() : fmt::format("of type {}", static_cast<int>(node->getType()))));
  }

  Expression call_function(const ::ASTNode* node, const MathContext& c) {
    const std::string name = node->getName() ? node->getName() : "";
    const auto it = functions_.find(name);
    if (it == functions_.end()) invalid(c.element, "a function defined in the model", "'" + name + "()'");
    const ::FunctionDefinition* f = it->second;
    if (!f->isSetMath() || !f->getBody()) refuse(f, "function definition without MathML");
    if (c.depth > 64) refuse(f, "recursive function definitions");
    if (f->getNumArguments() != node->getNumChildren())
      invalid(c.element, fmt::format("{} argument(s) for {}()", f->getNumArguments(), name),
              fmt::format("{}", node->getNumChildren()));
    std::map<std::string, Expression> bound;
    for (unsigned i = 0; i < f->getNumArguments(); ++i) {
      const ::ASTNode* bvar = f->getArgument(i);
      bound[bvar && bvar->getName() ? bvar->getName() : ""] = convert(node->getChild(i), c);
    }
    MathContext inner{c.element, &bound, nullptr, c.depth + 1};
    return convert(f->getBody(), inner);
  }

  Expression math_of(const ::ASTNode* math, const ::SBase* element,
                     const std::map<std::string, std::string>* locals = nullptr) {
    MathContext c{element, nullptr, locals, 0};
    Expression e = convert(math, c);
    // The engine walks expressions recursively: an n-ary sum folds into a deep tree.
    if (e.depth() > 500) refuse(element, "MathML expression more than 500 operations deep");
    return e;
  }

  // ---- entities ----
  Entity& add_entity(const std::string& id, SbmlSymbol::Kind kind, const ::SBase* element) {
    auto [it, inserted] = entities_.try_emplace(id);
    if (!inserted) invalid(element, "ids that are unique in the model", "'" + id + "' twice");
    it->second.id = id;
    it->second.kind = kind;
    it->second.element = element;
    order_.push_back(id);
    return it->second;
  }
  Entity* find_entity(const std::string& id) {
    const auto it = entities_.find(id);
    return it == entities_.end() ? nullptr : &it->second;
  }
  Entity& entity(const std::string& id, const ::SBase* element) {
    Entity* e = find_entity(id);
    if (!e) invalid(element, "the id of a compartment, species, parameter, reaction or species reference", "'" + id + "'");
    return *e;
  }

  void collect_entities() {
    for (unsigned i = 0; i < sbml_.getNumCompartments(); ++i) {
      const ::Compartment* c = sbml_.getCompartment(i);
      Entity& e = add_entity(c->getId(), SbmlSymbol::Kind::compartment, c);
      e.constant = c->getConstant();
      if (c->isSetSize()) e.attribute = c->getSize();
      const double dims = level_ >= 3 ? c->getSpatialDimensionsAsDouble() : static_cast<double>(c->getSpatialDimensions());
      e.zero_dimensional = (level_ < 3 || c->isSetSpatialDimensions()) && dims == 0.0;
    }
    for (unsigned i = 0; i < sbml_.getNumSpecies(); ++i) {
      const ::Species* s = sbml_.getSpecies(i);
      Entity& e = add_entity(s->getId(), SbmlSymbol::Kind::species, s);
      e.constant = s->getConstant();
      e.boundary = s->getBoundaryCondition();
      e.compartment = s->getCompartment();
      const Entity* compartment = find_entity(e.compartment);
      if (!compartment || compartment->kind != SbmlSymbol::Kind::compartment)
        invalid(s, "the id of a compartment", "'" + e.compartment + "'");
      e.amount_units = s->getHasOnlySubstanceUnits();  // and in a 0-D compartment without size (classify)
      if (s->isSetInitialAmount()) e.initial_amount = s->getInitialAmount();
      if (s->isSetInitialConcentration()) e.initial_concentration = s->getInitialConcentration();
      if (level_ >= 3) {
        if (s->isSetConversionFactor()) e.conversion_factor = s->getConversionFactor();
        else if (sbml_.isSetConversionFactor()) e.conversion_factor = sbml_.getConversionFactor();
      }
    }
    for (unsigned i = 0; i < sbml_.getNumParameters(); ++i) {
      const ::Parameter* p = sbml_.getParameter(i);
      Entity& e = add_entity(p->getId(), SbmlSymbol::Kind::parameter, p);
      e.constant = p->getConstant();
      if (p->isSetValue()) e.attribute = p->getValue();
    }
    for (unsigned i = 0; i < sbml_.getNumReactions(); ++i) {
      const ::Reaction* r = sbml_.getReaction(i);
      add_entity(r->getId(), SbmlSymbol::Kind::reaction, r).rep = Rep::reaction;
      const auto reference = [&](const ::SpeciesReference* sr) {
        if (!sr->isSetId()) return;
        Entity& e = add_entity(sr->getId(), SbmlSymbol::Kind::species_reference, sr);
        e.constant = level_ >= 3 ? sr->getConstant() : true;
        if (level_ < 3 || sr->isSetStoichiometry()) e.attribute = sr->getStoichiometry();
      };
      for (unsigned j = 0; j < r->getNumReactants(); ++j) reference(r->getReactant(j));
      for (unsigned j = 0; j < r->getNumProducts(); ++j) reference(r->getProduct(j));
    }
  }

  void collect_rules() {
    for (unsigned i = 0; i < sbml_.getNumRules(); ++i) {
      const ::Rule* rule = sbml_.getRule(i);
      if (rule->isAlgebraic()) {
        if (rule->isSetMath()) algebraic_.push_back(AlgebraicEquation{rule, math_of(rule->getMath(), rule), {}});
        continue;
      }
      const std::string variable = rule->getVariable();
      Entity& e = entity(variable, rule);
      if (e.kind == SbmlSymbol::Kind::reaction) invalid(rule, "a rule for a compartment, species or parameter", "reaction '" + variable + "'");
      if (e.assignment_rule || e.rate_rule) invalid(rule, "one rule per variable", "a second rule for '" + variable + "'");
      if (!rule->isSetMath()) continue;  // a rule without math has no effect
      Expression math = math_of(rule->getMath(), rule);
      if (rule->isAssignment()) {
        e.assignment_rule = std::move(math);
        e.assignment_rule_element = rule;
      } else if (rule->isRate()) {
        e.rate_rule = std::move(math);
        e.rate_rule_element = rule;
      } else {
        refuse(rule, "rule of unknown type");
      }
    }
  }

  void collect_initial_assignments() {
    for (unsigned i = 0; i < sbml_.getNumInitialAssignments(); ++i) {
      const ::InitialAssignment* ia = sbml_.getInitialAssignment(i);
      Entity& e = entity(ia->getSymbol(), ia);
      if (e.kind == SbmlSymbol::Kind::reaction) invalid(ia, "an initial assignment to a value", "reaction '" + e.id + "'");
      if (!ia->isSetMath()) continue;  // no effect
      e.initial_assignment = math_of(ia->getMath(), ia);
    }
  }

  void collect_reactions() {
    for (unsigned i = 0; i < sbml_.getNumReactions(); ++i) {
      const ::Reaction* r = sbml_.getReaction(i);
      if (r->isSetFast() && r->getFast()) fast_reactions_.push_back(r);
      const ::KineticLaw* law = r->getKineticLaw();
      if (!law || !law->isSetMath()) refuse(r, "reaction without a kinetic law");
      std::map<std::string, std::string> locals;
      const unsigned n_local = level_ >= 3 ? law->getNumLocalParameters() : law->getNumParameters();
      for (unsigned j = 0; j < n_local; ++j) {
        const ::Parameter* p = level_ >= 3 ? law->getLocalParameter(j) : law->getParameter(j);
        if (!p->isSetValue()) refuse(p, "local parameter without a value");
        const std::string name = unique(r->getId() + "__" + p->getId());
        locals[p->getId()] = name;
        engraft::Parameter parameter;
        parameter.name = name;
        parameter.value = p->getValue();
        parameter.description = fmt::format("local parameter {} of reaction {}", p->getId(), r->getId());
        parameter.source = file_.filename().string();
        parameter.where = where(p);
        local_parameters_.push_back(std::move(parameter));
      }
      entities_.at(r->getId()).kinetic_law = math_of(law->getMath(), law, &locals);
      const auto mark = [&](const ::SpeciesReference* sr) {
        Entity& s = entity(sr->getSpecies(), sr);
        if (s.kind != SbmlSymbol::Kind::species) invalid(sr, "the id of a species", "'" + sr->getSpecies() + "'");
        s.in_reaction = true;
        if (level_ < 3 && sr->isSetStoichiometryMath()) {
          const ::StoichiometryMath* sm = sr->getStoichiometryMath();
          if (!sm->isSetMath()) refuse(sr, "stoichiometryMath without MathML");
        }
      };
      for (unsigned j = 0; j < r->getNumReactants(); ++j) mark(r->getReactant(j));
      for (unsigned j = 0; j < r->getNumProducts(); ++j) mark(r->getProduct(j));
      for (unsigned j = 0; j < r->getNumModifiers(); ++j) {
        const ::ModifierSpeciesReference* m = r->getModifier(j);
        if (entity(m->getSpecies(), m).kind != SbmlSymbol::Kind::species)
          invalid(m, "the id of a species", "'" + m->getSpecies() + "'");
      }
    }
  }

  void collect_event_targets() {
    for (unsigned i = 0; i < sbml_.getNumEvents(); ++i) {
      const ::Event* ev = sbml_.getEvent(i);
      if (!ev->isSetTrigger() || !ev->getTrigger()->isSetMath()) continue;  // never fires
      for (unsigned j = 0; j < ev->getNumEventAssignments(); ++j) {
        const ::EventAssignment* ea = ev->getEventAssignment(j);
        if (!ea->isSetMath()) continue;
        Entity& e = entity(ea->getVariable(), ea);
        if (e.kind == SbmlSymbol::Kind::reaction) invalid(ea, "an event assignment to a value", "reaction '" + e.id + "'");
        e.event_target = true;
      }
    }
  }

  // ---- representation ----
  void classify() {
    for (const std::string& id : order_) {
      Entity& e = entities_.at(id);
      if (e.kind != SbmlSymbol::Kind::species) continue;
      // A species in a 0-D compartment without a size reads as its amount.
      const Entity& c = entities_.at(e.compartment);
      if (c.zero_dimensional && !c.attribute && !c.initial_assignment && !c.assignment_rule && !c.rate_rule)
        e.amount_units = true;
    }
    for (const std::string& id : order_) {
      Entity& e = entities_.at(id);
      if (e.kind == SbmlSymbol::Kind::reaction) {
        e.name = engraft_name(id);
        continue;
      }
      if (e.assignment_rule && e.initial_assignment)
        invalid(e.element, "an assignment rule or an initial assignment", "both for '" + id + "'");
      if (e.assignment_rule && e.event_target) invalid(e.element, "an assignment rule or event assignments", "both for '" + id + "'");
      if (e.kind == SbmlSymbol::Kind::species && (e.assignment_rule || e.rate_rule) && e.in_reaction && !e.boundary)
        invalid(e.element, "a rule only for a boundary species when the species takes part in reactions",
                "a rule for '" + id + "'");
      e.name = engraft_name(id);
      if (e.assignment_rule) {
        e.rep = Rep::assignment;
      } else if (e.rate_rule) {
        e.rep = Rep::state;
      } else if (e.kind == SbmlSymbol::Kind::species) {
        e.rep = Rep::state;
        e.amount_state = true;
      } else if (e.initial_assignment) {
        e.rep = Rep::fixed;  // may become a state below, once initial values are known
      } else if (e.attribute && std::isfinite(*e.attribute)) {
        e.rep = Rep::parameter;
      } else if (e.attribute) {
        e.rep = Rep::fixed;  // INF or NaN: engraft parameters are finite
      } else {
        e.rep = Rep::undefined;
        if (e.event_target) refuse(e.element, "event assignment to a value without an initial value");
      }
    }
    match_algebraic_rules();
    reduce_fast_reactions();
    // A value fixed at the start is an assignment of parameters only when nothing can move it:
    // no time in it and no parameter that an event changes.
    std::set<std::string> moving_parameters;
    for (const auto& [id, e] : entities_)
      if (e.rep == Rep::parameter && e.event_target) moving_parameters.insert(e.name);
    for (const std::string& id : order_) {
      Entity& e = entities_.at(id);
      if (e.rep != Rep::fixed) continue;
      if (e.event_target) {
        e.rep = Rep::state;
        continue;
      }
      for (const std::string& name : symbols_of(initial_value(id)))
        if (name == "t" || moving_parameters.count(name)) e.rep = Rep::state;
    }
  }

  // What an algebraic rule may determine: a value that varies and that nothing else determines
  // (events determine what they assign, at their times).
  bool undetermined(const Entity& e) const {
    if (e.kind == SbmlSymbol::Kind::reaction || e.constant || e.assignment_rule || e.rate_rule || e.event_target)
      return false;
    return e.kind != SbmlSymbol::Kind::species || e.boundary || !e.in_reaction;
  }

  // The structural matching of the SBML specification (section 4.11.5, L3V2): each algebraic
  // rule determines one undetermined value it mentions. Refused when some rule is left without
  // one (over-determined), and when the matching is not unique: an undetermined value that a
  // rule mentions but no rule determines could take the place of that rule's variable.
  void match_algebraic_rules() {
    if (algebraic_.empty()) return;
    std::vector<std::string> candidates;
    std::map<std::string, std::size_t> index;
    std::vector<std::vector<std::size_t>> mentions(algebraic_.size());
    for (std::size_t i = 0; i < algebraic_.size(); ++i)
      for (const std::string& id : symbols_of(algebraic_[i].math)) {
        const Entity* e = find_entity(id);
        if (!e || !undetermined(*e)) continue;
        const auto [it, added] = index.try_emplace(id, candidates.size());
        if (added) candidates.push_back(id);
        mentions[i].push_back(it->second);
      }
    const auto matching = detail::match_equations(mentions, candidates.size());
    if (!matching) refuse(algebraic_.front().element, "over-determined algebraic rules");
    std::set<std::string> determined;
    for (std::size_t i = 0; i < algebraic_.size(); ++i) {
      algebraic_[i].determines = candidates[(*matching)[i]];
      determined.insert(algebraic_[i].determines);
    }
    for (const std::string& id : candidates)
      if (!determined.count(id))
        refuse(algebraic_.front().element, "algebraic rules that do not say which value they determine",
               "'" + id + "' could be determined instead");
    for (AlgebraicEquation& rule : algebraic_) {
      Entity& e = entities_.at(rule.determines);
      e.rep = Rep::algebraic;
      e.amount_state = false;  // it holds its own value (a species: as its symbol reads)
    }
  }

  // Fast reactions are at equilibrium at all times (SBML Level 2): the amounts of the species
  // they change are algebraic variables, determined by the conserved moieties of the fast
  // reactions (states that only slow reactions change) and by each fast rate being 0.
  void reduce_fast_reactions() {
    if (fast_reactions_.empty()) return;
    const auto changes = [](const Entity& s) { return !s.boundary && !s.constant && s.amount_state; };
    std::map<std::string, std::size_t> row_of;
    std::vector<std::vector<double>> matrix;  // fast species x fast reactions
    for (std::size_t j = 0; j < fast_reactions_.size(); ++j) {
      const ::Reaction* r = fast_reactions_[j];
      const auto add = [&](const ::SpeciesReference* sr, double sign) {
        Entity& s = entities_.at(sr->getSpecies());
        if (!changes(s)) return;
        if (s.event_target) refuse(sr, "event assignment to a species of a fast reaction", "'" + s.id + "'");
        const double n = fast_stoichiometry(sr, s);
        const auto [it, added] = row_of.try_emplace(s.id, fast_species_.size());
        if (added) {
          fast_species_.push_back(s.id);
          matrix.emplace_back(fast_reactions_.size(), 0.0);
        }
        matrix[it->second][j] += sign * n;
      };
      for (unsigned k = 0; k < r->getNumReactants(); ++k) add(r->getReactant(k), -1.0);
      for (unsigned k = 0; k < r->getNumProducts(); ++k) add(r->getProduct(k), 1.0);
    }
    const detail::NullSpace laws = detail::left_null_space(matrix);
    // Each fast reaction must move the species in its own direction: a dependent one would make
    // its rate = 0 a second equation for what another already fixes.
    if (laws.rank != fast_reactions_.size())
      refuse(fast_reactions_.front(), "fast reactions that are not independent",
             fmt::format("{} fast reactions change the species in only {} independent ways", fast_reactions_.size(), laws.rank));
    conservation_ = laws.basis;
    fast_stoichiometry_ = matrix;
    for (const std::string& id : fast_species_) entities_.at(id).rep = Rep::algebraic;  // the amount, still
  }

  // How much one unit of a fast reaction's flux changes the amount of species `s`: the
  // stoichiometry times the conversion factor, which must be numbers for the whole run.
  double fast_stoichiometry(const ::SpeciesReference* sr, const Entity& s) {
    std::optional<double> n;
    if (level_ < 3 && sr->isSetStoichiometryMath()) n = constant_number(stoichiometry(sr));
    else if (sr->isSetId()) n = fixed_value(sr->getId());
    else if (level_ < 3 || sr->isSetStoichiometry()) n = sr->getStoichiometry();
    if (!n) refuse(sr, "fast reaction with a stoichiometry that varies");
    if (s.conversion_factor.empty()) return *n;
    const std::optional<double> factor = fixed_value(s.conversion_factor);
    if (!factor) refuse(sr, "fast reaction with a conversion factor that varies", "'" + s.conversion_factor + "'");
    return *n * *factor;
  }

  // The number an id has for the whole run: a parameter no event changes, or a value fixed at
  // the start by an initial assignment of such parameters. nullopt when time or events move it.
  std::optional<double> fixed_value(const std::string& id) {
    const Entity& e = entities_.at(id);
    if (e.event_target || (e.rep != Rep::parameter && e.rep != Rep::fixed)) return std::nullopt;
    if (e.rep == Rep::parameter) return *e.attribute;
    return constant_number(initial_value(id));
  }

  // The value of an expression (engraft names) of parameters that no event changes; nullopt when
  // it reads anything else.
  std::optional<double> constant_number(const Expression& e) const {
    std::map<std::string, double> constants;
    for (const auto& [id, entity] : entities_)
      if (entity.rep == Rep::parameter && !entity.event_target) constants[entity.name] = *entity.attribute;
    bool constant = true;
    const double value = evaluate(e, [&](const std::string& name) {
      const auto it = constants.find(name);
      constant = constant && it != constants.end();
      return it == constants.end() ? 0.0 : it->second;
    });
    return constant ? std::optional<double>(value) : std::nullopt;
  }

  // ---- what an id means in dynamic math ----
  Expression dynamic_symbol(const std::string& id, const ::SBase* element) {
    if (!id.empty() && id[0] == raw_engraft_prefix) return symbol(id.substr(1));
    if (!id.empty() && id[0] == raw_rate_prefix) return dynamic(rate_of(id.substr(1), element), element);
    Entity& e = entity(id, element);
    switch (e.rep) {
      case Rep::undefined:
        refuse(e.element, "value that SBML leaves undefined ('" + id + "' has no value)");
      case Rep::reaction: case Rep::parameter: case Rep::assignment: case Rep::fixed:
        return symbol(e.name);
      case Rep::state: case Rep::algebraic:
        if (e.kind == SbmlSymbol::Kind::species && e.amount_state && !e.amount_units)
          return divide(symbol(e.name), dynamic_symbol(e.compartment, e.element));
        return symbol(e.name);
    }
    return symbol(e.name);
  }
  Expression dynamic(const Expression& raw, const ::SBase* element) {
    return substitute(raw, [&](const std::string& id) { return dynamic_symbol(id, element); }, [&] { spend(element); });
  }

  // rateOf(id) as raw math (SBML ids): a rate rule, a species' reactions, or 0 for values that
  // only events change. The derivative of an assignment rule is refused.
  Expression rate_of(const std::string& id, const ::SBase* element) {
    Entity& e = entity(id, element);
    if (e.kind == SbmlSymbol::Kind::reaction) invalid(element, "rateOf a variable", "reaction '" + id + "'");
    if (e.assignment_rule) refuse(element, "rateOf a variable with an assignment rule", "'" + id + "'");
    if (e.rep == Rep::algebraic) refuse(element, "rateOf a value an algebraic rule determines", "'" + id + "'");
    if (e.rate_rule) return *e.rate_rule;
    if (e.kind != SbmlSymbol::Kind::species || !e.amount_state) return number(0.0);
    Expression amount_rate = number(0.0);
    if (!e.boundary && !e.constant) {
      for (unsigned i = 0; i < sbml_.getNumReactions(); ++i) {
        const ::Reaction* r = sbml_.getReaction(i);
        const auto term = [&](const ::SpeciesReference* sr) {
          Expression stoichiometry;
          if (level_ < 3 && sr->isSetStoichiometryMath()) stoichiometry = math_of(sr->getStoichiometryMath()->getMath(), sr);
          else if (sr->isSetId()) stoichiometry = symbol(sr->getId());
          else stoichiometry = number(sr->getStoichiometry());
          Expression t = times(stoichiometry, symbol(r->getId()));
          return e.conversion_factor.empty() ? t : times(t, symbol(e.conversion_factor));
        };
        for (unsigned j = 0; j < r->getNumReactants(); ++j)
          if (r->getReactant(j)->getSpecies() == id) amount_rate = apply(Op::subtract, {amount_rate, term(r->getReactant(j))});
        for (unsigned j = 0; j < r->getNumProducts(); ++j)
          if (r->getProduct(j)->getSpecies() == id) amount_rate = plus(amount_rate, term(r->getProduct(j)));
      }
    }
    if (e.amount_units) return amount_rate;
    // d(n/V)/dt = (dn/dt - [S] dV/dt) / V
    const Expression size_rate = rate_of(e.compartment, element);
    const Expression size = symbol(e.compartment);
    if (is_number(size_rate, 0.0)) return divide(amount_rate, size);
    return divide(apply(Op::subtract, {amount_rate, times(symbol(id), size_rate)}), size);
  }

  // ---- values at the start: expressions of parameters and t ----
  Expression initial(const Expression& raw, const ::SBase* element) {
    return substitute(raw, [&](const std::string& id) {
      if (id == raw_time) return symbol("t");
      if (!id.empty() && id[0] == raw_engraft_prefix) return symbol(id.substr(1));
      if (!id.empty() && id[0] == raw_rate_prefix) return initial(rate_of(id.substr(1), element), element);
      // Its start value is the solution of the algebraic rules, not its SBML value (a guess).
      if (entity(id, element).rep == Rep::algebraic) refuse(element, "initial value of a value an algebraic rule determines", "'" + id + "'");
      return initial_value(id);
    }, [&] { spend(element); });
  }

  // The value of an id at the start, in its own units (a species: as its symbol reads).
  Expression initial_value(const std::string& id) {
    if (const auto it = initial_cache_.find(id); it != initial_cache_.end()) return it->second;
    Entity& e = entities_.at(id);
    if (!in_progress_.insert(id).second) refuse(e.element, "cyclic initial values");
    const Nesting nesting(*this, e.element);
    Expression value;
    if (e.kind == SbmlSymbol::Kind::reaction) {
      value = initial(*e.kinetic_law, e.element);
    } else if (e.assignment_rule) {
      value = initial(*e.assignment_rule, e.assignment_rule_element);
    } else if (e.initial_assignment) {
      value = initial(*e.initial_assignment, e.element);
    } else if (e.kind == SbmlSymbol::Kind::species) {
      if (e.amount_units) {
        if (e.initial_amount) value = number(*e.initial_amount);
        else if (e.initial_concentration) value = times(number(*e.initial_concentration), compartment_initial(e));
      } else {
        if (e.initial_concentration) value = number(*e.initial_concentration);
        else if (e.initial_amount) value = divide(number(*e.initial_amount), compartment_initial(e));
      }
      if (!e.initial_amount && !e.initial_concentration) refuse(e.element, "species without an initial value");
    } else if (e.rep == Rep::parameter) {
      value = symbol(e.name);
    } else if (e.attribute) {
      value = number(*e.attribute);
    } else {
      refuse(e.element, "value that SBML leaves undefined ('" + id + "' has no initial value)");
    }
    in_progress_.erase(id);
    initial_cache_.emplace(id, value);
    return value;
  }
  Expression compartment_initial(const Entity& species) { return initial_value(species.compartment); }
  // The initial amount of a species whose state holds the amount.
  Expression initial_amount(const Entity& e) {
    if (!e.assignment_rule && !e.initial_assignment && e.initial_amount) return number(*e.initial_amount);
    if (!e.assignment_rule && !e.initial_assignment && e.initial_concentration)
      return times(number(*e.initial_concentration), compartment_initial(e));
    const Expression value = initial_value(e.id);
    return e.amount_units ? value : times(value, compartment_initial(e));
  }

  // ---- the model ----
  Expression stoichiometry(const ::SpeciesReference* sr) {
    if (level_ < 3 && sr->isSetStoichiometryMath()) return dynamic(math_of(sr->getStoichiometryMath()->getMath(), sr), sr);
    if (sr->isSetId()) {
      const Entity& e = entities_.at(sr->getId());
      if (e.rep == Rep::parameter && !e.event_target) return number(*e.attribute);
      return dynamic_symbol(sr->getId(), sr);
    }
    if (level_ >= 3 && !sr->isSetStoichiometry()) refuse(sr, "species reference without a stoichiometry");
    return number(sr->getStoichiometry());
  }

  /// The hint in engraft's own model annotation (engraft_sbml_namespace), else automatic.
  SolverHint solver_hint() const {
    const ::XMLNode* annotation = sbml_.getAnnotation();
    if (!annotation) return SolverHint::automatic;
    for (unsigned i = 0; i < annotation->getNumChildren(); ++i) {
      const ::XMLNode& child = annotation->getChild(i);
      if (child.getURI() != engraft_sbml_namespace || child.getName() != "solver") continue;
      const std::string name = child.getAttrValue("hint");
      if (const std::optional<SolverHint> hint = solver_hint_named(name)) return *hint;
      invalid(&sbml_, "engraft:solver hint auto, nonstiff or stiff", "\"" + name + "\"");
    }
    return SolverHint::automatic;
  }

  void build_model() {
    Model& m = out_.model;
    m.name = sbml_.isSetId() ? sbml_.getId() : file_.stem().string();
    m.title = sbml_.isSetName() ? sbml_.getName() : m.name;
    m.version = fmt::format("SBML L{}V{}", level_, doc_.getVersion());
    m.description = "imported from " + file_.filename().string();
    m.time_unit = "day";
    m.where = {file_, 0, ""};
    m.solver = solver_hint();

    // Species ODEs: the sum over reactions of +-stoichiometry x rate (x conversion factor).
    std::map<std::string, Expression> reaction_terms;
    for (unsigned i = 0; i < sbml_.getNumReactions(); ++i) {
      const ::Reaction* r = sbml_.getReaction(i);
      if (is_fast(r)) continue;  // its effect is the equilibrium (build_fast_equilibrium)
      const Expression rate = symbol(entities_.at(r->getId()).name);
      const auto contribute = [&](const ::SpeciesReference* sr, bool product) {
        const Entity& s = entities_.at(sr->getSpecies());
        if (s.boundary || s.constant || !s.amount_state) return;
        Expression term = times(stoichiometry(sr), rate);
        if (!s.conversion_factor.empty()) term = times(term, dynamic_symbol(s.conversion_factor, sr));
        auto [it, inserted] = reaction_terms.try_emplace(s.id, product ? term : apply(Op::negate, {term}));
        if (!inserted) it->second = product ? plus(it->second, term) : apply(Op::subtract, {it->second, term});
      };
      for (unsigned j = 0; j < r->getNumReactants(); ++j) contribute(r->getReactant(j), false);
      for (unsigned j = 0; j < r->getNumProducts(); ++j) contribute(r->getProduct(j), true);
    }

    for (const std::string& id : order_) {
      Entity& e = entities_.at(id);
      const std::string source = file_.filename().string();
      switch (e.rep) {
        case Rep::parameter: {
          engraft::Parameter p;
          p.name = e.name;
          p.value = *e.attribute;
          p.description = fmt::format("SBML {} {}", kind_name(e.kind), id);
          p.source = source;
          p.where = where(e.element);
          m.parameters.push_back(std::move(p));
          break;
        }
        case Rep::assignment:
          m.assignments.push_back(Assignment{e.name, dynamic(*e.assignment_rule, e.assignment_rule_element), "",
                                             fmt::format("SBML assignment rule for {}", id), where(e.assignment_rule_element)});
          break;
        case Rep::fixed:
          m.assignments.push_back(Assignment{e.name, initial_value(id), "",
                                             fmt::format("SBML initial assignment for {}", id), where(e.element)});
          break;
        case Rep::reaction:
          m.assignments.push_back(Assignment{e.name, dynamic(*e.kinetic_law, e.element), "",
                                             fmt::format("rate of SBML reaction {}", id), where(e.element)});
          break;
        case Rep::state: {
          State s;
          s.name = e.name;
          s.description = fmt::format("SBML {} {}{}", kind_name(e.kind), id, e.amount_state ? " (amount)" : "");
          s.initial = e.amount_state ? initial_amount(e) : initial_value(id);
          s.where = where(e.element);
          m.states.push_back(std::move(s));
          Expression rate;
          if (e.rate_rule) rate = dynamic(*e.rate_rule, e.rate_rule_element);
          else if (const auto it = reaction_terms.find(id); it != reaction_terms.end()) rate = it->second;
          else rate = number(0.0);
          m.derivatives.push_back(Derivative{e.name, rate, where(e.rate_rule ? e.rate_rule_element : e.element)});
          break;
        }
        case Rep::algebraic: case Rep::undefined: break;
      }
    }
    for (const AlgebraicEquation& rule : algebraic_) m.algebraic_rules.push_back(algebraic_rule(rule));
    build_fast_equilibrium(reaction_terms);
    m.parameters.insert(m.parameters.end(), local_parameters_.begin(), local_parameters_.end());
  }

  bool is_fast(const ::Reaction* r) const {
    return std::find(fast_reactions_.begin(), fast_reactions_.end(), r) != fast_reactions_.end();
  }

  // One state per conserved moiety (sum of l_i x amount_i, which only slow reactions change) and
  // the algebraic system that gives the species' amounts back: each moiety's sum equals its state,
  // each fast rate is 0. Newton solves the system as a whole; which rule names which species
  // only pairs equations with unknowns.
  void build_fast_equilibrium(const std::map<std::string, Expression>& slow_terms) {
    Model& m = out_.model;
    std::vector<Expression> residuals;
    for (std::size_t k = 0; k < conservation_.size(); ++k) {
      Expression sum = number(0.0), initial_sum = number(0.0), rate = number(0.0);
      for (std::size_t i = 0; i < fast_species_.size(); ++i) {
        const double l = conservation_[k][i];
        if (l == 0.0) continue;
        const Entity& s = entities_.at(fast_species_[i]);
        sum = plus(sum, times(number(l), symbol(s.name)));
        initial_sum = plus(initial_sum, times(number(l), initial_amount(s)));
        if (const auto it = slow_terms.find(s.id); it != slow_terms.end()) rate = plus(rate, times(number(l), it->second));
      }
      const std::string name = unique(fmt::format("fast_moiety_{}", k + 1));
      const SourceLocation at = where(fast_reactions_.front());
      m.states.push_back(State{name, "", "conserved moiety of the fast reactions", initial_sum, at});
      m.derivatives.push_back(Derivative{name, rate, at});
      residuals.push_back(apply(Op::subtract, {sum, symbol(name)}));
    }
    for (const ::Reaction* r : fast_reactions_) residuals.push_back(symbol(entities_.at(r->getId()).name));
    for (std::size_t i = 0; i < fast_species_.size(); ++i) {
      const Entity& s = entities_.at(fast_species_[i]);
      m.algebraic_rules.push_back(AlgebraicRule{s.name, residuals[i], initial_amount(s), "",
                                                fmt::format("amount of species {} at fast equilibrium", s.id),
                                                where(s.element)});
    }
    out_.fast_stability = fast_stability();
  }

  // M = (d v_fast / d amounts) x stoichiometry: how the fast rates respond to moving along their
  // own reactions. The equilibrium the fast dynamics reach is stable (M has no eigenvalue with
  // a positive real part); Newton may find an unstable one, which simulate_sbml refuses.
  std::vector<std::vector<Expression>> fast_stability() {
    std::map<std::string, Expression> assigned;
    for (const Assignment& a : out_.model.assignments) assigned.emplace(a.name, a.value);
    std::vector<std::vector<Expression>> m;
    for (const ::Reaction* r : fast_reactions_) {
      std::set<std::string> expanding;
      const Expression rate = inlined(symbol(entities_.at(r->getId()).name), assigned, expanding);
      std::vector<Expression> row;
      for (std::size_t l = 0; l < fast_reactions_.size(); ++l) {
        Expression sum = number(0.0);
        for (std::size_t i = 0; i < fast_species_.size(); ++i)
          if (const double n = fast_stoichiometry_[i][l]; n != 0.0)
            sum = plus(sum, times(number(n), differentiate(rate, entities_.at(fast_species_[i]).name)));
        row.push_back(sum);
      }
      m.push_back(std::move(row));
    }
    return m;
  }

  // e with every assignment replaced by its value (a cycle, which the compiler refuses, stops).
  Expression inlined(const Expression& e, const std::map<std::string, Expression>& assigned,
                     std::set<std::string>& expanding) {
    return substitute(e, [&](const std::string& name) {
      const auto it = assigned.find(name);
      if (it == assigned.end() || !expanding.insert(name).second) return symbol(name);
      Expression value = inlined(it->second, assigned, expanding);
      expanding.erase(name);
      return value;
    }, [&] { spend(fast_reactions_.front()); });
  }

  // The SBML value is only where the search starts; a value without one starts at 0.
  AlgebraicRule algebraic_rule(const AlgebraicEquation& rule) {
    const Entity& e = entities_.at(rule.determines);
    const bool has_value = e.attribute || e.initial_assignment || e.initial_amount || e.initial_concentration;
    return AlgebraicRule{e.name, dynamic(rule.math, rule.element), has_value ? initial_value(e.id) : number(0.0), "",
                         fmt::format("SBML algebraic rule for {} {}", kind_name(e.kind), e.id), where(rule.element)};
  }

  static const char* kind_name(SbmlSymbol::Kind kind) {
    switch (kind) {
      case SbmlSymbol::Kind::compartment: return "compartment";
      case SbmlSymbol::Kind::species: return "species";
      case SbmlSymbol::Kind::parameter: return "parameter";
      case SbmlSymbol::Kind::reaction: return "reaction";
      case SbmlSymbol::Kind::species_reference: return "species reference";
    }
    return "";
  }

  // Each event maps onto an EventRule with SBML's attributes (Level 2 has neither initialValue
  // nor persistent: its triggers behave as initialValue=true, persistent=true).
  EventRule event_rule(const ::Event* ev, std::size_t index) {
    const ::Trigger* trigger = ev->getTrigger();
    EventRule rule;
    rule.name = ev->isSetId() ? ev->getId() : fmt::format("event{}", index + 1);
    rule.where = where(ev);
    rule.trigger = dynamic(math_of(trigger->getMath(), trigger), trigger);
    if (contains_equality(rule.trigger)) refuse(ev, "equality in an event trigger");
    if (const ::Delay* d = ev->getDelay(); ev->isSetDelay() && d->isSetMath())
      rule.delay = dynamic(math_of(d->getMath(), d), d);
    if (const ::Priority* p = ev->getPriority(); ev->isSetPriority() && p->isSetMath())
      rule.priority = dynamic(math_of(p->getMath(), p), p);
    rule.initial_value = level_ < 3 || trigger->getInitialValue();
    rule.persistent = level_ < 3 || trigger->getPersistent();
    rule.use_values_from_trigger_time = ev->getUseValuesFromTriggerTime();

    std::map<std::string, Expression> new_size;  // compartment id -> its assigned value
    std::set<std::string> assigned;
    for (unsigned j = 0; j < ev->getNumEventAssignments(); ++j) {
      const ::EventAssignment* ea = ev->getEventAssignment(j);
      if (!ea->isSetMath()) continue;  // no effect
      const Entity& target = entities_.at(ea->getVariable());
      if (target.rep != Rep::state && target.rep != Rep::parameter)
        invalid(ea, "an event assignment to a value without rules", "'" + target.id + "'");
      assigned.insert(target.id);
      if (target.kind == SbmlSymbol::Kind::compartment) new_size[target.id] = dynamic(math_of(ea->getMath(), ea), ea);
    }
    for (unsigned j = 0; j < ev->getNumEventAssignments(); ++j) {
      const ::EventAssignment* ea = ev->getEventAssignment(j);
      if (!ea->isSetMath()) continue;
      const Entity& target = entities_.at(ea->getVariable());
      Expression value = dynamic(math_of(ea->getMath(), ea), ea);
      if (target.kind == SbmlSymbol::Kind::species && !target.amount_units) {
        // A concentration is assigned: the amount is that times the size before the event.
        const Expression size = dynamic_symbol(target.compartment, ea);
        if (target.amount_state) value = times(value, size);
        else if (const auto it = new_size.find(target.compartment); it != new_size.end())
          value = divide(times(value, size), it->second);  // a concentration state after the size changes
      }
      rule.assignments.emplace_back(target.name, std::move(value));
    }
    // A compartment that jumps keeps its species' amounts: concentrations kept by rate rules
    // are rescaled (amount states need nothing).
    for (const auto& [compartment, size_after] : new_size) {
      for (const std::string& id : order_) {
        const Entity& s = entities_.at(id);
        if (s.kind != SbmlSymbol::Kind::species || s.compartment != compartment || s.rep != Rep::state ||
            s.amount_state || s.amount_units || assigned.count(id))
          continue;
        rule.assignments.emplace_back(
            s.name, divide(times(symbol(s.name), dynamic_symbol(compartment, ev)), size_after));
      }
    }
    return rule;
  }

  void build_events() {
    for (unsigned i = 0; i < sbml_.getNumEvents(); ++i) {
      const ::Event* ev = sbml_.getEvent(i);
      if (!ev->getTrigger() || !ev->getTrigger()->isSetMath()) continue;  // an event without a trigger never fires
      out_.model.events.push_back(event_rule(ev, i));
    }
  }

  void build_symbols() {
    for (const std::string& id : order_) {
      const Entity& e = entities_.at(id);
      SbmlSymbol s;
      s.kind = e.kind;
      if (e.rep == Rep::undefined) {
        s.defined = false;
        out_.symbols.emplace(id, std::move(s));
        continue;
      }
      try {
        s.value = dynamic_symbol(id, e.element);
        if (e.kind == SbmlSymbol::Kind::species) {
          s.has_only_substance_units = e.amount_units;
          const Entity& c = entities_.at(e.compartment);
          // Without a size (a 0-D compartment) a species has no concentration: it reads as its amount.
          if (e.amount_units) {
            s.amount = e.amount_state ? symbol(e.name) : s.value;
            s.concentration = c.rep == Rep::undefined ? s.amount : divide(s.amount, dynamic_symbol(c.id, e.element));
          } else if (e.amount_state) {
            s.amount = symbol(e.name);
            s.concentration = s.value;
          } else {
            s.concentration = s.value;
            s.amount = times(s.value, dynamic_symbol(c.id, e.element));
          }
        }
      } catch (const InputError&) {
        s.defined = false;
      }
      out_.symbols.emplace(id, std::move(s));
    }
  }

  ::SBMLDocument& doc_;
  const ::Model& sbml_;
  std::filesystem::path file_;
  int level_;
  SbmlImport out_;
  std::set<std::string> used_;
  std::map<std::string, const ::FunctionDefinition*> functions_;
  std::map<std::string, Entity> entities_;
  std::vector<std::string> order_;  // document order
  std::vector<engraft::Parameter> local_parameters_;
  std::vector<AlgebraicEquation> algebraic_;
  std::vector<const ::Reaction*> fast_reactions_;
  std::vector<std::string> fast_species_;             // ids, in the order of conservation_'s columns
  std::vector<std::vector<double>> conservation_;     // one conserved moiety per row
  std::vector<std::vector<double>> fast_stoichiometry_;  // fast species x fast reactions
  std::map<std::string, Expression> initial_cache_;
  std::set<std::string> in_progress_;
  std::size_t work_ = 0, nesting_ = 0;
};

SbmlImport import_read(ReadDocument read) {
  prepare(read);
  return Importer(*read.document, read.file).run();
}

}  // namespace

SbmlImport import_sbml_document(const std::filesystem::path& file) {
  if (!std::filesystem::is_regular_file(file)) throw InputError({file, 0, ""}, "an SBML file", "no such file");
  ReadDocument read{std::unique_ptr<::SBMLDocument>(::readSBMLFromFile(file.string().c_str())), file};
  return import_read(std::move(read));
}

SbmlImport import_sbml_string(std::string_view xml, const std::string& name) {
  const std::string text(xml);
  ReadDocument read{std::unique_ptr<::SBMLDocument>(::readSBMLFromString(text.c_str())), name};
  return import_read(std::move(read));
}

Model import_sbml(const std::filesystem::path& file) { return import_sbml_document(file).model; }

// ---------------------------------------------------------------------------------------------
// The test suite

namespace {

std::string trim(std::string_view s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, ',')) {
    item = trim(item);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

double parse_value(const std::string& text, const SourceLocation& where) {
  std::string t = text;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (t == "inf" || t == "+inf") return std::numeric_limits<double>::infinity();
  if (t == "-inf") return -std::numeric_limits<double>::infinity();
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) throw InputError(where, "a number", "'" + text + "'");
  return v;
}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "INF" : "-INF";
  return fmt::format("{}", v);  // shortest text that reads back to the same double
}

}  // namespace

SbmlTestType read_sbml_test_type(const std::filesystem::path& model_m) {
  std::ifstream in(model_m);
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with("testType:"))
      return trim(std::string_view(line).substr(9)) == "FluxBalanceSteadyState" ? SbmlTestType::flux_balance
                                                                                 : SbmlTestType::time_course;
  return SbmlTestType::time_course;
}

SbmlTestSettings read_sbml_test_settings(const std::filesystem::path& file, SbmlTestType type) {
  std::ifstream in(file);
  if (!in) throw InputError({file, 0, ""}, "a readable settings file", "none");
  SbmlTestSettings s;
  std::string line;
  bool has_duration = false, has_steps = false;
  for (int number_of_line = 1; std::getline(in, line); ++number_of_line) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = trim(std::string_view(line).substr(0, colon));
    const std::string value = trim(std::string_view(line).substr(colon + 1));
    const SourceLocation where{file, number_of_line, key};
    if (key == "start") {
      s.start = value.empty() ? 0.0 : parse_value(value, where);
    } else if (key == "duration" && !value.empty()) {
      s.duration = parse_value(value, where);
      has_duration = true;
    } else if (key == "steps" && !value.empty()) {
      s.steps = static_cast<int>(parse_value(value, where));
      has_steps = true;
    } else if (key == "variables") {
      s.variables = split_list(value);
    } else if (key == "absolute" && !value.empty()) {
      s.absolute = parse_value(value, where);
    } else if (key == "relative" && !value.empty()) {
      s.relative = parse_value(value, where);
    } else if (key == "amount") {
      for (auto& v : split_list(value)) s.amount.insert(v);
    } else if (key == "concentration") {
      for (auto& v : split_list(value)) s.concentration.insert(v);
    }
  }
  if (type == SbmlTestType::time_course && (!has_duration || !has_steps || s.steps <= 0 || !(s.duration > 0)))
    throw InputError({file, 0, "duration"}, "a time course (duration > 0 and steps > 0)", "none",
                     "flux-balance cases have no time course");
  return s;
}

namespace {
// Why the fast equilibrium with stability matrix m (k x k, row-major) is not what the fast
// dynamics would reach; empty when it is. An eigenvalue with a positive real part is unstable.
// An eigenvalue of 0 (a rate that does not depend on its own extent, e.g. a rate constant an
// event has set to 0) makes every point an equilibrium: the fast reaction then constrains
// nothing and slow reactions move its species freely, which the reduction to conserved
// moieties cannot follow (00988), so that is refused too. Checked exactly for one reaction, for
// uncoupled ones (diagonal m) and for two (trace and determinant); more coupled ones are refused.
std::string fast_stability_refusal(const double* m, std::size_t k) {
  if (k == 0) return {};
  double scale = 0.0;
  bool diagonal = true;
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j) {
      scale = std::max(scale, std::abs(m[i * k + j]));
      diagonal = diagonal && (i == j || m[i * k + j] == 0.0);
    }
  const double slack = 1e-9 * scale;  // rounding in the derivatives, not instability
  const char* const unstable = "fast reaction at an unstable equilibrium";
  const char* const idle = "fast reaction whose rate does not depend on its extent";
  if (!(scale > 0.0)) return idle;
  if (diagonal) {
    for (std::size_t i = 0; i < k; ++i) {
      if (!(m[i * k + i] <= slack)) return unstable;
      if (m[i * k + i] >= -slack) return idle;
    }
    return {};
  }
  if (k == 2) {
    const double trace = m[0] + m[3], determinant = m[0] * m[3] - m[1] * m[2];
    if (std::abs(determinant) <= slack * scale) return idle;
    return trace <= slack && determinant > 0.0 ? std::string() : unstable;
  }
  return "more than two coupled fast reactions (stability not checked)";
}
}  // namespace

SbmlRun simulate_sbml(const SbmlImport& imported, const SbmlTestSettings& settings) {
  SbmlRun run;
  const auto refused = [&](const std::string& construct, const std::string& message) {
    run.status = SbmlRun::Status::refused;
    run.construct = construct;
    run.message = message;
    return run;
  };
  const auto failed = [&](const std::string& message) {
    run.status = SbmlRun::Status::failed;
    run.message = message;
    return run;
  };

  Model model = imported.model;
  std::set<std::string> used = {"t"};
  for (const auto& p : model.parameters) used.insert(p.name);
  for (const auto& s : model.states) used.insert(s.name);
  for (const auto& a : model.assignments) used.insert(a.name);
  for (const auto& o : model.observables) used.insert(o.name);
  const auto unique = [&](const std::string& base) {
    std::string name = base;
    for (int k = 2; used.count(name); ++k) name = fmt::format("{}_{}", base, k);
    used.insert(name);
    return name;
  };
  const std::size_t first_output = model.observables.size();
  for (const std::string& variable : settings.variables) {
    const auto it = imported.symbols.find(variable);
    if (it == imported.symbols.end()) return failed(fmt::format("variable '{}' is not an id of the model", variable));
    const SbmlSymbol& s = it->second;
    if (!s.defined) return refused("undefined value", fmt::format("'{}' has no value SBML defines", variable));
    Expression value = s.value;
    if (s.kind == SbmlSymbol::Kind::species) {
      if (settings.amount.count(variable)) value = s.amount;
      else if (settings.concentration.count(variable)) value = s.concentration;
    }
    model.observables.push_back(Observable{unique("out__" + variable), value, "", "", {}});
  }
  // One per algebraic variable: NaN where Newton found no solution.
  const std::size_t first_algebraic = model.observables.size();
  for (const AlgebraicRule& a : model.algebraic_rules)
    model.observables.push_back(Observable{unique("algebraic__" + a.variable), Expression::symbol(a.variable), "", "", {}});

  // The fast equilibrium's stability matrix, row-major (fast_stability_refusal).
  const std::size_t first_stability = model.observables.size();
  for (const auto& row : imported.fast_stability)
    for (const Expression& entry : row) model.observables.push_back(Observable{unique("fast_stability__"), entry, "", "", {}});

  if (model.states.empty()) {  // the integrators need a state: a constant one changes nothing
    const std::string name = unique("constant__");
    model.states.push_back(State{name, "", "", Expression::number(0.0), {}});
    model.derivatives.push_back(Derivative{name, Expression::number(0.0), {}});
  }
  std::shared_ptr<const CompiledModel> compiled;
  try {
    compiled = CompiledModel::compile(model);
  } catch (const InputError& e) {
    return refused("model the compiler rejects", e.what());
  }
  const std::vector<double> parameters = compiled->default_parameters();
  const double t0 = settings.start, t1 = settings.start + settings.duration;

  std::vector<double> times;
  for (int k = 0; k <= settings.steps; ++k)
    times.push_back(k == settings.steps ? t1 : t0 + settings.duration * k / settings.steps);
  SolverOptions options;
  options.method = Method::automatic;
  options.rtol = 1e-10;
  options.atol = std::max(settings.absolute * 1e-6, 1e-25);
  options.max_steps = 500000;
  // Trigger windows are never stepped over while they are at least a tenth of the output interval
  // wide (the suite's narrowest, 01660 and 01580, are half an interval).
  options.max_step_days = 0.1 * settings.duration / settings.steps;
  const auto solver = make_solver(compiled, options);
  SolveProblem problem;
  problem.t_start_days = t0;
  problem.t_end_days = t1;
  problem.parameters = parameters;
  problem.output_times = times;
  // Algebraic rules (and fast equilibria) that Newton cannot solve from where it starts (a singular
  // Jacobian, a root the dynamics would choose) leave NaN: that is a refusal, not a result.
  const auto unsolved = [&](const std::string& detail) {
    return refused("algebraic rules Newton cannot solve", "unsupported SBML construct: algebraic rules Newton cannot solve: " + detail);
  };
  SolveResult result;
  solver->solve(problem, result);
  if (!result.ok()) {
    const std::string message =
        fmt::format("solve failed at t = {}: {} ({})", result.t_failed, to_string(result.status), result.message);
    return model.algebraic_rules.empty() ? failed(message) : unsolved(message);
  }
  const Trajectory& tr = result.trajectory;
  if (tr.times.size() != times.size()) return failed("the solver returned fewer output rows than asked");
  for (std::size_t row = 0; row < tr.times.size(); ++row)
    for (std::size_t k = 0; k < model.algebraic_rules.size(); ++k)
      if (std::isnan(tr.observables[row * compiled->n_observables() + first_algebraic + k]))
        return unsolved(fmt::format("no solution for '{}' at t = {}", model.algebraic_rules[k].variable, tr.times[row]));
  for (std::size_t row = 0; row < tr.times.size(); ++row) {
    const double* entries = tr.observables.data() + row * compiled->n_observables() + first_stability;
    if (const std::string why = fast_stability_refusal(entries, imported.fast_stability.size()); !why.empty())
      return refused(why, fmt::format("unsupported SBML construct: {} at t = {}", why, tr.times[row]));
  }
  const std::size_t n_obs = compiled->n_observables();
  run.table.columns.push_back("time");
  for (const std::string& v : settings.variables) run.table.columns.push_back(v);
  for (std::size_t i = 0; i < times.size(); ++i) {
    std::vector<double> row{times[i]};
    for (std::size_t j = 0; j < settings.variables.size(); ++j) row.push_back(tr.observables[i * n_obs + first_output + j]);
    run.table.rows.push_back(std::move(row));
  }
  return run;
}

SbmlRun refused_run(const InputError& e) {
  SbmlRun run;
  run.status = SbmlRun::Status::refused;
  const auto* unsupported = dynamic_cast<const SbmlUnsupported*>(&e);
  run.construct = unsupported ? unsupported->construct() : "input error";
  run.message = e.what();
  return run;
}

SbmlRun run_sbml_case(const std::filesystem::path& sbml_file, const SbmlTestSettings& settings) {
  try {
    return simulate_sbml(import_sbml_document(sbml_file), settings);
  } catch (const InputError& e) {
    return refused_run(e);
  }
}

std::filesystem::path sbml_case_file(const std::filesystem::path& cases_dir, const std::string& case_id, int level,
                                     int version) {
  return cases_dir / case_id / fmt::format("{}-sbml-l{}v{}.xml", case_id, level, version);
}

std::filesystem::path sbml_preferred_case_file(const std::filesystem::path& cases_dir, const std::string& case_id) {
  static constexpr std::pair<int, int> preferred[] = {{3, 2}, {3, 1}, {2, 5}, {2, 4}, {2, 3}, {2, 2}, {2, 1}};
  for (const auto& [level, version] : preferred) {
    const auto path = sbml_case_file(cases_dir, case_id, level, version);
    if (std::filesystem::is_regular_file(path)) return path;
  }
  return {};
}

void write_sbml_table(std::ostream& out, const SbmlTable& table) {
  for (std::size_t j = 0; j < table.columns.size(); ++j) out << (j ? "," : "") << table.columns[j];
  out << "\n";
  for (const auto& row : table.rows) {
    for (std::size_t j = 0; j < row.size(); ++j) out << (j ? "," : "") << format_value(row[j]);
    out << "\n";
  }
}

SbmlTable read_sbml_table(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw InputError({file, 0, ""}, "a readable results file", "none");
  SbmlTable table;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty()) continue;
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream row(line);
    while (std::getline(row, cell, ',')) cells.push_back(trim(cell));
    if (n == 1) {
      table.columns = cells;
      continue;
    }
    std::vector<double> values;
    for (std::size_t j = 0; j < cells.size(); ++j)
      values.push_back(parse_value(cells[j], {file, n, j < table.columns.size() ? table.columns[j] : ""}));
    table.rows.push_back(std::move(values));
  }
  return table;
}

std::string compare_sbml_tables(const SbmlTable& expected, const SbmlTable& actual, double absolute, double relative) {
  if (expected.rows.size() != actual.rows.size())
    return fmt::format("{} rows expected, {} produced", expected.rows.size(), actual.rows.size());
  for (std::size_t i = 0; i < expected.rows.size(); ++i) {
    const auto& c = expected.rows[i];
    const auto& u = actual.rows[i];
    if (c.size() != u.size()) return fmt::format("row {}: {} columns expected, {} produced", i, c.size(), u.size());
    for (std::size_t j = 0; j < c.size(); ++j) {
      const double cv = c[j], uv = u[j];
      bool ok;
      if (std::isnan(cv)) ok = std::isnan(uv);
      else if (std::isinf(cv)) ok = uv == cv;
      else ok = std::abs(cv - uv) <= absolute + relative * std::abs(cv);
      if (!ok)
        return fmt::format("{} at t = {}: expected {}, got {}", j < expected.columns.size() ? expected.columns[j] : "column",
                           c.empty() ? 0.0 : c[0], format_value(cv), format_value(uv));
    }
  }
  return {};
}

}  // namespace engraft
