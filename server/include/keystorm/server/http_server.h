// HttpServer: HTTP/1.1 listeners on Boost.Asio/Beast that hand parsed
// requests to a Router (http.h).  Plain TCP only: TLS is terminated by the
// load balancer in front of us.
//
// Threading.  A fixed pool of I/O threads runs every connection; each
// connection lives on its own strand, so no thread is ever blocked per
// connection and a handler may answer later from any thread (its Responder
// posts the answer back to the connection's strand).  Handlers are called on
// an I/O thread and must not block it: hand long work to a pool and answer
// through the Responder.
//
// One request at a time per connection: the next request on a keep-alive
// connection is read only after the previous answer has been written
// (pipelined requests wait in the socket buffer meanwhile).
//
// Limits (every one per listener, in ListenerOptions; docs/operations_http.md
// lists them with their status codes).  Each limit that fires is counted in
// the stats (LimitKind) so that operators can see which one bites.
//
// Typical use:
//   HttpServer server(4);
//   Router api;  api.Add("POST", "/login", handler);
//   Result<uint16_t> port = server.AddListener({.name = "api", .port = 8080}, std::move(api));
//   server.Start();
//   server.RunUntilSignal(std::chrono::seconds(10));   // SIGTERM/SIGINT -> drain, stop
#ifndef KEYSTORM_SERVER_HTTP_SERVER_H_
#define KEYSTORM_SERVER_HTTP_SERVER_H_

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "keystorm/server/http.h"
#include "keystorm/status.h"

namespace keystorm::server {

struct ListenerOptions {
  std::string name;  // for stats, metrics labels and logs ("api", "admin")
  std::string address = "127.0.0.1";  // an IPv4 or IPv6 literal; "0.0.0.0" for all
  uint16_t port = 0;                  // 0: an ephemeral port (AddListener returns it)

  // Request line plus headers beyond this -> 431, connection closed.
  size_t max_header_bytes = 8192;
  // A body beyond this -> 413, connection closed.  Decided from
  // Content-Length before any of the body is read; a chunked body as soon
  // as its running size passes the limit.
  size_t max_body_bytes = 64 * 1024;
  // The whole request (first byte to last) must arrive within this, else
  // 408 and close; it also bounds writing each response.  A connection that
  // sends nothing at all within it is closed without an answer.
  int read_timeout_ms = 10000;
  // A keep-alive connection with no new request for this long is closed
  // (no answer: there is no request to answer).
  int idle_timeout_ms = 60000;
  // Open connections on this listener beyond this: the new connection gets
  // 503 with Retry-After and `Connection: close`, and is closed.  (It is
  // accepted first so that the client learns why, rather than hanging in
  // the kernel's backlog.)
  size_t max_connections = 10000;
  // The same, counted per client IP address.  Behind a load balancer every
  // connection comes from the balancer's address: set this at least as high
  // as max_connections there.
  size_t max_connections_per_address = 256;
  // The answer to this many-th request on one connection carries
  // `Connection: close`, and the connection is closed after it.
  size_t max_requests_per_connection = 10000;
  // Requests handed to handlers and not yet answered, on this listener.  A
  // request that would go beyond it is answered 503 with Retry-After at once
  // and never queued (the connection stays open).
  size_t max_in_flight = 4096;
  int retry_after_s = 1;  // the Retry-After value of every 503 above
};

// Why a limit fired; the index into ListenerStats::limit_hits.
enum class LimitKind : uint8_t {
  kHeaderTooLarge = 0,        // 431
  kBodyTooLarge,              // 413
  kReadTimeout,               // 408
  kIdleTimeout,               // closed, no answer
  kMaxConnections,            // 503, closed
  kMaxConnectionsPerAddress,  // 503, closed
  kMaxRequestsPerConnection,  // Connection: close on the last answer
  kOverloaded,                // 503 + Retry-After (max_in_flight)
  kMalformed,                 // 400, closed
};
inline constexpr size_t kLimitKindCount = 9;
// "header_too_large", "body_too_large", "read_timeout", ... (metric labels).
std::string_view LimitKindName(LimitKind kind);

// A consistent-enough snapshot (each counter is read atomically; the set is
// not one instant).
struct ListenerStats {
  std::string name;
  uint16_t port = 0;
  uint64_t connections_open = 0;
  uint64_t connections_accepted = 0;  // over the listener's life, rejected ones included
  uint64_t requests_in_flight = 0;
  // Answers written, by status class: [0] 1xx ... [4] 5xx.  Limit answers
  // (400, 408, 413, 431, 503) count here too.
  std::array<uint64_t, 5> responses_by_class{};
  std::array<uint64_t, kLimitKindCount> limit_hits{};
};

struct HttpServerStats {
  std::vector<ListenerStats> listeners;  // in AddListener order
};

class HttpServer {
 public:
  // io_threads >= 1: the threads that run every connection.
  explicit HttpServer(int io_threads);
  // Stops (with no drain) if still running.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens now (so a port in use fails here, not later) and
  // returns the bound port.  Call before Start().  Errors:
  // InvalidArgument (bad address or options), IOError (bind/listen failed).
  Result<uint16_t> AddListener(ListenerOptions options, Router router);

  // Starts the I/O threads and accepting.  Also raises the soft
  // RLIMIT_NOFILE to the hard limit (RaiseOpenFileLimit) so that 10,000
  // keep-alive connections fit.
  void Start();

  // Graceful stop: closes the listening sockets at once (new connections are
  // refused), closes idle keep-alive connections, lets requests being read
  // or handled finish and be answered (with `Connection: close`) until
  // drain_deadline, then closes whatever is left and joins the I/O threads.
  // A Responder called afterwards does nothing.  Safe to call more than
  // once and from several threads: later calls wait for the first to end.
  void Stop(std::chrono::milliseconds drain_deadline);

  // Blocks until SIGTERM or SIGINT arrives (or Stop is called elsewhere),
  // then Stop(drain_deadline).  Requires Start().
  void RunUntilSignal(std::chrono::milliseconds drain_deadline);
  // The same, calling `before_stop` (on the calling thread) once the signal
  // has arrived and before the drain begins: the place to report not-ready
  // and send STOPPING=1 (systemd_notify.h).
  void RunUntilSignal(std::chrono::milliseconds drain_deadline,
                      const std::function<void()>& before_stop);

  HttpServerStats Stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Raises the soft limit on open files to the hard limit; returns the soft
// limit now in force (0 if it cannot be read).  Idempotent.
uint64_t RaiseOpenFileLimit();

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_HTTP_SERVER_H_
