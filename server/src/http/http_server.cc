#include "keystorm/server/http_server.h"

#include <sys/resource.h>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <condition_variable>
#include <csignal>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "http/connection.h"
#include "http/connection_registry.h"
#include "http/listener_shared.h"
#include "keystorm/thread_name.h"

namespace keystorm::server {

namespace net = boost::asio;
using boost::system::error_code;
using http_internal::Connection;
using http_internal::ConnectionRegistry;
using http_internal::ListenerShared;
using http_internal::PostGate;

std::string_view LimitKindName(LimitKind kind) {
  switch (kind) {
    case LimitKind::kHeaderTooLarge: return "header_too_large";
    case LimitKind::kBodyTooLarge: return "body_too_large";
    case LimitKind::kReadTimeout: return "read_timeout";
    case LimitKind::kIdleTimeout: return "idle_timeout";
    case LimitKind::kMaxConnections: return "max_connections";
    case LimitKind::kMaxConnectionsPerAddress: return "max_connections_per_address";
    case LimitKind::kMaxRequestsPerConnection: return "max_requests_per_connection";
    case LimitKind::kOverloaded: return "overloaded";
    case LimitKind::kMalformed: return "malformed";
  }
  return "unknown";
}

uint64_t RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return static_cast<uint64_t>(limit.rlim_cur);
}

namespace {

// After an accept error such as EMFILE, wait a little before the next
// accept, rather than spinning on the error.
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};
// How often Stop() looks whether the drain is complete.
constexpr std::chrono::milliseconds kDrainPoll{5};

}  // namespace

// One listening socket and the connections it accepted.
struct Listener {
  // The acceptor runs on the first context; accepted connections go to
  // `contexts` in turn.
  Listener(std::vector<net::io_context*> io_contexts,
           std::shared_ptr<ListenerShared> listener_shared, std::shared_ptr<PostGate> post_gate)
      : contexts(std::move(io_contexts)),
        acceptor(net::make_strand(*contexts.front())),
        retry_timer(acceptor.get_executor()),
        shared(std::move(listener_shared)),
        gate(std::move(post_gate)) {}

  void Accept() {
    // Round robin: each connection lives on one io thread's context.  Only
    // this acceptor's strand touches next_context.
    net::io_context& context = *contexts[next_context++ % contexts.size()];
    acceptor.async_accept(net::make_strand(context), [this](error_code ec,
                                                           net::ip::tcp::socket socket) {
      if (ec) {
        if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
        retry_timer.expires_after(kAcceptRetryDelay);
        retry_timer.async_wait([this](error_code wait_ec) {
          if (!wait_ec && acceptor.is_open()) Accept();
        });
        return;
      }
      OnAccepted(std::move(socket));
      Accept();
    });
  }

  void OnAccepted(net::ip::tcp::socket socket) {
    shared->counters.connections_accepted.fetch_add(1, std::memory_order_relaxed);
    error_code ec;
    net::ip::tcp::endpoint peer = socket.remote_endpoint(ec);
    if (ec) return;  // already gone
    socket.set_option(net::ip::tcp::no_delay(true), ec);
    std::string address = peer.address().to_string();
    auto connection = std::make_shared<Connection>(std::move(socket), shared, &registry, gate,
                                                   address);
    auto admission = registry.Admit(connection, address, shared->options.max_connections,
                                    shared->options.max_connections_per_address);
    switch (admission) {
      case ConnectionRegistry::Admission::kAdmitted:
        // Post, not call: Start must run on the connection's own strand.
        net::post(connection->GetExecutor(), [connection] { connection->Start(); });
        return;
      case ConnectionRegistry::Admission::kTooManyConnections:
        shared->counters.Hit(LimitKind::kMaxConnections);
        break;
      case ConnectionRegistry::Admission::kTooManyFromAddress:
        shared->counters.Hit(LimitKind::kMaxConnectionsPerAddress);
        break;
      case ConnectionRegistry::Admission::kStopping:
        return;  // dropping the last reference closes the socket
    }
    net::post(connection->GetExecutor(), [connection] { connection->StartRejected(503); });
  }

  // Closes the listening socket on its strand and waits until it is closed.
  void CloseAcceptor() {
    std::promise<void> closed;
    net::post(acceptor.get_executor(), [this, &closed] {
      error_code ignored;
      acceptor.close(ignored);
      retry_timer.cancel();
      closed.set_value();
    });
    closed.get_future().wait();
  }

