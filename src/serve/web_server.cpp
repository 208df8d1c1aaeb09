#include "engraft/serve/web_server.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "engraft/core/error.hpp"
#include "engraft/formats/model_file.hpp"
#include "engraft/formats/run_output.hpp"
#include "engraft/formats/scenario_file.hpp"
#include "engraft/formats/trial_file.hpp"
#include "engraft/report/reports.hpp"
#include "engraft/trial/run.hpp"
#include "trial_jobs.hpp"
#include "web_assets.hpp"

namespace engraft {

namespace {

using nlohmann::json;

constexpr const char* json_type = "application/json; charset=utf-8";

void answer(httplib::Response& response, int status, const json& body) {
  response.status = status;
  response.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), json_type);
}

void refuse(httplib::Response& response, int status, const std::string& message) {
  answer(response, status, {{"error", message}});
}

/// For statuses httplib sets itself.
const char* reason(int status) {
  switch (status) {
    case 400: return "not a well-formed HTTP request (a POST needs a Content-Length header)";
    case 404: return "no such page or API route (see docs/web-app.md)";
    case 413: return "the request body is larger than the server accepts";
    case 414: return "the request line is too long";
    case 416: return "the requested range cannot be served";
    default: return "the request was refused";
  }
}

/// Built-in scenario and trial files the page offers (their folders beside models/).
std::filesystem::path data_dir(const char* name) { return builtin_models_dir().parent_path() / name; }

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// A query parameter that must be an integer in [min, max]; absent: fallback.
std::uint64_t integer_param(const httplib::Request& request, const char* name, std::uint64_t fallback, std::uint64_t min,
                            std::uint64_t max) {
  if (!request.has_param(name)) return fallback;
  const std::string text = request.get_param_value(name);
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value < min || value > max)
    throw InputError({"request", 0, name}, fmt::format("an integer from {} to {}", min, max), "'" + text + "'");
  return value;
}

Language language_param(const httplib::Request& request) {
  const std::string lang = request.has_param("lang") ? request.get_param_value("lang") : "en";
  if (lang != "en" && lang != "zh") throw InputError({"request", 0, "lang"}, "en or zh", "'" + lang + "'");
  return lang == "zh" ? Language::zh : Language::en;
}

}  // namespace

struct WebServer::Impl {
  WebServerOptions options;
  httplib::Server http;
  int port = 0;
  ReportEvidence evidence = load_report_evidence();
  serve::TrialJobs trials;
  json scenario_list = json::array(), trial_list = json::array();
  std::map<std::string, LoadedTrial> builtin_trials;   // read once at start; the page may start only these
  std::mutex models_mutex;
  std::map<std::string, std::shared_ptr<const CompiledModel>> models;   // compiled once, shared by requests

  explicit Impl(WebServerOptions o)
      : options(std::move(o)),
        trials(options.max_running_trials, options.trial_threads, evidence) {
    list_builtin_files();
    add_routes();
    configure();
    port = options.port == 0 ? http.bind_to_any_port(options.host) : (http.bind_to_port(options.host, options.port) ? options.port : -1);
    if (port < 0) throw std::runtime_error(fmt::format("cannot listen on {}:{} (address in use or not local)", options.host, options.port));
  }

  std::shared_ptr<const CompiledModel> builtin_model(const std::string& name) {
    std::lock_guard lock(models_mutex);
    auto& compiled = models[name];
    if (!compiled) compiled = CompiledModel::compile(load_model(name));
    return compiled;
  }

