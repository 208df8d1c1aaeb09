// SBML import on small inline documents: the MathML mapping, species units, local
// parameters, refusals, and one simulation against its analytic solution.
#include <cmath>
#include <map>
#include <numbers>
#include <string>

#include <gtest/gtest.h>

#include "engraft/formats/sbml.hpp"

namespace engraft {
namespace {

const char* const mathml = R"(<math xmlns="http://www.w3.org/1998/Math/MathML">)";

std::string document(const std::string& body) {
  return std::string(R"(<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
<model id="m">)") + body + "</model></sbml>";
}

// A model with parameters x = 2 and y = 0.5 and one assignment rule z = MATH.
std::string rule_document(const std::string& math, const std::string& functions = "") {
  return document(functions + R"(<listOfParameters>
  <parameter id="x" value="2" constant="true"/>
  <parameter id="y" value="0.5" constant="true"/>
  <parameter id="z" constant="false"/>
</listOfParameters>
<listOfRules><assignmentRule variable="z">)" + std::string(mathml) + math + "</math></assignmentRule></listOfRules>");
}

double value_of_rule(const std::string& math, double t = 0.0, const std::string& functions = "") {
  const SbmlImport imported = import_sbml_string(rule_document(math, functions));
  std::map<std::string, double> values{{"t", t}};
  for (const Parameter& p : imported.model.parameters) values[p.name] = p.value;
  for (const Assignment& a : imported.model.assignments)
    if (a.name == "z") return evaluate(a.value, [&](const std::string& name) { return values.at(name); });
  ADD_FAILURE() << "no assignment z";
  return std::nan("");
}

TEST(SbmlMath, ArithmeticAndFunctions) {
  EXPECT_DOUBLE_EQ(value_of_rule("<apply><plus/><ci>x</ci><ci>y</ci><cn>1</cn></apply>"), 3.5);
  EXPECT_DOUBLE_EQ(value_of_rule("<apply><minus/><ci>x</ci></apply>"), -2.0);
  EXPECT_DOUBLE_EQ(value_of_rule("<apply><power/><ci>x</ci><cn type=\"integer\">10</cn></apply>"), 1024.0);
  EXPECT_DOUBLE_EQ(value_of_rule("<apply><root/><degree><cn>3</cn></degree><cn>27</cn></apply>"), 3.0);
  EXPECT_DOUBLE_EQ(value_of_rule("<apply><root/><cn>16</cn></apply>"), 4.0);
  EXPECT_DOUBLE_EQ(value_of_rule("<apply><log/><logbase><cn>2</cn></logbase><cn>8</cn></apply>"), 3.0);
  EXPECT_DOUBLE_EQ(value_of_rule("<apply><log/><cn>1000</cn></apply>"), 3.0);
  EXPECT_DOUBLE_EQ(value_of_rule("<apply><ln/><exponentiale/></apply>"), 1.0);
  EXPECT_DOUBLE_EQ(value_of_rule("<apply><ceiling/><ci>y</ci></apply>"), 1.0);
  EXPECT_DOUBLE_EQ(value_of_rule("<apply><factorial/><cn>5</cn></apply>"), 120.0);
  EXPECT_NEAR(value_of_rule("<apply><arcsinh/><cn>-2</cn></apply>"), std::asinh(-2.0), 1e-15);
  EXPECT_NEAR(value_of_rule("<apply><arccosh/><cn>2</cn></apply>"), std::acosh(2.0), 1e-15);
  EXPECT_NEAR(value_of_rule("<apply><arctanh/><ci>y</ci></apply>"), std::atanh(0.5), 1e-15);
  EXPECT_NEAR(value_of_rule("<apply><sec/><ci>y</ci></apply>"), 1.0 / std::cos(0.5), 1e-15);
  EXPECT_NEAR(value_of_rule("<apply><cot/><ci>y</ci></apply>"), 1.0 / std::tan(0.5), 1e-15);
  EXPECT_DOUBLE_EQ(value_of_rule("<apply><times/><pi/><cn type=\"rational\">1<sep/>2</cn></apply>"), std::numbers::pi / 2);
  EXPECT_DOUBLE_EQ(value_of_rule("<cn type=\"e-notation\">2<sep/>3</cn>"), 2000.0);
}

TEST(SbmlMath, CsymbolsAndLogic) {
  EXPECT_DOUBLE_EQ(
      value_of_rule(R"(<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time">time</csymbol>)", 4.5), 4.5);
  EXPECT_DOUBLE_EQ(
      value_of_rule(R"(<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/avogadro">avogadro</csymbol>)"),
      6.02214179e23);
  const std::string piecewise = R"(<piecewise>
      <piece><cn>10</cn><apply><lt/><ci>x</ci><ci>y</ci></apply></piece>
      <piece><cn>20</cn><apply><and/><apply><gt/><ci>x</ci><cn>1</cn></apply><apply><leq/><ci>y</ci><cn>0.5</cn></apply></apply></piece>
      <otherwise><cn>30</cn></otherwise></piecewise>)";
  EXPECT_DOUBLE_EQ(value_of_rule(piecewise), 20.0);
  EXPECT_DOUBLE_EQ(value_of_rule("<apply><xor/><true/><false/><true/></apply>"), 0.0);
  EXPECT_DOUBLE_EQ(value_of_rule("<apply><lt/><cn>1</cn><ci>x</ci><cn>3</cn></apply>"), 1.0);
  EXPECT_DOUBLE_EQ(value_of_rule("<apply><lt/><cn>1</cn><ci>x</ci><cn>1.5</cn></apply>"), 0.0);
  EXPECT_DOUBLE_EQ(value_of_rule("<apply><quotient/><cn>-7</cn><cn>2</cn></apply>"), -3.0);
  EXPECT_DOUBLE_EQ(value_of_rule("<apply><rem/><cn>-7</cn><cn>2</cn></apply>"), -1.0);
  EXPECT_DOUBLE_EQ(value_of_rule("<apply><max/><ci>x</ci><cn>7</cn><ci>y</ci></apply>"), 7.0);
}

TEST(SbmlMath, FunctionDefinitionsAreInlined) {
  const std::string functions = std::string(R"(<listOfFunctionDefinitions>
  <functionDefinition id="sq">)") + mathml + R"(<lambda><bvar><ci>a</ci></bvar><apply><times/><ci>a</ci><ci>a</ci></apply></lambda></math></functionDefinition>
  <functionDefinition id="f">)" + mathml + R"(<lambda><bvar><ci>x</ci></bvar><bvar><ci>b</ci></bvar><apply><plus/><apply><ci>sq</ci><ci>x</ci></apply><ci>b</ci></apply></lambda></math></functionDefinition>
</listOfFunctionDefinitions>)";
  // f(y, x) = y^2 + x: the lambda's x is its own argument, not the model's parameter x.
  EXPECT_DOUBLE_EQ(value_of_rule("<apply><ci>f</ci><ci>y</ci><ci>x</ci></apply>", 0.0, functions), 2.25);
}

TEST(SbmlImport, SpeciesAreAmountsReadAsConcentrations) {
  const SbmlImport imported = import_sbml_string(document(std::string(R"(
<listOfCompartments><compartment id="C" size="2" spatialDimensions="3" constant="true"/></listOfCompartments>
<listOfSpecies>
  <species id="S" compartment="C" initialConcentration="3" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
  <species id="P" compartment="C" initialAmount="1" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>
</listOfSpecies>
<listOfReactions><reaction id="R" reversible="false">
  <listOfReactants><speciesReference species="S" stoichiometry="2" constant="true"/></listOfReactants>
  <listOfProducts><speciesReference species="P" stoichiometry="1" constant="true"/></listOfProducts>
  <kineticLaw>)") + mathml + R"(<apply><times/><ci>k</ci><ci>S</ci></apply></math>
    <listOfLocalParameters><localParameter id="k" value="0.25"/></listOfLocalParameters></kineticLaw>
</reaction></listOfReactions>)"));
  const Model& m = imported.model;
  ASSERT_EQ(m.states.size(), 2u);
  EXPECT_EQ(to_string(m.states[0].initial), "3 * C");   // amount = concentration x size
  EXPECT_EQ(to_string(m.states[1].initial), "1");
  bool has_local = false;
  for (const Parameter& p : m.parameters) has_local = has_local || (p.name == "R__k" && p.value == 0.25);
  EXPECT_TRUE(has_local);
  ASSERT_EQ(m.assignments.size(), 1u);
  EXPECT_EQ(to_string(m.assignments[0].value), "R__k * (S / C)");
  EXPECT_EQ(to_string(m.derivatives[0].rate), "-(2 * R)");
  EXPECT_EQ(to_string(m.derivatives[1].rate), "R");
  EXPECT_EQ(to_string(imported.symbols.at("S").concentration), "S / C");
  EXPECT_EQ(to_string(imported.symbols.at("P").value), "P");
}

TEST(SbmlImport, RefusesWhatItCannotSimulateExactly) {
  const auto construct_of = [](const std::string& xml) -> std::string {
    try {
      import_sbml_string(xml);
    } catch (const SbmlUnsupported& e) {
      EXPECT_NE(std::string(e.what()).find("unsupported SBML construct: "), std::string::npos) << e.what();
      return e.construct();
    }
    return "accepted";
  };
  EXPECT_EQ(construct_of(rule_document(R"(<apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/delay">delay</csymbol><ci>x</ci><cn>1</cn></apply>)")),
            "delay csymbol");
  // 0 = x - 1 determines x only when x may vary.
  EXPECT_EQ(construct_of(document(std::string(R"(<listOfParameters><parameter id="x" value="1" constant="true"/></listOfParameters>
<listOfRules><algebraicRule>)") + mathml + "<apply><minus/><ci>x</ci><cn>1</cn></apply></math></algebraicRule></listOfRules>")),
            "over-determined algebraic rules");
  EXPECT_EQ(construct_of(document(std::string(R"(<listOfParameters><parameter id="x" value="1" constant="false"/></listOfParameters>
<listOfRules><algebraicRule>)") + mathml + "<apply><minus/><ci>x</ci><cn>1</cn></apply></math></algebraicRule></listOfRules>")),
            "accepted");
  // 0 = x + y - 1 with both free: which one it determines (the other stays constant) is not said.
  EXPECT_EQ(construct_of(document(std::string(R"(<listOfParameters><parameter id="x" value="1" constant="false"/>
<parameter id="y" value="1" constant="false"/></listOfParameters><listOfRules><algebraicRule>)") + mathml +
                                  "<apply><minus/><apply><plus/><ci>x</ci><ci>y</ci></apply><cn>1</cn></apply></math></algebraicRule></listOfRules>")),
            "algebraic rules that do not say which value they determine");
}

TEST(SbmlImport, EventAttributesAreKept) {
  const SbmlImport imported = import_sbml_string(document(std::string(R"(<listOfParameters><parameter id="x" value="1" constant="false"/></listOfParameters>
<listOfEvents><event id="E" useValuesFromTriggerTime="false">
  <trigger initialValue="true" persistent="false">)") + mathml + R"(<apply><gt/><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time">t</csymbol><cn>1</cn></apply></math></trigger>
  <delay>)" + mathml + R"(<cn>0.5</cn></math></delay>
  <priority>)" + mathml + R"(<cn>3</cn></math></priority>
  <listOfEventAssignments><eventAssignment variable="x">)" + mathml +
                                  "<cn>2</cn></math></eventAssignment></listOfEventAssignments></event></listOfEvents>"));
  ASSERT_EQ(imported.model.events.size(), 1u);
  const EventRule& e = imported.model.events[0];
  ASSERT_TRUE(e.delay && e.priority);
  EXPECT_EQ(to_string(*e.delay), "0.5");
  EXPECT_EQ(to_string(*e.priority), "3");
  EXPECT_FALSE(e.persistent);
  EXPECT_TRUE(e.initial_value);
  EXPECT_FALSE(e.use_values_from_trigger_time);
}

TEST(SbmlImport, ExplodingInputsAreRefusedNotExpanded) {
  // f_k(x) = f_{k-1}(x) + f_{k-1}(x): 2^40 nodes when inlined.
  std::string functions = std::string("<listOfFunctionDefinitions><functionDefinition id=\"f0\">") + mathml +
                          "<lambda><bvar><ci>x</ci></bvar><ci>x</ci></lambda></math></functionDefinition>";
  for (int k = 1; k <= 40; ++k)
    functions += "<functionDefinition id=\"f" + std::to_string(k) + "\">" + mathml +
                 "<lambda><bvar><ci>x</ci></bvar><apply><plus/><apply><ci>f" + std::to_string(k - 1) +
                 "</ci><ci>x</ci></apply><apply><ci>f" + std::to_string(k - 1) + "</ci><ci>x</ci></apply></apply></lambda></math></functionDefinition>";
  functions += "</listOfFunctionDefinitions>";
  try {
    import_sbml_string(rule_document("<apply><ci>f40</ci><ci>x</ci></apply>", functions));
    ADD_FAILURE() << "accepted";
  } catch (const SbmlUnsupported& e) {
    EXPECT_EQ(e.construct(), "model too large to expand (function definitions or initial values)");
  }
}

// F14: libSBML reads any <ci> text; a name that is not an SId ("$x" looked like the importer's own
// rateOf marker and recursed until the stack overflowed) is bad input, named with its line.
TEST(SbmlImport, CiThatIsNotAnIdentifierIsAnInputError) {
  for (const char* name : {"$x", "#x", "1x", "x-y"}) {
    try {
      import_sbml_string(rule_document(std::string("<apply><times/><ci>") + name + "</ci><cn>2</cn></apply>"));
      ADD_FAILURE() << name << " accepted";
    } catch (const SbmlUnsupported& e) {
      ADD_FAILURE() << name << " refused as unsupported: " << e.what();
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("expected an SBML identifier in <ci>"), std::string::npos) << e.what();
    }
  }
}

TEST(SbmlImport, ReadsEngraftsSolverHintAndIgnoresOtherAnnotations) {
  const auto hint_of = [](const std::string& annotation) {
    return import_sbml_string(document("<annotation>" + annotation + "</annotation>")).model.solver;
  };
  const std::string ns = std::string(" xmlns:engraft=\"") + engraft_sbml_namespace + "\"";
  EXPECT_EQ(hint_of("<engraft:solver" + ns + " hint=\"stiff\"/>"), SolverHint::stiff);
  EXPECT_EQ(hint_of("<engraft:solver" + ns + " hint=\"nonstiff\"/>"), SolverHint::nonstiff);
  // Another tool's element of the same name is not engraft's.
  EXPECT_EQ(hint_of(R"(<x:solver xmlns:x="http://example.org/other" hint="stiff"/>)"), SolverHint::automatic);
  EXPECT_EQ(import_sbml_string(document("")).model.solver, SolverHint::automatic);
  try {
    hint_of("<engraft:solver" + ns + " hint=\"fast\"/>");
    ADD_FAILURE() << "hint \"fast\" accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("expected engraft:solver hint auto, nonstiff or stiff, got \"fast\""), std::string::npos)
        << e.what();
  }
}

TEST(SbmlImport, InvalidXmlIsAnInputError) {
  EXPECT_THROW(import_sbml_string("<sbml><model"), InputError);
}

TEST(SbmlSimulate, FirstOrderDecayMatchesTheAnalyticSolution) {
  // S -> P at k S in a compartment of size 2: concentrations decay as exp(-k t).
  const SbmlImport imported = import_sbml_string(document(std::string(R"(
<listOfCompartments><compartment id="C" size="2" spatialDimensions="3" constant="true"/></listOfCompartments>
<listOfSpecies>
  <species id="S" compartment="C" initialConcentration="1" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
  <species id="P" compartment="C" initialConcentration="0" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
</listOfSpecies>
<listOfParameters><parameter id="k" value="0.7" constant="true"/></listOfParameters>
<listOfReactions><reaction id="R" reversible="false">
  <listOfReactants><speciesReference species="S" stoichiometry="1" constant="true"/></listOfReactants>
  <listOfProducts><speciesReference species="P" stoichiometry="1" constant="true"/></listOfProducts>
  <kineticLaw>)") + mathml + "<apply><times/><ci>C</ci><ci>k</ci><ci>S</ci></apply></math></kineticLaw>\n</reaction></listOfReactions>"));
  SbmlTestSettings settings;
  settings.duration = 5.0;
  settings.steps = 10;
  settings.variables = {"S", "P"};
  settings.absolute = 1e-10;
  settings.relative = 1e-6;
  settings.amount = {"P"};
  const SbmlRun run = simulate_sbml(imported, settings);
  ASSERT_EQ(run.status, SbmlRun::Status::ok) << run.message;
  ASSERT_EQ(run.table.rows.size(), 11u);
  for (const auto& row : run.table.rows) {
    EXPECT_NEAR(row[1], std::exp(-0.7 * row[0]), 1e-8);                // concentration
    EXPECT_NEAR(row[2], 2.0 * (1.0 - std::exp(-0.7 * row[0])), 1e-8);  // amount
  }
  EXPECT_EQ(run.table.rows.back()[0], 5.0);
}

// A <-> B at rate FAST_LAW (fast), B -> 0 at 0.3 B (slow); amounts in a compartment of size 1, A0 = 1.
std::string fast_document(const std::string& fast_law) {
  const auto reaction = [](const std::string& id, bool fast, const std::string& products, const std::string& law) {
    return R"(<reaction id=")" + id + R"(" reversible="true" fast=")" + (fast ? "true" : "false") + R"(">
  <listOfReactants><speciesReference species=")" + (fast ? "A" : "B") + R"(" stoichiometry="1" constant="true"/></listOfReactants>)" +
           products + "<kineticLaw>" + mathml + law + "</math></kineticLaw></reaction>";
  };
  return std::string(R"(<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" level="3" version="1"><model id="m">
<listOfCompartments><compartment id="C" size="1" spatialDimensions="3" constant="true"/></listOfCompartments>
<listOfSpecies>
  <species id="A" compartment="C" initialAmount="1" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>
  <species id="B" compartment="C" initialAmount="0" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>
</listOfSpecies>
<listOfReactions>)") +
         reaction("fast", true, R"(<listOfProducts><speciesReference species="B" stoichiometry="1" constant="true"/></listOfProducts>)",
                  fast_law) +
         reaction("slow", false, "", "<apply><times/><cn>0.3</cn><ci>B</ci></apply>") + "</listOfReactions></model></sbml>";
}

SbmlRun run_fast(const std::string& fast_law) {
  SbmlTestSettings settings;
  settings.duration = 5.0;
  settings.steps = 5;
  settings.variables = {"A", "B"};
  settings.absolute = 1e-10;
  settings.relative = 1e-6;
  return simulate_sbml(import_sbml_string(fast_document(fast_law)), settings);
}

TEST(SbmlSimulate, FastReactionKeepsItsEquilibriumWhileTheMoietyDecays) {
  // Fast rate 2 A - B: B = 2/3 T at all times, and T = A + B decays as exp(-0.3 * 2/3 t) = exp(-0.2 t).
  const SbmlRun run = run_fast("<apply><minus/><apply><times/><cn>2</cn><ci>A</ci></apply><ci>B</ci></apply>");
  ASSERT_EQ(run.status, SbmlRun::Status::ok) << run.message;
  // The integrator runs at rtol 1e-10 and Newton solves the equilibrium to rounding: 1e-8 is safe.
  for (const auto& row : run.table.rows) {
    const double total = std::exp(-0.2 * row[0]);
    EXPECT_NEAR(row[1], total / 3.0, 1e-8);
    EXPECT_NEAR(row[2], 2.0 * total / 3.0, 1e-8);
  }
}

TEST(SbmlSimulate, UnstableFastEquilibriumIsRefused) {
  // Fast rate B - 2 A has the same equilibrium, but the reaction runs away from it.
  const SbmlRun run = run_fast("<apply><minus/><ci>B</ci><apply><times/><cn>2</cn><ci>A</ci></apply></apply>");
  EXPECT_EQ(run.status, SbmlRun::Status::refused);
  EXPECT_EQ(run.construct, "fast reaction at an unstable equilibrium");
}

std::string time_symbol() {
  return R"(<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time">t</csymbol>)";
}

// Parameters p, q (0) and x, and events E1 (TRIGGER1: p = 1) and E2 (TRIGGER2: q = 5).
std::string two_events(const std::string& trigger1, const std::string& trigger2, const std::string& extra = "") {
  const auto event = [](const std::string& id, const std::string& trigger, const std::string& target, const std::string& value) {
    return R"(<event id=")" + id + R"(" useValuesFromTriggerTime="true"><trigger initialValue="false" persistent="true">)" +
           mathml + trigger + R"(</math></trigger><listOfEventAssignments><eventAssignment variable=")" + target + R"(">)" +
           mathml + "<cn>" + value + "</cn></math></eventAssignment></listOfEventAssignments></event>";
  };
  return document(R"(<listOfParameters><parameter id="p" value="0" constant="false"/><parameter id="q" value="0" constant="false"/>
<parameter id="x" value="0" constant="false"/></listOfParameters>)" + extra + "<listOfEvents>" +
                  event("E1", trigger1, "p", "1") + event("E2", trigger2, "q", "5") + "</listOfEvents>");
}

SbmlRun run_events(const std::string& xml) {
  SbmlTestSettings settings;
  settings.duration = 2.0;
  settings.steps = 4;
  settings.variables = {"p", "q"};
  settings.absolute = 1e-10;
  settings.relative = 1e-8;
  return simulate_sbml(import_sbml_string(xml), settings);
}

TEST(SbmlEvents, IndependentEventsFire) {
  const SbmlRun run = run_events(two_events("<apply><gt/>" + time_symbol() + "<cn>0.7</cn></apply>",
                                            "<apply><gt/>" + time_symbol() + "<cn>1.2</cn></apply>"));
  ASSERT_EQ(run.status, SbmlRun::Status::ok) << run.message;
  EXPECT_EQ(run.table.rows[1][1], 0.0);  // t = 0.5
  EXPECT_EQ(run.table.rows[2][1], 1.0);  // t = 1
  EXPECT_EQ(run.table.rows[2][2], 0.0);
  EXPECT_EQ(run.table.rows[3][2], 5.0);  // t = 1.5
}

TEST(SbmlEvents, EventsWithTheSameTriggerBothExecute) {
  const std::string trigger = "<apply><gt/>" + time_symbol() + "<cn>0.7</cn></apply>";
  const SbmlRun run = run_events(two_events(trigger, trigger));
  ASSERT_EQ(run.status, SbmlRun::Status::ok) << run.message;
  EXPECT_EQ(run.table.rows[2][1], 1.0);
  EXPECT_EQ(run.table.rows[2][2], 5.0);
}

TEST(SbmlEvents, AnEventFiresAnotherAtTheSameTime) {
  // E1 sets p = 1 at t = 0.7, which makes E2's trigger (p > 0.5) true at that instant: SBML
  // executes E2 there too.
  const SbmlRun run = run_events(two_events("<apply><gt/>" + time_symbol() + "<cn>0.7</cn></apply>",
                                            "<apply><gt/><ci>p</ci><cn>0.5</cn></apply>"));
  ASSERT_EQ(run.status, SbmlRun::Status::ok) << run.message;
  EXPECT_EQ(run.table.rows[1][2], 0.0);  // t = 0.5
  EXPECT_EQ(run.table.rows[2][2], 5.0);  // t = 1
  // The same at the start: E2 (x < 0.5) fires there and sets q = 5, making E1's trigger (q > 1) true.
  const SbmlRun at_start = run_events(two_events("<apply><gt/><ci>q</ci><cn>1</cn></apply>",
                                                 "<apply><lt/><ci>x</ci><cn>0.5</cn></apply>"));
  ASSERT_EQ(at_start.status, SbmlRun::Status::ok) << at_start.message;
  EXPECT_EQ(at_start.table.rows[0][1], 1.0);
  EXPECT_EQ(at_start.table.rows[0][2], 5.0);
}

TEST(SbmlSuite, ComparisonFollowsTheSuiteRule) {
  SbmlTable expected{{"time", "S"}, {{0.0, 1.0}, {1.0, std::nan("")}}};
  SbmlTable close{{"time", "S"}, {{0.0, 1.00001}, {1.0, std::nan("")}}};
  SbmlTable far{{"time", "S"}, {{0.0, 1.1}, {1.0, std::nan("")}}};
  SbmlTable not_nan{{"time", "S"}, {{0.0, 1.0}, {1.0, 3.0}}};
  EXPECT_EQ(compare_sbml_tables(expected, close, 0.0, 1e-4), "");
  EXPECT_NE(compare_sbml_tables(expected, far, 0.0, 1e-4), "");
  EXPECT_NE(compare_sbml_tables(expected, not_nan, 0.0, 1e-4), "");
}

}  // namespace
}  // namespace engraft