  std::vector<net::io_context*> contexts;
  size_t next_context = 0;
  net::ip::tcp::acceptor acceptor;
  net::steady_timer retry_timer;
  std::shared_ptr<ListenerShared> shared;
  std::shared_ptr<PostGate> gate;
  ConnectionRegistry registry;
  uint16_t port = 0;
};

struct HttpServer::Impl {
  explicit Impl(int io_threads) : thread_count(io_threads < 1 ? 1 : io_threads) {
    // One context per io thread, each run by that thread alone (concurrency
    // hint 1): no scheduler shared by the threads, whose mutex and the
    // wake-ups between them cost a shared context about 7 µs per request
    // on two cores (docs/performance.md, session 8).
    for (int i = 0; i < thread_count; ++i) {
      contexts.push_back(std::make_unique<net::io_context>(1));
    }
  }

  // Everything that holds a socket, a timer or a pending operation goes
  // before the contexts; then the contexts go in order.  The first context
  // runs the acceptors, whose pending accept holds a socket of another
  // context: it goes first, while that context still exists.
  ~Impl() {
    signals.reset();
    listeners.clear();
    work.clear();
    for (auto& context : contexts) context.reset();
  }

  std::vector<net::io_context*> ContextPointers() const {
    std::vector<net::io_context*> pointers;
    for (const auto& context : contexts) pointers.push_back(context.get());
    return pointers;
  }

  size_t OpenConnections() const {
    size_t open = 0;
    for (const auto& listener : listeners) open += listener->registry.Size();
    return open;
  }

  void RequestStop() {
    std::lock_guard<std::mutex> lock(signal_mu);
    stop_requested = true;
    signal_cv.notify_all();
  }

  int thread_count;
  std::vector<std::unique_ptr<net::io_context>> contexts;  // see ~Impl
  std::vector<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::unique_ptr<Listener>> listeners;
  std::vector<std::thread> threads;
  std::shared_ptr<PostGate> gate = std::make_shared<PostGate>();
  std::optional<net::signal_set> signals;

  std::mutex stop_mu;  // held for the whole of Stop()
  bool started = false;
  bool stopped = false;

  std::mutex signal_mu;
  std::condition_variable signal_cv;
  bool stop_requested = false;
};

HttpServer::HttpServer(int io_threads) : impl_(std::make_unique<Impl>(io_threads)) {}

HttpServer::~HttpServer() {
  Stop(std::chrono::milliseconds(0));
  // Connections still referenced by pending handlers go with their contexts
  // (Impl's destructor).
}

Result<uint16_t> HttpServer::AddListener(ListenerOptions options, Router router) {
  std::lock_guard<std::mutex> lock(impl_->stop_mu);
  if (impl_->started) return Status::InvalidArgument("AddListener after Start");
  if (options.max_header_bytes == 0 || options.max_connections == 0 ||
      options.max_connections_per_address == 0 || options.max_requests_per_connection == 0 ||
      options.max_in_flight == 0 || options.read_timeout_ms <= 0 ||
      options.idle_timeout_ms <= 0 || options.retry_after_s < 0) {
    return Status::InvalidArgument("listener '" + options.name +
                                   "': every limit must be positive");
  }
  error_code ec;
  net::ip::address address = net::ip::make_address(options.address, ec);
  if (ec) {
    return Status::InvalidArgument("listener '" + options.name + "': bad address '" +
                                   options.address + "'");
  }
  auto shared = std::make_shared<ListenerShared>();
  shared->options = std::move(options);
  shared->router = std::move(router);
  auto listener = std::make_unique<Listener>(impl_->ContextPointers(), shared, impl_->gate);
  net::ip::tcp::endpoint endpoint(address, shared->options.port);
  auto fail = [&](std::string_view what) {
    return Status::IOError("listener '" + shared->options.name + "' on " +
                           shared->options.address + ":" +
                           std::to_string(shared->options.port) + ": " + std::string(what) +
                           ": " + ec.message());
  };
  listener->acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  listener->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return fail("SO_REUSEADDR");
  listener->acceptor.bind(endpoint, ec);
  if (ec) return fail("bind");
  listener->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  listener->port = listener->acceptor.local_endpoint(ec).port();
  if (ec) return fail("local address");
  uint16_t port = listener->port;
  impl_->listeners.push_back(std::move(listener));
  return port;
}

