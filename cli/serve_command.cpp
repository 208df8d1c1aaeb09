#include <csignal>
#include <iostream>
#include <thread>

#include <pthread.h>

#include <fmt/format.h>

#include "commands.hpp"
#include "engraft/serve/web_server.hpp"

namespace engraft::cli {

namespace {

struct ServeOptions {
  WebServerOptions server;
};

/// Serves until SIGINT or SIGTERM. The signals are blocked in every thread and taken by sigwait
/// in one: stopping the server is not something a signal handler may do.
int serve_command(const ServeOptions& o) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  WebServer server(o.server);
  std::cout << fmt::format("engraft serve: listening on http://{}:{}/ (Ctrl-C stops)\n", o.server.host, server.port())
            << std::flush;
  if (o.server.host != "127.0.0.1" && o.server.host != "localhost" && o.server.host != "::1")
    std::cerr << "engraft serve: warning: listening beyond this machine; the app has no log-in\n";
  std::jthread waiter([&server, stop_signals] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    server.stop();
  });
  server.listen();
  // Stopped by a signal (the waiter returns) or by the server itself: wake the waiter either way.
  pthread_kill(waiter.native_handle(), SIGTERM);
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the local web app: set a scenario, run it, see the plots");
  cmd->add_option("--port", options->server.port, "TCP port (0: any free port, printed at start)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_option("--host", options->server.host, "Address to listen on (default: this machine only)")->capture_default_str();
  cmd->add_option("--trial-threads", options->server.trial_threads, "Threads per trial (0: all cores)")->capture_default_str();
  cmd->callback([options, &action] { action = [options] { return serve_command(*options); }; });
}

}  // namespace engraft::cli
