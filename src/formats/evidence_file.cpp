#include "engraft/formats/evidence_file.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>

#include <fmt/format.h>

#include "engraft/formats/model_file.hpp"
#include "engraft/trial/trial.hpp"
#include "toml_reader.hpp"

namespace engraft {

namespace {

using detail::TomlNode;

const std::vector<std::string> verdicts = {"supported", "partly", "small", "not_supported", "no_evidence"};

std::string optional_string(const TomlNode& node, const std::string& key) { return node.string_or(key, ""); }

Text text(const TomlNode& node, const std::string& key) {
  return {node.child(key).as_string(), optional_string(node, key + "_zh")};
}

void check_one_of(const TomlNode& node, const std::string& value, const std::vector<std::string>& allowed,
                  const std::string& what) {
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end())
    node.fail(fmt::format("{}: {}", what, fmt::join(allowed, ", ")), "'" + value + "'");
}

Study read_study(const TomlNode& node, const EvidenceBase& base, std::set<std::string>& ids) {
  node.allow_only({"id", "indication", "mechanism", "population", "intervention", "intervention_zh", "route", "endpoint",
                   "endpoint_zh", "effect", "n", "design", "level", "source", "doi", "unverified"});
  Study s;
  s.where = node.where();
  s.id = node.child("id").as_string();
  if (!ids.insert(s.id).second) node.child("id").fail("an id not used before", "'" + s.id + "' again");
  s.indication = node.child("indication").as_string();
  if (!base.indication(s.indication)) {
    std::vector<std::string> keys;
    for (const Indication& i : base.indications) keys.push_back(i.key);
    check_one_of(node.child("indication"), s.indication, keys, "an indication of [indications]");
  }
  s.mechanism = node.child("mechanism").as_string();
  check_one_of(node.child("mechanism"), s.mechanism, evidence_mechanisms(), "a mechanism");
  s.population = node.child("population").as_string();
  s.intervention = text(node, "intervention");
  s.route = node.child("route").as_string();
  s.endpoint = text(node, "endpoint");
  s.effect = node.child("effect").as_string();
  s.n = node.child("n").as_string();
  s.design = node.child("design").as_string();
  s.level = node.child("level").as_string();
  s.source = node.child("source").as_string();
  s.doi = optional_string(node, "doi");
  s.unverified = optional_string(node, "unverified");
  return s;
}

DemoValue read_demo_value(const TomlNode& node) {
  node.allow_only({"endpoint", "observable", "day", "label", "label_zh"});
  DemoValue v;
  v.label = text(node, "label");
  if (node.has("endpoint") == node.has("observable")) node.fail("exactly one of endpoint or observable", "both or neither");
  if (node.has("endpoint")) {
    v.endpoint = node.child("endpoint").as_string();
    if (!find_endpoint_column(v.endpoint)) node.child("endpoint").fail("a key of the transplant endpoint set", "'" + v.endpoint + "'");
    return v;
  }
  v.observable = node.child("observable").as_string();
  v.day = node.child("day").as_quantity("d");
  return v;
}

Demo read_demo(const TomlNode& node, const std::filesystem::path& data_dir) {
  node.allow_only({"scenario", "label", "label_zh", "values"});
  Demo d;
  d.scenario = data_dir / node.child("scenario").as_string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(d.scenario, ec))
    node.child("scenario").fail("a scenario file relative to " + data_dir.string(), "'" + d.scenario.string() + "'");
  d.label = text(node, "label");
  for (const TomlNode& v : node.child("values").array_of_tables()) d.values.push_back(read_demo_value(v));
  return d;
}

Topic read_topic(const TomlNode& node, const EvidenceBase& evidence, const std::filesystem::path& data_dir) {
  node.allow_only({"key", "kind", "title", "title_zh", "principle", "principle_zh", "verdict", "verdict_text",
                   "verdict_text_zh", "studies", "demo"});
  Topic t;
  t.key = node.child("key").as_string();
  t.kind = node.child("kind").as_string();
  check_one_of(node.child("kind"), t.kind, {"mechanism", "field"}, "a kind");
  t.title = text(node, "title");
  t.principle = text(node, "principle");
  t.verdict = node.child("verdict").as_string();
  check_one_of(node.child("verdict"), t.verdict, verdicts, "a verdict");
  t.verdict_text = text(node, "verdict_text");
  t.studies = node.child("studies").string_array();
  for (const std::string& id : t.studies)
    if (!evidence.study(id)) node.child("studies").fail("ids of [[study]] rows in the evidence file", "'" + id + "'");
  if (node.has("demo"))
    for (const TomlNode& d : node.child("demo").array_of_tables()) t.demos.push_back(read_demo(d, data_dir));
  return t;
}

}  // namespace

const std::vector<std::string>& evidence_mechanisms() {
  static const std::vector<std::string> keys = {"differentiation", "replacement", "immunomodulation", "blood_recovery",
                                                "paracrine"};
  return keys;
}

const Study* EvidenceBase::study(const std::string& id) const {
  const auto it = std::find_if(studies.begin(), studies.end(), [&](const Study& s) { return s.id == id; });
  return it == studies.end() ? nullptr : &*it;
}

const Indication* EvidenceBase::indication(const std::string& key) const {
  const auto it = std::find_if(indications.begin(), indications.end(), [&](const Indication& i) { return i.key == key; });
  return it == indications.end() ? nullptr : &*it;
}

EvidenceBase read_evidence_file(const std::filesystem::path& file) {
  const auto [document, path] = TomlNode::parse_file(file);
  const TomlNode root(document, path, "");
  root.allow_only({"indications", "study", "regulatory", "harm"});
  EvidenceBase base;
  for (const auto& [key, node] : root.child("indications").children()) {
    node.allow_only({"en", "zh"});
    base.indications.push_back({key, {node.child("en").as_string(), node.child("zh").as_string()}});
  }
  std::set<std::string> ids;
  for (const TomlNode& node : root.child("study").array_of_tables()) base.studies.push_back(read_study(node, base, ids));
  if (root.has("regulatory"))
    for (const TomlNode& node : root.child("regulatory").array_of_tables()) {
      node.allow_only({"region", "text", "text_zh", "unverified"});
      base.regulatory.push_back({node.child("region").as_string(), optional_string(node, "unverified"), text(node, "text")});
    }
  if (root.has("harm"))
    for (const TomlNode& node : root.child("harm").array_of_tables()) {
      node.allow_only({"text", "text_zh"});
      base.harms.push_back(text(node, "text"));
    }
  return base;
}

std::vector<Topic> read_explain_file(const std::filesystem::path& file, const EvidenceBase& evidence,
                                     const std::filesystem::path& data_dir) {
  const auto [document, path] = TomlNode::parse_file(file);
  const TomlNode root(document, path, "");
  root.allow_only({"topic"});
  std::vector<Topic> topics;
  std::set<std::string> keys;
  for (const TomlNode& node : root.child("topic").array_of_tables()) {
    topics.push_back(read_topic(node, evidence, data_dir));
    if (!keys.insert(topics.back().key).second) node.child("key").fail("a key not used before", "'" + topics.back().key + "' again");
  }
  return topics;
}

std::filesystem::path builtin_evidence_dir() {
  if (const char* env = std::getenv("ENGRAFT_EVIDENCE_DIR"); env && *env) return env;
  return builtin_models_dir().parent_path() / "evidence";
}

}  // namespace engraft