void HttpServer::Start() {
  std::lock_guard<std::mutex> lock(impl_->stop_mu);
  if (impl_->started) return;
  impl_->started = true;
  RaiseOpenFileLimit();
  for (auto& context : impl_->contexts) impl_->work.emplace_back(context->get_executor());
  for (auto& listener : impl_->listeners) {
    net::post(listener->acceptor.get_executor(), [l = listener.get()] { l->Accept(); });
  }
  for (int i = 0; i < impl_->thread_count; ++i) {
    impl_->threads.emplace_back([this, i] {
      NameThisThread("ks-io-" + std::to_string(i));
      // Handlers are wrapped so that nothing should escape; should
      // something still do, the thread goes on serving rather than end
      // the process (std::terminate).
      for (;;) {
        try {
          impl_->contexts[i]->run();
          return;
        } catch (...) {
        }
      }
    });
  }
}

void HttpServer::Stop(std::chrono::milliseconds drain_deadline) {
  std::lock_guard<std::mutex> lock(impl_->stop_mu);
  impl_->RequestStop();  // wakes RunUntilSignal
  if (!impl_->started || impl_->stopped) {
    impl_->stopped = true;
    return;
  }
  impl_->stopped = true;
  auto deadline = std::chrono::steady_clock::now() + drain_deadline;

  // 1. No new connections: the kernel refuses them once the socket is closed.
  for (auto& listener : impl_->listeners) {
    listener->registry.SetStopping();
    listener->CloseAcceptor();
  }
  // 2. Idle connections close now; busy ones finish their request.
  for (auto& listener : impl_->listeners) {
    for (auto& connection : listener->registry.Snapshot()) {
      net::post(connection->GetExecutor(), [connection] { connection->BeginShutdown(); });
    }
  }
  while (impl_->OpenConnections() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(kDrainPoll);
  }
  // 3. The deadline has passed: close what is left.
  for (auto& listener : impl_->listeners) {
    for (auto& connection : listener->registry.Snapshot()) {
      net::post(connection->GetExecutor(), [connection] { connection->ForceClose(); });
    }
  }
  // 4. Late answers go nowhere from now on; then the threads end.
  {
    std::lock_guard<std::mutex> gate_lock(impl_->gate->mu);
    impl_->gate->open = false;
  }
  if (impl_->signals) {
    net::post(*impl_->contexts.front(), [this] {
      error_code ignored;
      impl_->signals->cancel(ignored);
    });
  }
  impl_->work.clear();
  // Give the posted closes a moment to run before the context is stopped.
  auto close_deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  while (impl_->OpenConnections() > 0 && std::chrono::steady_clock::now() < close_deadline) {
    std::this_thread::sleep_for(kDrainPoll);
  }
  for (auto& context : impl_->contexts) context->stop();
  for (auto& thread : impl_->threads) thread.join();
  impl_->threads.clear();
  for (auto& listener : impl_->listeners) listener->registry.TakeAll();
}

void HttpServer::RunUntilSignal(std::chrono::milliseconds drain_deadline) {
  RunUntilSignal(drain_deadline, nullptr);
}

void HttpServer::RunUntilSignal(std::chrono::milliseconds drain_deadline,
                                const std::function<void()>& before_stop) {
  {
    std::lock_guard<std::mutex> lock(impl_->stop_mu);
    if (impl_->started && !impl_->stopped && !impl_->signals) {
      impl_->signals.emplace(*impl_->contexts.front(), SIGINT, SIGTERM);
      impl_->signals->async_wait([impl = impl_.get()](error_code ec, int) {
        if (!ec) impl->RequestStop();
      });
    }
  }
  {
    std::unique_lock<std::mutex> lock(impl_->signal_mu);
    impl_->signal_cv.wait(lock, [&] { return impl_->stop_requested; });
  }
  if (before_stop) before_stop();
  Stop(drain_deadline);
}

HttpServerStats HttpServer::Stats() const {
  HttpServerStats stats;
  for (const auto& listener : impl_->listeners) {
    ListenerStats entry;
    const auto& counters = listener->shared->counters;
    entry.name = listener->shared->options.name;
    entry.port = listener->port;
    entry.connections_open = listener->registry.Size();
    entry.connections_accepted = counters.connections_accepted.load(std::memory_order_relaxed);
    entry.requests_in_flight = counters.in_flight.load(std::memory_order_relaxed);
    for (size_t i = 0; i < entry.responses_by_class.size(); ++i) {
      entry.responses_by_class[i] = counters.responses_by_class[i].load(std::memory_order_relaxed);
    }
    for (size_t i = 0; i < kLimitKindCount; ++i) {
      entry.limit_hits[i] = counters.limit_hits[i].load(std::memory_order_relaxed);
    }
    stats.listeners.push_back(std::move(entry));
  }
  return stats;
}

}  // namespace keystorm::server
