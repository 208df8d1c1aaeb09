// Fuzzing test of `engraft serve` over loopback (issue 7): N malformed requests (default 10,000),
// generated from a seed, each on its own connection. Passes when the server never answers 5xx,
// never accepts a request that is malformed by construction, answers a health check every 500
// requests, keeps its resident memory bounded, and still stops cleanly on SIGTERM.
// Usage: malformed_requests ENGRAFT_BINARY SCENARIO_FILE [REQUESTS] [SEED]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

pid_t server_pid = -1;   // killed on failure, so that no server outlives the test

[[noreturn]] void fail(const std::string& message) {
  std::cerr << "malformed_requests: FAIL: " << message << "\n";
  if (server_pid > 0) kill(server_pid, SIGKILL);
  std::exit(1);
}

/// `engraft serve --port 0` as a child process; its port is read from its first line.
struct Server {
  pid_t pid = -1;
  int port = 0;

  explicit Server(const std::string& engraft) {
    int out[2];
    if (pipe(out) != 0) fail("pipe");
    pid = fork();
    if (pid < 0) fail("fork");
    if (pid == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
#if defined(__SANITIZE_ADDRESS__)
      // A sanitizer build keeps freed memory in quarantine (256 MiB by default), which would read
      // as growth: keep it small so that the memory bound below measures the server.
      const char* inherited = std::getenv("ASAN_OPTIONS");
      const std::string asan = std::string(inherited ? inherited : "") + (inherited ? ":" : "") + "quarantine_size_mb=8";
      setenv("ASAN_OPTIONS", asan.c_str(), 1);
#endif
      execl(engraft.c_str(), engraft.c_str(), "serve", "--port", "0", "--trial-threads", "1", static_cast<char*>(nullptr));
      std::perror("exec engraft");
      _exit(127);
    }
    close(out[1]);
    server_pid = pid;
    std::string line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    close(out[0]);
    const std::string address = "127.0.0.1:";
    const auto at = line.find(address);
    if (at == std::string::npos) fail("engraft serve did not print its port: '" + line + "'");
    port = std::atoi(line.c_str() + at + address.size());
    if (port <= 0) fail("engraft serve printed no port: '" + line + "'");
  }

  bool alive() const {
    int status = 0;
    return waitpid(pid, &status, WNOHANG) == 0;
  }

  long rss_kib() const {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
      if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    fail("no VmRSS for the server");
  }
};

