// `engraft serve`: a local web app over the library. The page (web/, compiled into the binary)
// builds a scenario file from a form, the server reads it with the same reader as `engraft run`,
// simulates, and answers with the run's summary.json and its HTML report; trials run in the
// background with progress. HTTP API and limits: docs/web-app.md.
//
// Part of the command line, not of the installed library: it links cpp-httplib, which the
// library's users should not have to find.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace engraft {

struct WebServerOptions {
  std::string host = "127.0.0.1";             // loopback only unless told otherwise
  int port = 8080;                            // 0: any free port (see WebServer::port)
  std::size_t max_request_bytes = 256 * 1024; // larger bodies get 413
  std::size_t max_output_times = 20000;       // per run: keeps a response and its plots small
  std::uint64_t max_trial_patients = 2000;    // per arm
  unsigned max_running_trials = 2;            // more at once get 429
  unsigned trial_threads = 0;                 // per trial; 0 = hardware concurrency
  unsigned request_threads = 8;               // requests served at once
};

class WebServer {
 public:
  /// Binds the socket (throws std::runtime_error when the address is taken or invalid).
  explicit WebServer(WebServerOptions options);
  ~WebServer();  // stops, cancels running trials and waits for them
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  int port() const;
  /// Serves until stop() is called (from another thread).
  void listen();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace engraft