  /// The default scenario, the scenario folders the page offers, and every trial file that loads.
  void list_builtin_files() {
    const auto describe = [](const std::string& name, const std::filesystem::path& file) {
      return json{{"name", name}, {"model", scenario_model(file).name_or_path}, {"text", read_text(file)}};
    };
    scenario_list.push_back(describe("default", default_scenario_path()));
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const char* folder : {"cell_fate", "immunomodulation", "infarct", "t1d"})
      for (const auto& entry : std::filesystem::directory_iterator(data_dir("scenarios") / folder, ec))
        if (entry.path().extension() == ".toml") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files)
      scenario_list.push_back(describe(f.parent_path().filename().string() + "/" + f.stem().string(), f));

    files.clear();
    for (const auto& entry : std::filesystem::directory_iterator(data_dir("trials"), ec))
      if (entry.path().extension() == ".toml") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      LoadedTrial t = read_trial(f);
      json arms = json::array();
      for (const Arm& arm : t.spec.arms) arms.push_back(arm.name);
      trial_list.push_back({{"name", f.stem().string()}, {"title", t.spec.name}, {"description", t.spec.description},
                            {"arms", arms}, {"patients", t.spec.patients}, {"seed", t.spec.seed}});
      builtin_trials.emplace(f.stem().string(), std::move(t));
    }
  }

  void configure() {
    // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, which would let a second server bind
    // the same port and share its requests instead of failing.
    http.set_socket_options([](int socket) {
      const int yes = 1;
      setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    // httplib owns the queue it is given (its interface takes a raw pointer).
    http.new_task_queue = [n = options.request_threads] { return new httplib::ThreadPool(n); };
    http.set_payload_max_length(options.max_request_bytes);
    http.set_read_timeout(5, 0);
    http.set_write_timeout(5, 0);
    http.set_keep_alive_timeout(5);
    http.set_default_headers({{"Cache-Control", "no-store"}, {"X-Content-Type-Options", "nosniff"}});
    // Statuses httplib sets itself (400 unreadable request, 404, 413, 414) get a message too.
    http.set_error_handler([](const httplib::Request&, httplib::Response& response) {
      if (response.body.empty())
        refuse(response, response.status, fmt::format("HTTP {}: {}", response.status, reason(response.status)));
    });
    http.set_exception_handler([](const httplib::Request&, httplib::Response& response, std::exception_ptr error) {
      try {
        std::rethrow_exception(error);
      } catch (const InputError& e) {
        refuse(response, 400, e.what());
      } catch (const std::exception& e) {
        refuse(response, 500, std::string("internal error: ") + e.what());
      } catch (...) {
        refuse(response, 500, "internal error");
      }
    });
  }

  void add_routes() {
    for (const serve::WebAsset& asset : serve::web_assets())
      http.Get(std::string(asset.path), [&asset](const httplib::Request&, httplib::Response& response) {
        response.set_content(asset.body.data(), asset.body.size(), std::string(asset.content_type).c_str());
      });
    http.Get("/api/version", [](const httplib::Request&, httplib::Response& response) {
      answer(response, 200, {{"engraft", engraft_version()}});
    });
    http.Get("/api/scenarios", [this](const httplib::Request&, httplib::Response& response) { answer(response, 200, scenario_list); });
    http.Get("/api/trials", [this](const httplib::Request&, httplib::Response& response) { answer(response, 200, trial_list); });
    http.Post("/api/run", [this](const httplib::Request& request, httplib::Response& response) { run(request, response); });
    http.Post(R"(/api/trials/([a-z0-9_]{1,64}))", [this](const httplib::Request& request, httplib::Response& response) {
      start_trial(request, response);
    });
    http.Get(R"(/api/jobs/([a-z0-9]{1,32}))", [this](const httplib::Request& request, httplib::Response& response) {
      const auto status = trials.status(request.matches[1]);
      if (!status) return refuse(response, 404, "no such job (finished jobs are kept for a while, then forgotten)");
      answer(response, 200, *status);
    });
  }

  /// POST /api/run: the body is a scenario file's text (docs/scenario-format.md) naming a built-in model.
  void run(const httplib::Request& request, httplib::Response& response) {
    const Language language = language_param(request);
    if (request.body.empty()) return refuse(response, 400, "request: expected a scenario file's text (TOML) as the body");
    const TextScenario in = read_scenario_text(request.body, "request", [this](const std::string& name) { return builtin_model(name); });
    const Scenario& s = in.scenario;
    const double outputs = (s.end_day - s.start_day) / s.output_step_days;
    if (outputs > static_cast<double>(options.max_output_times))
      return refuse(response, 400, fmt::format("request: scenario.output_step: expected at most {} output times in the web app "
                                               "(engraft run has no such limit), got {:.0f}",
                                               options.max_output_times, outputs));
    const RunResult result = engraft::run(in.model, s);
    if (!result.solve.ok())
      return refuse(response, 422, fmt::format("solve failed at t = {:.6g} d: {}: {}", result.solve.t_failed,
                                               to_string(result.solve.status), result.solve.message));
    std::ostringstream summary;
    write_summary_json(*in.model, s, result, summary);
    answer(response, 200, {{"summary", json::parse(summary.str())},
                           {"report_html", run_report_html(*in.model, s, result, evidence, language)}});
  }

  /// POST /api/trials/NAME?patients=N&seed=S&lang=L: starts a built-in trial; 202 with the job to poll.
  void start_trial(const httplib::Request& request, httplib::Response& response) {
    const auto builtin = builtin_trials.find(request.matches[1]);
    if (builtin == builtin_trials.end()) return refuse(response, 404, "no built-in trial of that name (GET /api/trials lists them)");
    const Language language = language_param(request);
    LoadedTrial trial = builtin->second;   // a copy: the request changes patients and seed
    trial.spec.patients = integer_param(request, "patients", std::min(trial.spec.patients, options.max_trial_patients), 1,
                                        options.max_trial_patients);
    trial.spec.seed = integer_param(request, "seed", trial.spec.seed, 0, std::uint64_t{1} << 62);
    try {
      answer(response, 202, {{"job", trials.start(std::move(trial), language)}});
    } catch (const serve::TooManyTrials& e) {
      refuse(response, 429, e.what());
    }
  }
};

WebServer::WebServer(WebServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

WebServer::~WebServer() { stop(); }

int WebServer::port() const { return impl_->port; }

void WebServer::listen() {
  if (!impl_->http.listen_after_bind() && impl_->http.is_running())
    throw std::runtime_error("the web server stopped unexpectedly");
}

void WebServer::stop() { impl_->http.stop(); }

}  // namespace engraft