/// Sends `request` and returns the status code (nullopt: the server closed without one). A request
/// that is incomplete by construction is followed by closing the sending side, so that the server
/// sees its end at once instead of waiting for the rest until its read timeout.
std::optional<int> exchange(int port, const std::string& request, bool complete) {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) fail("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(s, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) fail("cannot connect to the server");
  for (std::size_t sent = 0; sent < request.size();) {
    const ssize_t n = send(s, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may refuse early (413) and close
    sent += static_cast<std::size_t>(n);
  }
  if (!complete) shutdown(s, SHUT_WR);
  std::string answer;
  std::array<char, 4096> buffer{};
  for (;;) {
    pollfd p{s, POLLIN, 0};
    if (poll(&p, 1, 30000) <= 0) fail("no answer within 30 s to: " + request.substr(0, 200));
    const ssize_t n = recv(s, buffer.data(), buffer.size(), 0);
    if (n <= 0) break;
    answer.append(buffer.data(), static_cast<std::size_t>(n));
    if (answer.size() > 64) break;   // the status line is all we need
  }
  close(s);
  if (answer.rfind("HTTP/1.1 ", 0) != 0 || answer.size() < 12) return std::nullopt;
  return std::stoi(answer.substr(9, 3));
}

std::string read_text(const std::string& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  if (s.str().empty()) fail("cannot read " + file);
  return s.str();
}

class Generator {
 public:
  Generator(std::uint64_t seed, std::string scenario) : random_(seed), scenario_(std::move(scenario)) {}

  struct Request {
    std::string text;
    const char* kind;
    bool complete;      // a whole HTTP request, which must get an answer
    bool may_succeed;   // a mutated scenario can still be a valid one
  };

  Request next() {
    switch (pick(8)) {
      case 0: return {random_bytes(1 + pick(2000)), "random bytes", false, false};
      case 1: return {bad_request_line(), "bad request line", true, false};
      case 2: return {bad_headers(), "bad headers", false, false};
      case 3: return {bad_length(), "bad Content-Length or chunks", false, false};
      case 4: return {post("/api/run", mutate(scenario_)), "mutated scenario", true, true};
      case 5: return {post("/api/run", structural_garbage()), "hostile TOML", true, false};
      case 6: return {post(bad_trial_path(), ""), "bad trial request", true, false};
      default: return {get("/api/jobs/" + random_token(1 + pick(40))), "bad job id", true, false};
    }
  }

 private:
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(random_); }
  char byte() { return static_cast<char>(pick(256)); }
  std::string random_bytes(std::size_t n) {
    std::string s(n, '\0');
    for (char& c : s) c = byte();
    return s;
  }
  std::string random_token(std::size_t n) {
    static const std::string chars = "abcdefghijklmnopqrstuvwxyz0123456789t_-.%/?&=";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += chars[pick(chars.size())];
    return s;
  }
  static std::string post(const std::string& path, const std::string& body) {
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/toml\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  static std::string get(const std::string& path) {
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  }

  std::string bad_request_line() {
    const char* methods[] = {"GET", "POST", "BREW", "", "G\0ET", "DELETE", "PUT", "CONNECT", "get"};
    const std::string targets[] = {"/api/run/../../etc/passwd", std::string(9000, 'a'), "*", "http://x/api/run",
                                   "/api/%00run", "/%zz", "/api/jobs/" + std::string(100, '9'), random_token(20), ""};
    const char* versions[] = {"HTTP/1.1", "HTTP/9.9", "HTTP/1.1 extra", "", "HTTP/", "FTP/1.0"};
    // None of these targets is a route that answers a bodiless request with success. The empty
    // body is declared, or the server would wait for one until its read timeout.
    return std::string(methods[pick(std::size(methods))]) + " " + targets[pick(std::size(targets))] + " " +
           versions[pick(std::size(versions))] + "\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
  }

  std::string bad_headers() {
    std::string head = "POST /api/run HTTP/1.1\r\nHost: x\r\n";
    switch (pick(5)) {
      case 0: head += "No colon here\r\n"; break;
      case 1: head += "X-Big: " + std::string(9000, 'b') + "\r\n"; break;
      case 2: for (int i = 0; i < 200; ++i) head += "X-" + std::to_string(i) + ": " + std::string(100, 'v') + "\r\n"; break;
      case 3: head += random_bytes(200) + "\r\n"; break;
      default: head += "Content-Length: 5\r\nContent-Length: 7\r\n"; break;
    }
    return head + "\r\n" + "[sc";
  }

  std::string bad_length() {
    const std::string lengths[] = {"-1", "abc", "99999999999999999999", "1000000000000", "0x10", "", " 12 34"};
    switch (pick(3)) {
      case 0: return "POST /api/run HTTP/1.1\r\nHost: x\r\nContent-Length: " + lengths[pick(std::size(lengths))] + "\r\n\r\nabc";
      case 1:   // declares more than it sends, then closes
        return "POST /api/run HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n[scenario]\nmodel = \"autologous_transplant\"\n";
      default: {  // chunked with broken sizes
        const char* chunks[] = {"zz\r\nabc\r\n0\r\n\r\n", "ffffffffffffffff\r\nx\r\n", "5\r\nab\r\n", "-3\r\nabc\r\n0\r\n\r\n"};
        return std::string("POST /api/run HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n") + chunks[pick(std::size(chunks))];
      }
    }
  }

  std::string mutate(std::string s) {
    const std::size_t edits = 1 + pick(8);
    for (std::size_t e = 0; e < edits && !s.empty(); ++e) {
      const std::size_t at = pick(s.size());
      switch (pick(5)) {
        case 0: s[at] = byte(); break;
        case 1: s.erase(at, 1 + pick(20)); break;
        case 2: s.insert(at, random_bytes(1 + pick(8))); break;
        case 3: s.insert(at, s.substr(pick(s.size()), pick(60))); break;
        default: {
          const char* words[] = {"1e308", "-1", "nan", "inf", "\"\"", "[[", "]]", "{", "\"1e9 cells/kg\"", "= ", "\n[x]\n", "\"\\u0000\""};
          s.insert(at, words[pick(std::size(words))]);
        }
      }
    }
    return s;
  }

  std::string structural_garbage() {
    switch (pick(5)) {
      case 0: return std::string(5000, '[');
      case 1: return "[scenario]\nname = \"" + std::string("\xc3\x28\xa0\xa1") + "\"\n";
      case 2: return "a" + std::string(40, '.') + "b = 1\n";
      case 3: return "[scenario]\nmodel = \"autologous_transplant\"\nend_day = 1e300\n";
      default: return "x = " + std::string(200, '{');
    }
  }

  std::string bad_trial_path() {
    const char* names[] = {"cd34_dose", "gcsf_timing", "nope", "../trials/cd34_dose", "CD34_DOSE", ""};
    const char* bad[] = {"patients=0", "patients=-5", "patients=2001", "patients=abc", "patients=1e3", "patients=99999999999999999999",
                         "seed=-1", "seed=x", "lang=fr", "patients=", "patients=5%00"};
    const std::string name = names[pick(std::size(names))];
    return "/api/trials/" + name + "?" + bad[pick(std::size(bad))];
  }

  std::mt19937_64 random_;
  std::string scenario_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: malformed_requests ENGRAFT_BINARY SCENARIO_FILE [REQUESTS] [SEED]\n";
    return 2;
  }
  const long requests = argc > 3 ? std::stol(argv[3]) : 10000;
  const std::uint64_t seed = argc > 4 ? std::stoull(argv[4]) : 1;
  Server server(argv[1]);
  Generator generator(seed, read_text(argv[2]));
  std::map<std::string, std::map<std::string, long>> outcomes;   // kind -> status -> count
  std::map<std::string, double> seconds;                          // kind -> time waiting for answers
  long warm_rss = 0;
  constexpr long max_growth_kib = 64 * 1024;
  for (long i = 1; i <= requests; ++i) {
    const auto request = generator.next();
    const auto start = std::chrono::steady_clock::now();
    const std::optional<int> status = exchange(server.port, request.text, request.complete);
    seconds[request.kind] += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!server.alive()) fail("the server died on request " + std::to_string(i) + " (" + request.kind + ")");
    const std::string shown = status ? std::to_string(*status) : "closed";
    ++outcomes[request.kind][shown];
    if (!status && request.complete) fail(std::string(request.kind) + ": no answer to: " + request.text.substr(0, 300));
    if (status && *status >= 500) fail(std::string(request.kind) + " got " + shown + ": " + request.text.substr(0, 300));
    if (status && *status < 400 && !request.may_succeed)
      fail(std::string(request.kind) + " was accepted (" + shown + "): " + request.text.substr(0, 300));
    if (i % 500 == 0 && exchange(server.port, "GET /api/version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", true) != 200)
      fail("the health check failed after " + std::to_string(i) + " requests");
    if (i == 1000) warm_rss = server.rss_kib();
  }
  const long rss = server.rss_kib();
  std::cout << requests << " malformed requests (seed " << seed << "), outcome by kind:\n";
  for (const auto& [kind, statuses] : outcomes) {
    std::cout << "  " << kind << ":";
    long n_kind = 0;
    for (const auto& [status, n] : statuses) {
      std::cout << " " << status << " x" << n;
      n_kind += n;
    }
    std::cout << "  (mean " << 1000.0 * seconds[kind] / static_cast<double>(n_kind) << " ms)\n";
  }
  std::cout << "server resident memory: " << warm_rss / 1024 << " MiB after 1,000 requests, " << rss / 1024 << " MiB at the end\n";
  if (warm_rss > 0 && rss - warm_rss > max_growth_kib) fail("resident memory grew by more than 64 MiB after warm-up");

  kill(server.pid, SIGTERM);
  int status = 0;
  for (int i = 0; i < 200 && waitpid(server.pid, &status, WNOHANG) == 0; ++i) usleep(50000);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) fail("the server did not stop cleanly on SIGTERM");
  std::cout << "no crash, no 5xx, nothing malformed accepted, memory bounded, clean stop\n";
  return 0;
}
