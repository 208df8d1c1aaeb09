// The clinical evidence shipped with engraft (evidence/studies.toml) and the article's questions
// answered from it (evidence/explain.toml): one row per trial or meta-analysis, transcribed from
// the project's reference with its source, and the principle and verdict of each mechanism and
// field of use. docs/evidence.md describes both files.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engraft/core/error.hpp"

namespace engraft {

enum class Language { en, zh };

/// Text in both languages; `in(zh)` falls back to English where no translation is given.
struct Text {
  std::string en, zh;
  const std::string& in(Language language) const { return language == Language::zh && !zh.empty() ? zh : en; }
};

struct Study {
  std::string id, indication, mechanism;
  std::string population, route, effect, n, design, level, source, doi, unverified;
  Text intervention, endpoint;
  SourceLocation where;
};

struct Indication {
  std::string key;
  Text name;
};

struct RegulatoryNote {
  std::string region, unverified;
  Text text;
};

struct EvidenceBase {
  std::vector<Indication> indications;
  std::vector<Study> studies;
  std::vector<RegulatoryNote> regulatory;
  std::vector<Text> harms;
  /// nullptr when absent.
  const Study* study(const std::string& id) const;
  const Indication* indication(const std::string& key) const;
};

/// Mechanism keys a study may name (claim 1's exception, pre-differentiated cells placed in the organ, is "replacement").
const std::vector<std::string>& evidence_mechanisms();

/// Reads and checks studies.toml: every key known, ids unique, indications and mechanisms defined.
/// Throws InputError with the file, line and key.
EvidenceBase read_evidence_file(const std::filesystem::path& file);

/// One number a topic's demonstration prints: a transplant endpoint, or an observable at a day.
struct DemoValue {
  std::string endpoint;      // a key of the transplant endpoint set, or empty
  std::string observable;    // else: this observable at `day`
  double day = 0.0;
  Text label;
};

struct Demo {
  std::filesystem::path scenario;   // resolved against the data folder
  Text label;
  std::vector<DemoValue> values;
};

struct Topic {
  std::string key, kind;            // kind: "mechanism" or "field"
  std::string verdict;              // supported | partly | small | not_supported | no_evidence
  Text title, principle, verdict_text;
  std::vector<std::string> studies; // ids in the evidence base
  std::vector<Demo> demos;
};

/// Reads explain.toml; every study id must exist in `evidence`. Scenario paths are relative to `data_dir`.
std::vector<Topic> read_explain_file(const std::filesystem::path& file, const EvidenceBase& evidence,
                                     const std::filesystem::path& data_dir);

/// The folder holding studies.toml and explain.toml: ENGRAFT_EVIDENCE_DIR, else beside the built-in models.
std::filesystem::path builtin_evidence_dir();

}  // namespace engraft
