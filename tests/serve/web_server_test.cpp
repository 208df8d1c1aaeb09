// The web app's server, in process, through its HTTP API (docs/web-app.md): answers equal the
// library's, malformed requests get a 4xx with a message, trials run in the background and are
// limited, and a slow client does not hold up the others.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "engraft/formats/scenario_file.hpp"
#include "engraft/serve/web_server.hpp"
#include "engraft/trial/run.hpp"

namespace engraft {
namespace {

using nlohmann::json;

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A server on a free loopback port, serving on its own thread for the test's lifetime.
class Served {
 public:
  explicit Served(WebServerOptions options = {}) : server_((options.port = 0, options)), thread_([this] { server_.listen(); }) {}
  ~Served() { server_.stop(); }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", server_.port());
    c.set_read_timeout(600, 0);
    return c;
  }
  int port() const { return server_.port(); }

 private:
  WebServer server_;
  std::jthread thread_;
};

TEST(WebServer, RunAnswersWhatTheLibraryComputes) {
  Served served;
  auto response = served.client().Post("/api/run", read_text(default_scenario_path()), "application/toml");
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  const json answer = json::parse(response->body);

  const auto model = load_scenario_model(default_scenario_path());
  const RunResult expected = run(model, read_scenario(default_scenario_path(), *model));
  const json& endpoints = answer.at("summary").at("endpoints");
  // Same reader, same model, same solver: the same numbers to the last bit (JSON keeps doubles exact).
  EXPECT_EQ(endpoints.at("neutrophil_engraftment_day").get<double>(), *expected.endpoints.neutrophil_engraftment_day);
  EXPECT_EQ(endpoints.at("platelet_engraftment_day").get<double>(), *expected.endpoints.platelet_engraftment_day);
  EXPECT_EQ(endpoints.at("anc_0_5_crossing_day").get<double>(), *expected.endpoints.anc_0_5_crossing_day);
  EXPECT_EQ(endpoints.at("anc_nadir").get<double>(), *expected.endpoints.anc_nadir);
  const std::string report = answer.at("report_html").get<std::string>();
  EXPECT_NE(report.find("<svg"), std::string::npos);
  EXPECT_NE(report.find("class=\"threshold\""), std::string::npos);
}

struct Refusal {
  const char* what;
  const char* method;
  std::string path, body;
  int status;
  const char* message;   // a part of the error message
};

TEST(WebServer, MalformedRequestsGetA4xxWithAMessage) {
  WebServerOptions options;
  options.max_request_bytes = 4096;
  Served served(options);
  const std::string scenario = read_text(default_scenario_path());
  std::string misspelt = scenario;
  misspelt.replace(misspelt.find("weight ="), 6, "wieght");
  std::string fine_output = scenario;
  fine_output.replace(fine_output.find("output_step = \"1 h\""), 19, "output_step = \"1 min\"");
  const Refusal cases[] = {
      {"empty body", "POST", "/api/run", "", 400, "expected a scenario file's text"},
      {"not TOML", "POST", "/api/run", "[scenario\nmodel = 1", 400, "request:1: expected valid TOML"},
      {"misspelt key", "POST", "/api/run", misspelt, 400, "wieght"},
      {"a model file instead of a built-in model", "POST", "/api/run", "[scenario]\nmodel = \"/etc/passwd\"\n", 400,
       "may not name a file"},
      {"too many output times", "POST", "/api/run", fine_output, 400, "at most 20000 output times"},
      {"invalid UTF-8", "POST", "/api/run", "[scenario]\nname = \"\xff\xfe\"\n", 400, "UTF-8"},
      {"too large", "POST", "/api/run", std::string(5000, '#'), 413, "larger than the server accepts"},
      {"unknown language", "POST", "/api/run?lang=fr", scenario, 400, "lang: expected en or zh"},
      {"unknown route", "GET", "/api/nothing", "", 404, "no such page"},
      {"unknown trial", "POST", "/api/trials/nope", "", 404, "no built-in trial"},
      {"zero patients", "POST", "/api/trials/cd34_dose?patients=0", "", 400, "patients: expected an integer from 1 to 2000"},
      {"seed not a number", "POST", "/api/trials/cd34_dose?seed=1e3", "", 400, "seed: expected an integer"},
      {"unknown job", "GET", "/api/jobs/t999", "", 404, "no such job"},
  };
  auto client = served.client();
  for (const Refusal& c : cases) {
    const auto response = std::string(c.method) == "GET" ? client.Get(c.path) : client.Post(c.path, c.body, "application/toml");
    ASSERT_TRUE(response) << c.what;
    EXPECT_EQ(response->status, c.status) << c.what << ": " << response->body;
    const json answer = json::parse(response->body);
    EXPECT_NE(answer.at("error").get<std::string>().find(c.message), std::string::npos) << c.what << ": " << response->body;
  }
}

TEST(WebServer, TrialRunsInTheBackgroundAndTooManyAreRefused) {
  WebServerOptions options;
  options.max_running_trials = 1;
  options.trial_threads = 1;
  Served served(options);
  auto client = served.client();
  const auto started = client.Post("/api/trials/cd34_dose?patients=400&seed=7", "", "text/plain");
  ASSERT_TRUE(started);
  ASSERT_EQ(started->status, 202) << started->body;
  const std::string job = json::parse(started->body).at("job");
  // 1,200 subjects take far longer than the next request: the one slot is taken.
  const auto second = client.Post("/api/trials/gcsf_timing?patients=5", "", "text/plain");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 429) << second->body;

