// `engraft evidence` prints the shipped evidence base; `engraft explain` answers the article's
// questions: principle, what a built-in model shows (run here), and the verdict with the evidence
// rows' own numbers. Both read evidence/ (formats/evidence_file.hpp); English or Chinese.
#include <iostream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "engraft/formats/evidence_file.hpp"
#include "engraft/formats/scenario_file.hpp"
#include "engraft/trial/run.hpp"
#include "engraft/trial/trial.hpp"

namespace engraft::cli {

namespace {

struct EvidenceOptions {
  std::string indication, mechanism, lang = "en";
  bool json = false;
};

struct ExplainOptions {
  std::string topic, lang = "en";
  bool no_run = false;
};

const std::string& say(Language l, const std::string& en, const std::string& zh) { return l == Language::zh ? zh : en; }

std::string verdict_label(const std::string& verdict, Language l) {
  static const std::map<std::string, std::pair<std::string, std::string>> labels = {
      {"supported", {"supported", "成立"}},        {"partly", {"partly supported", "部分成立"}},
      {"small", {"small effect", "效果小"}},       {"not_supported", {"not supported", "不成立"}},
      {"no_evidence", {"no proven benefit", "尚无确证获益"}}};
  const auto& [en, zh] = labels.at(verdict);
  return say(l, en, zh);
}

void print_study(const Study& s, const EvidenceBase& base, Language l) {
  std::cout << fmt::format("  {} · {} {} · n {} · {}\n", s.id, say(l, "level", "证据级别"), s.level, s.n, s.design);
  std::cout << fmt::format("    {} ({}) → {}\n", s.intervention.in(l), base.indication(s.indication)->name.in(l),
                           s.endpoint.in(l));
  std::cout << fmt::format("    {}\n", s.effect);
  std::cout << fmt::format("    {}{}\n", s.source, s.doi.empty() ? "" : ", doi:" + s.doi);
  if (!s.unverified.empty()) std::cout << fmt::format("    [{}: {}]\n", say(l, "unverified", "未核实"), s.unverified);
}

nlohmann::json study_json(const Study& s) {
  return {{"id", s.id},
          {"indication", s.indication},
          {"mechanism", s.mechanism},
          {"population", s.population},
          {"intervention", s.intervention.en},
          {"intervention_zh", s.intervention.zh},
          {"route", s.route},
          {"endpoint", s.endpoint.en},
          {"endpoint_zh", s.endpoint.zh},
          {"effect", s.effect},
          {"n", s.n},
          {"design", s.design},
          {"level", s.level},
          {"source", s.source},
          {"doi", s.doi},
          {"unverified", s.unverified}};
}

int evidence(const EvidenceOptions& o) {
  const EvidenceBase base = read_evidence_file(builtin_evidence_dir() / "studies.toml");
  const Language l = report_language(o.lang);
  if (!o.indication.empty() && !base.indication(o.indication)) {
    std::vector<std::string> keys;
    for (const Indication& i : base.indications) keys.push_back(i.key);
    throw InputError({{}, 0, "--indication"}, fmt::format("one of: {}", fmt::join(keys, ", ")), "'" + o.indication + "'");
  }
  const auto& mechanisms = evidence_mechanisms();
  if (!o.mechanism.empty() && std::find(mechanisms.begin(), mechanisms.end(), o.mechanism) == mechanisms.end())
    throw InputError({{}, 0, "--mechanism"}, fmt::format("one of: {}", fmt::join(mechanisms, ", ")), "'" + o.mechanism + "'");
  const auto selected = [&](const Study& s) {
    return (o.indication.empty() || s.indication == o.indication) && (o.mechanism.empty() || s.mechanism == o.mechanism);
  };
  if (o.json) {
    nlohmann::json rows = nlohmann::json::array();
    for (const Study& s : base.studies)
      if (selected(s)) rows.push_back(study_json(s));
    std::cout << rows.dump(2) << "\n";
    return 0;
  }
  std::size_t shown = 0;
  for (const Indication& indication : base.indications) {
    std::vector<const Study*> rows;
    for (const Study& s : base.studies)
      if (s.indication == indication.key && selected(s)) rows.push_back(&s);
    if (rows.empty()) continue;
    std::cout << fmt::format("{} ({})\n", indication.name.in(l), indication.key);
    for (const Study* s : rows) print_study(*s, base, l);
    std::cout << "\n";
    shown += rows.size();
  }
  if (o.indication.empty() && o.mechanism.empty()) {
    std::cout << say(l, "Regulatory status\n", "监管状态\n");
    for (const RegulatoryNote& r : base.regulatory)
      std::cout << fmt::format("  {}: {}{}\n", r.region, r.text.in(l),
                               r.unverified.empty() ? "" : fmt::format(" [{}: {}]", say(l, "unverified", "未核实"), r.unverified));
    std::cout << say(l, "\nDocumented harms\n", "\n已记录的危害\n");
    for (const Text& h : base.harms) std::cout << fmt::format("  - {}\n", h.in(l));
    std::cout << "\n";
  }
  std::cout << fmt::format("{} {}. {}\n", shown, say(l, "studies", "项研究"),
                           say(l, "Source: ../shared/reference/evidence.md, as transcribed in evidence/studies.toml.",
                               "来源：../shared/reference/evidence.md，收录于 evidence/studies.toml。"));
  return 0;
}

std::string demo_value(const DemoValue& v, const CompiledModel& model, const RunResult& r, Language l) {
  if (!v.endpoint.empty()) {
    const auto value = find_endpoint_column(v.endpoint)->value(r, model.n_observables());
    return value ? fmt::format(fmt::runtime(say(l, "day {:.0f}", "第{:.0f}天")), *value) : say(l, "not reached", "未达到");
  }
  const auto value = observable_at(r.solve.trajectory, model.n_observables(), model.observable_index(v.observable), v.day);
  const std::string& unit = model.description().observables[model.observable_index(v.observable)].unit;
  return value ? fmt::format("{:.3g} {}", *value, unit == "1" ? "" : unit) : say(l, "outside the run", "超出运行时间");
}

void print_demo(const Demo& demo, Language l) {
  const auto model = load_scenario_model(demo.scenario);
  const Scenario scenario = read_scenario(demo.scenario, *model);
  const RunResult r = run(model, scenario);
  std::cout << fmt::format("  {} ({}, {}):\n", demo.label.in(l), model->name(), demo.scenario.filename().string());
  if (!r.solve.ok()) {
    std::cout << fmt::format("    {}: {}\n", say(l, "the run failed", "运行失败"), r.solve.message);
    return;
  }
  for (const DemoValue& v : demo.values) std::cout << fmt::format("    {}: {}\n", v.label.in(l), demo_value(v, *model, r, l));
}

void print_topic(const Topic& t, const EvidenceBase& base, Language l, bool run_models) {
  std::cout << fmt::format("{}\n\n", t.title.in(l));
  std::cout << fmt::format("{}\n{}\n\n", say(l, "Principle", "原理"), t.principle.in(l));
  if (!t.demos.empty()) {
    std::cout << say(l, "What the model shows", "模型显示") << "\n";
    if (run_models)
      for (const Demo& d : t.demos) print_demo(d, l);
    else
      std::cout << say(l, "  (not run: --no-run)\n", "  （未运行：--no-run）\n");
    std::cout << "\n";
  }
  std::cout << fmt::format("{}: {}\n{}\n", say(l, "Evidence verdict", "证据结论"), verdict_label(t.verdict, l),
                           t.verdict_text.in(l));
  for (const std::string& id : t.studies) print_study(*base.study(id), base, l);
  std::cout << "\n";
}

int explain(const ExplainOptions& o) {
  const std::filesystem::path dir = builtin_evidence_dir();
  const EvidenceBase base = read_evidence_file(dir / "studies.toml");
  const std::vector<Topic> topics = read_explain_file(dir / "explain.toml", base, dir.parent_path());
  const Language l = report_language(o.lang);
  if (!o.topic.empty() && std::none_of(topics.begin(), topics.end(), [&](const Topic& t) { return t.key == o.topic; })) {
    std::vector<std::string> keys;
    for (const Topic& t : topics) keys.push_back(t.key);
    throw InputError({{}, 0, "topic"}, fmt::format("one of: {}", fmt::join(keys, ", ")), "'" + o.topic + "'");
  }
  for (const Topic& t : topics)
    if (o.topic.empty() || t.key == o.topic) print_topic(t, base, l, !o.no_run);
  std::cout << say(l, "engraft simulates mechanisms and reports published evidence; it does not recommend a treatment or a clinic.\n",
                   "engraft 模拟机制并报告已发表的证据；它不推荐任何治疗或诊所。\n");
  return 0;
}

}  // namespace

void add_evidence_commands(CLI::App& app, Action& action) {
  auto e = std::make_shared<EvidenceOptions>();
  CLI::App* evidence_cmd = app.add_subcommand("evidence", "Print the clinical evidence shipped with engraft (evidence/studies.toml)");
  evidence_cmd->add_option("--indication", e->indication, "Only this indication (e.g. gvhd, ami, t1d)");
  evidence_cmd->add_option("--mechanism", e->mechanism, "Only this mechanism (differentiation, replacement, immunomodulation, blood_recovery, paracrine)");
  evidence_cmd->add_option("--lang", e->lang, "Language: en or zh")->check(CLI::IsMember({"en", "zh"}));
  evidence_cmd->add_flag("--json", e->json, "The selected rows as JSON");
  evidence_cmd->callback([e, &action] { action = [e] { return evidence(*e); }; });

  auto x = std::make_shared<ExplainOptions>();
  CLI::App* explain_cmd = app.add_subcommand(
      "explain", "The article's four mechanisms and five fields of use: principle, model, evidence verdict");
  explain_cmd->add_option("topic", x->topic,
                          "differentiation, immunomodulation, blood_recovery, paracrine, heart, neurodegeneration, "
                          "autoimmune, cancer or diabetes (default: all)");
  explain_cmd->add_option("--lang", x->lang, "Language: en or zh")->check(CLI::IsMember({"en", "zh"}));
  explain_cmd->add_flag("--no-run", x->no_run, "Do not run the models");
  explain_cmd->callback([x, &action] { action = [x] { return explain(*x); }; });
}

}  // namespace engraft::cli
