// keystorm_http_load_check: a loopback load check of the HTTP machinery.
//
//   1. Throughput: C client threads, each on one keep-alive connection,
//      send GET /ping back to back for S seconds against a trivial handler;
//      prints requests per second.  (Figures, not assertions: they depend on
//      the machine.)
//   2. Held connections: opens N connections at once, sends one request on
//      each, checks that every one is answered while all N stay open, then
//      one more round on every connection (keep-alive held).
//
// The server runs in a child process (fork) so that client and server each
// have their own open-file limit; the child is stopped with SIGTERM, which
// also exercises RunUntilSignal's drain.  Exit status 0 only if every
// request of both parts was answered 200.
//
//   keystorm_http_load_check [--seconds S] [--clients C] [--connections N]
//                            [--io-threads T]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "keystorm/server/http_server.h"

namespace {

using keystorm::server::HttpRequest;
using keystorm::server::HttpResponse;
using keystorm::server::HttpServer;
using keystorm::server::ListenerOptions;
using keystorm::server::Responder;
using keystorm::server::Router;

constexpr std::string_view kRequest = "GET /ping HTTP/1.1\r\nHost: load\r\n\r\n";

struct Options {
  double seconds = 3;
  int clients = 8;
  int connections = 10000;
  int io_threads = 2;
};

// The child: serves until SIGTERM; writes its port to `port_fd`.
[[noreturn]] void Serve(const Options& options, int port_fd) {
  HttpServer server(options.io_threads);
  Router router;
  router.Add("GET", "/ping", [](HttpRequest&&, Responder respond) {
    HttpResponse response;
    response.content_type = "text/plain";
    response.body = "pong";
    respond(std::move(response));
  });
  ListenerOptions listener;
  listener.name = "load";
  listener.max_connections = static_cast<size_t>(options.connections) + 100;
  listener.max_connections_per_address = listener.max_connections;  // all from 127.0.0.1
  listener.max_requests_per_connection = 100'000'000;
  listener.read_timeout_ms = 60'000;
  auto port = server.AddListener(listener, std::move(router));
  if (!port.has_value()) {
    std::fprintf(stderr, "listen: %s\n", port.error().ToString().c_str());
    std::_Exit(2);
  }
  server.Start();
  uint16_t bound = *port;
  if (::write(port_fd, &bound, sizeof(bound)) != sizeof(bound)) std::_Exit(2);
  ::close(port_fd);
  server.RunUntilSignal(std::chrono::seconds(5));
  std::_Exit(0);
}

int Connect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

bool SendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads one answer to /ping ("HTTP/1.1 200 ...\r\n...\r\n\r\npong"); true
// if it is a 200.  `pending` keeps bytes of the next answer, if any.
bool ReadAnswer(int fd, std::string& pending) {
  for (;;) {
    size_t head_end = pending.find("\r\n\r\n");
    if (head_end != std::string::npos && pending.size() >= head_end + 4 + 4) {
      bool ok = pending.compare(0, 12, "HTTP/1.1 200") == 0;
      pending.erase(0, head_end + 4 + 4);  // "pong"
      return ok;
    }
    pollfd waiting{fd, POLLIN, 0};
    if (::poll(&waiting, 1, 10'000) != 1) return false;
    char buffer[4096];
    ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) return false;
    pending.append(buffer, static_cast<size_t>(n));
  }
}

bool Throughput(const Options& options, uint16_t port) {
  std::atomic<uint64_t> answered{0};
  std::atomic<uint64_t> failed{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  auto start = std::chrono::steady_clock::now();
  for (int c = 0; c < options.clients; ++c) {
    clients.emplace_back([&] {
      int fd = Connect(port);
      if (fd < 0) {
        failed.fetch_add(1);
        return;
      }
      std::string pending;
      uint64_t mine = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        if (!SendAll(fd, kRequest) || !ReadAnswer(fd, pending)) {
          failed.fetch_add(1);
          break;
        }
        ++mine;
      }
      answered.fetch_add(mine);
      ::close(fd);
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(options.seconds));
  stop = true;
  for (auto& client : clients) client.join();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("throughput: %d keep-alive connections, %.1f s: %llu requests, %.0f requests/s, "
              "%llu failures\n",
              options.clients, elapsed, static_cast<unsigned long long>(answered.load()),
              static_cast<double>(answered.load()) / elapsed,
              static_cast<unsigned long long>(failed.load()));
  return failed.load() == 0 && answered.load() > 0;
}

// The resident memory of process `pid` in KiB (VmRSS), or 0.
long ResidentKiB(pid_t pid) {
  std::string path = "/proc/" + std::to_string(pid) + "/status";
  std::FILE* status = std::fopen(path.c_str(), "r");
  if (status == nullptr) return 0;
  char line[256];
  long kib = 0;
  while (std::fgets(line, sizeof(line), status) != nullptr) {
    if (std::strncmp(line, "VmRSS:", 6) == 0) kib = std::atol(line + 6);
  }
  std::fclose(status);
  return kib;
}

bool HeldConnections(const Options& options, uint16_t port, pid_t server) {
  long rss_before = ResidentKiB(server);
  std::vector<int> fds;
  fds.reserve(static_cast<size_t>(options.connections));
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < options.connections; ++i) {
    int fd = Connect(port);
    if (fd < 0) {
      std::printf("held connections: connect %d failed: %s\n", i, std::strerror(errno));
      break;
    }
    fds.push_back(fd);
  }
  size_t ok = 0;
  for (int round = 0; round < 2; ++round) {
    // Send on every connection first, then read: all are in flight together.
    for (int fd : fds) SendAll(fd, kRequest);
    ok = 0;
    for (int fd : fds) {
      std::string pending;
      if (ReadAnswer(fd, pending)) ++ok;
    }
    if (ok != fds.size()) break;
  }
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  long rss_held = ResidentKiB(server);
  std::printf("held connections: %zu open at once, %zu answered 200 on each of 2 rounds, %.2f s\n",
              fds.size(), ok, elapsed);
  if (!fds.empty()) {
    std::printf("server memory: %.1f MiB before, %.1f MiB with them idle (%.1f KiB each)\n",
                static_cast<double>(rss_before) / 1024, static_cast<double>(rss_held) / 1024,
                static_cast<double>(rss_held - rss_before) / static_cast<double>(fds.size()));
  }
  for (int fd : fds) ::close(fd);
  return fds.size() == static_cast<size_t>(options.connections) && ok == fds.size();
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i];
    if (flag == "--seconds") {
      options.seconds = std::atof(argv[i + 1]);
    } else if (flag == "--clients") {
      options.clients = std::atoi(argv[i + 1]);
    } else if (flag == "--connections") {
      options.connections = std::atoi(argv[i + 1]);
    } else if (flag == "--io-threads") {
      options.io_threads = std::atoi(argv[i + 1]);
    } else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  uint64_t files = keystorm::server::RaiseOpenFileLimit();
  if (files < static_cast<uint64_t>(options.connections) + 100) {
    std::fprintf(stderr, "open-file limit %llu is below --connections %d (+100)\n",
                 static_cast<unsigned long long>(files), options.connections);
    return 2;
  }
  int port_pipe[2];
  if (::pipe(port_pipe) != 0) return 2;
  pid_t child = ::fork();
  if (child < 0) return 2;
  if (child == 0) {
    ::close(port_pipe[0]);
    Serve(options, port_pipe[1]);
  }
  ::close(port_pipe[1]);
  uint16_t port = 0;
  if (::read(port_pipe[0], &port, sizeof(port)) != sizeof(port)) {
    std::fprintf(stderr, "the server did not start\n");
    return 2;
  }
  ::close(port_pipe[0]);

  bool ok = Throughput(options, port);
  ok = HeldConnections(options, port, child) && ok;

  ::kill(child, SIGTERM);
  int status = 0;
  ::waitpid(child, &status, 0);
  bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  std::printf("server stopped on SIGTERM: %s\n", clean ? "cleanly" : "NOT cleanly");
  return ok && clean ? 0 : 1;
}