  json status;
  for (int polls = 0; polls < 6000; ++polls) {   // at most 10 minutes (a sanitizer build is slow)
    const auto r = client.Get("/api/jobs/" + job);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
    status = json::parse(r->body);
    if (status.at("state") != "running") break;
    EXPECT_LE(status.at("done").get<int>(), 1200);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(status.at("state"), "done") << status.dump();
  EXPECT_EQ(status.at("done"), 1200);
  EXPECT_EQ(status.at("total"), 1200);
  const json& result = status.at("result");
  EXPECT_EQ(result.at("summary").at("trial").at("patients_per_arm"), 400);
  EXPECT_EQ(result.at("summary").at("trial").at("seed"), 7);
  EXPECT_EQ(result.at("summary").at("arms").size(), 3u);
  EXPECT_NE(result.at("summary_text").get<std::string>().find("neutrophil engraftment"), std::string::npos);
  EXPECT_NE(result.at("report_html").get<std::string>().find("class=\"median\""), std::string::npos);
  // The slot is free again.
  const auto third = client.Post("/api/trials/gcsf_timing?patients=2", "", "text/plain");
  ASSERT_TRUE(third);
  EXPECT_EQ(third->status, 202) << third->body;
}

TEST(WebServer, ASlowClientDoesNotHoldUpOthers) {
  WebServerOptions options;
  options.request_threads = 2;
  Served served(options);
  // A client that announces a body and sends only part of it holds one of the two request threads.
  const int slow = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(slow, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(served.port()));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(slow, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  const std::string partial = "POST /api/run HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n[scenario]\n";
  ASSERT_EQ(send(slow, partial.data(), partial.size(), 0), static_cast<ssize_t>(partial.size()));
  for (int i = 0; i < 5; ++i) {
    const auto r = served.client().Get("/api/version");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  close(slow);
}

TEST(WebServer, ServesItsPageFromTheBinary) {
  Served served;
  auto client = served.client();
  for (const char* path : {"/", "/app.js", "/app.css"}) {
    const auto r = client.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_GT(r->body.size(), 1000u) << path;
  }
  EXPECT_NE(client.Get("/")->get_header_value("Content-Type").find("text/html"), std::string::npos);
  const json scenarios = json::parse(client.Get("/api/scenarios")->body);
  EXPECT_EQ(scenarios.at(0).at("name"), "default");
  EXPECT_EQ(scenarios.at(0).at("text"), read_text(default_scenario_path()));
}

TEST(WebServer, RefusesAPortInUse) {
  Served served;
  WebServerOptions options;
  options.port = served.port();
  EXPECT_THROW(WebServer{options}, std::runtime_error);
}

}  // namespace
}  // namespace engraft
