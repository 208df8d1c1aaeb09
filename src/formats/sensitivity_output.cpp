#include "engraft/formats/sensitivity_output.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "csv_line.hpp"
#include "engraft/formats/atomic_file.hpp"
#include "engraft/formats/run_output.hpp"
#include "engraft/core/terminal_table.hpp"

namespace engraft {

namespace {

using Json = nlohmann::ordered_json;

const char* scale_name(FactorScale s) { return s == FactorScale::log_uniform ? "loguniform" : "uniform"; }

std::uint64_t evaluations(const SensitivitySpec& spec) { return spec.sobol.base_samples * (spec.factors.size() + 2); }

void write_csv(const LoadedSensitivity& loaded, const std::vector<SobolOutput>& outputs, std::ostream& out) {
  const SensitivitySpec& spec = loaded.spec;
  out << "endpoint,parameter,S1,S1_low,S1_high,ST,ST_low,ST_high,rows_used\n";
  for (std::size_t e = 0; e < spec.endpoints.size(); ++e)
    for (std::size_t i = 0; i < spec.factors.size(); ++i) {
      out << spec.endpoints[e]->name << "," << detail::csv_field(spec.factors[i].label());
      if (outputs[e].factors.empty()) {
        out << ",,,,,,";   // no variance among the rows used: no index is defined
      } else {
        const FactorIndices& f = outputs[e].factors[i];   // numbers in the shortest form that reads back exactly
        out << fmt::format(",{},{},{},{},{},{}", f.first_order.estimate, f.first_order.interval.lower,
                           f.first_order.interval.upper, f.total.estimate, f.total.interval.lower, f.total.interval.upper);
      }
      out << "," << outputs[e].rows_used << "\n";
    }
}

Json index_json(const SobolIndex& x) { return {{"estimate", x.estimate}, {"interval", {x.interval.lower, x.interval.upper}}}; }

Json summary_json(const LoadedSensitivity& loaded, const std::vector<SobolOutput>& outputs) {
  const SensitivitySpec& spec = loaded.spec;
  const Model& m = loaded.model->description();
  Json j;
  j["engraft_version"] = engraft_version();
  j["sensitivity"] = {{"name", spec.name},
                      {"file", spec.file.string()},
                      {"seed", spec.sobol.seed},
                      {"samples", spec.sobol.base_samples},
                      {"evaluations", evaluations(spec)},
                      {"bootstrap_replicates", spec.sobol.bootstrap_replicates},
                      {"level", spec.sobol.level}};
  j["scenario"] = {{"name", spec.scenario.name}, {"file", spec.scenario.file.string()}};
  j["model"] = {{"name", m.name}, {"version", m.version}, {"hash", fmt::format("{:016x}", loaded.model->content_hash())}};
  j["method"] = {
      {"design", "Saltelli: matrices A, B and A_B^(i) from the first N points of a 2k-dimensional Sobol' sequence "
                 "(Joe & Kuo 2008 direction numbers, natural order, from the origin); N (k + 2) evaluations"},
      {"first_order", "Saltelli et al. 2010 (Comput Phys Commun 181:259, Table 2 (b)), f(B) centred on the mean"},
      {"total", "Jansen 1999 (Saltelli et al. 2010, Table 2 (f))"},
      {"variance", "of f over the A and B points of the rows used"},
      {"interval", "percentile bootstrap over the rows used, seeded from the seed"},
      {"missing", "a base row is dropped for an endpoint if any of its k + 2 subjects has no value (failed solve, or "
                  "not reached with not_reached = drop)"}};
  Json factors = Json::array();
  for (const SensitivityFactor& f : spec.factors)
    factors.push_back({{"name", f.label()}, {"target", f.target == FactorTarget::dose ? "dose" : "parameter"},
                       {"distribution", scale_name(f.scale)}, {"lower", f.lower}, {"upper", f.upper}, {"unit", f.unit},
                       {"source", f.source}});
  j["factors"] = factors;
  Json endpoints = Json::array();
  for (std::size_t e = 0; e < spec.endpoints.size(); ++e) {
    const SobolOutput& o = outputs[e];
    Json indices = Json::array();
    for (std::size_t i = 0; i < o.factors.size(); ++i)
      indices.push_back({{"factor", spec.factors[i].label()}, {"S1", index_json(o.factors[i].first_order)},
                         {"ST", index_json(o.factors[i].total)}});
    endpoints.push_back({{"name", spec.endpoints[e]->name},
                         {"unit", spec.endpoints[e]->unit},
                         {"not_reached", spec.not_reached[e] ? Json(*spec.not_reached[e]) : Json("drop")},
                         {"rows_used", o.rows_used},
                         {"mean", o.mean},
                         {"variance", o.variance},
                         {"indices", indices}});
  }
  j["endpoints"] = endpoints;
  return j;
}

std::string index_text(const SobolIndex& x) {
  return fmt::format("{:.3f} ({:.3f} to {:.3f})", x.estimate, x.interval.lower, x.interval.upper);
}

}  // namespace

void write_sensitivity_outputs(const std::filesystem::path& dir, const LoadedSensitivity& loaded,
                               const std::vector<SobolOutput>& outputs) {
  std::filesystem::create_directories(dir);
  AtomicFile csv(dir / "sobol.csv"), json(dir / "sobol.json");
  write_csv(loaded, outputs, csv.stream());
  json.stream() << summary_json(loaded, outputs).dump(2) << "\n";
  csv.commit();
  json.commit();
}

std::string render_sensitivity_table(const LoadedSensitivity& loaded, const std::vector<SobolOutput>& outputs) {
  const SensitivitySpec& spec = loaded.spec;
  std::string out = fmt::format("engraft {} · sensitivity: {} · model: {} {} · N = {}, {} factors, {} evaluations, seed {}\n\n",
                                engraft_version(), spec.name, loaded.model->name(), loaded.model->description().version,
                                spec.sobol.base_samples, spec.factors.size(), evaluations(spec), spec.sobol.seed);
  const int percent = static_cast<int>(100 * spec.sobol.level + 0.5);
  TerminalTable table({"endpoint", "factor", "rows", fmt::format("S1 ({}% bootstrap)", percent),
                       fmt::format("ST ({}% bootstrap)", percent)});
  for (std::size_t e = 0; e < spec.endpoints.size(); ++e)
    for (std::size_t i = 0; i < spec.factors.size(); ++i) {
      const bool defined = !outputs[e].factors.empty();
      table.add_row({i == 0 ? std::string(spec.endpoints[e]->name) : "", spec.factors[i].label(),
                     i == 0 ? fmt::format("{}", outputs[e].rows_used) : "",
                     defined ? index_text(outputs[e].factors[i].first_order) : "no variance",
                     defined ? index_text(outputs[e].factors[i].total) : ""});
    }
  return out + table.render();
}

}  // namespace engraft
