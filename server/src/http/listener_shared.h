// What every connection of one listener shares: its options, its router and
// its counters.  Held by shared_ptr from connections and Responders, so an
// answer that arrives late never touches freed memory.
#ifndef KEYSTORM_SERVER_SRC_HTTP_LISTENER_SHARED_H_
#define KEYSTORM_SERVER_SRC_HTTP_LISTENER_SHARED_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>

#include "keystorm/server/http.h"
#include "keystorm/server/http_server.h"

namespace keystorm::server::http_internal {

// Relaxed atomics: these are statistics, read by Stats() only.
struct ListenerCounters {
  std::atomic<uint64_t> connections_accepted{0};
  std::atomic<uint64_t> in_flight{0};
  std::array<std::atomic<uint64_t>, 5> responses_by_class{};
  std::array<std::atomic<uint64_t>, kLimitKindCount> limit_hits{};

  void Hit(LimitKind kind) {
    limit_hits[static_cast<size_t>(kind)].fetch_add(1, std::memory_order_relaxed);
  }
  void Answered(int status) {
    if (status >= 100 && status < 600) {
      responses_by_class[static_cast<size_t>(status / 100 - 1)].fetch_add(
          1, std::memory_order_relaxed);
    }
  }
};

struct ListenerShared {
  ListenerOptions options;
  Router router;
  ListenerCounters counters;
};

// Lets a Responder post to a connection only while the server's io_context
// is alive: Stop() closes the gate before it tears the context down.
struct PostGate {
  std::mutex mu;
  bool open = true;
};

}  // namespace keystorm::server::http_internal

#endif  // KEYSTORM_SERVER_SRC_HTTP_LISTENER_SHARED_H_
