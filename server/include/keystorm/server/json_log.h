// A JSON-lines logger: one object per line,
//   {"ts":"2026-11-27T21:45:00.123Z","level":"info","event":"login","fields":{"user":"u1","ms":3}}
// written to a file descriptor whole, so lines from many threads never
// interleave.  Strings are escaped by the engine's JsonWriter (RFC 8259), so
// a field can carry anything a client sent without breaking the line.  An
// audit trail is simply another JsonLog on another descriptor.
//
// Two ways to write:
//   - unbuffered (flush_interval 0, the default): one write(2) per line,
//     under a mutex, before Log returns;
//   - buffered (flush_interval > 0): lines collect in memory and a
//     background thread writes them every flush_interval, and at once when
//     an error line is logged or 64 KiB are waiting.  Log never writes
//     itself (only Flush() and the destructor do), so a sink that stops
//     taking writes never blocks a logging thread: past 16 MiB waiting,
//     new lines are dropped and counted.  A login storm logs a line per
//     request, and one write(2) per line was a syscall per login on the
//     server's critical cores.  The price: a crash (not a clean stop)
//     loses at most flush_interval of lines (docs/decisions.md, "The
//     service log is written in batches").  Lines keep their order.
//
// A failed write does not throw and does not block the caller: its lines
// are dropped and counted (dropped_lines()), since a full disk must not stop
// logins.
#ifndef KEYSTORM_SERVER_JSON_LOG_H_
#define KEYSTORM_SERVER_JSON_LOG_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>

namespace keystorm::server {

enum class LogLevel : uint8_t { kDebug = 0, kInfo, kWarn, kError };
std::string_view LogLevelName(LogLevel level);  // "debug", "info", "warn", "error"

// One field value: a string, an integer, a floating-point number or a bool.
class LogValue {
 public:
  LogValue(std::string_view text) : kind_(Kind::kString), text_(text) {}  // NOLINT: implicit
  LogValue(const char* text) : kind_(Kind::kString), text_(text) {}       // NOLINT
  LogValue(const std::string& text) : kind_(Kind::kString), text_(text) {}  // NOLINT
  LogValue(bool flag) : kind_(Kind::kBool), flag_(flag) {}                // NOLINT
  LogValue(double number) : kind_(Kind::kDouble), real_(number) {}        // NOLINT
  template <typename Int, std::enable_if_t<std::is_integral_v<Int> && !std::is_same_v<Int, bool>,
                                           int> = 0>
  LogValue(Int number)  // NOLINT
      : kind_(std::is_signed_v<Int> ? Kind::kInt : Kind::kUint),
        int_(static_cast<int64_t>(number)),
        uint_(static_cast<uint64_t>(number)) {}

 private:
  friend class JsonLog;
  enum class Kind { kString, kInt, kUint, kDouble, kBool };
  Kind kind_;
  std::string_view text_;
  bool flag_ = false;
  double real_ = 0;
  int64_t int_ = 0;
  uint64_t uint_ = 0;
};

using LogField = std::pair<std::string_view, LogValue>;

class JsonLog {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // `fd` is not owned and must stay open as long as the logger.  Lines below
  // `min_level` are skipped.  `clock` is for tests; the default is the
  // system clock.  `flush_interval` 0 (or less) writes each line at once;
  // above 0 the lines are buffered (see the top of this file).
  explicit JsonLog(int fd, LogLevel min_level = LogLevel::kInfo, Clock clock = nullptr,
                   std::chrono::milliseconds flush_interval = std::chrono::milliseconds(0));
  ~JsonLog();  // writes what is buffered
  JsonLog(const JsonLog&) = delete;
  JsonLog& operator=(const JsonLog&) = delete;

  void Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});
  void Debug(std::string_view event, std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kDebug, event, fields);
  }
  void Info(std::string_view event, std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kInfo, event, fields);
  }
  void Warn(std::string_view event, std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kWarn, event, fields);
  }
  void Error(std::string_view event, std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kError, event, fields);
  }

  bool Enabled(LogLevel level) const { return level >= min_level_; }
  uint64_t dropped_lines() const { return dropped_.load(std::memory_order_relaxed); }

  // Writes every buffered line before it returns (a no-op unbuffered).
  void Flush();

  // The line Log would write (with its trailing newline); public for tests
  // and for callers that ship lines elsewhere.
  std::string Format(LogLevel level, std::string_view event,
                     std::initializer_list<LogField> fields) const;

 private:
  static constexpr size_t kFlushBytes = 64 * 1024;
  static constexpr size_t kMaxPendingBytes = 16 * 1024 * 1024;

  // Writes `text` (whole lines) to fd_, counting the lines it could not.
  // Called with io_mu_ held.
  void WriteOut(std::string_view text);
  void FlushLoop();
  bool buffered() const { return flush_interval_.count() > 0; }

  const int fd_;
  const LogLevel min_level_;
  Clock clock_;
  const std::chrono::milliseconds flush_interval_;
  // Order: io_mu_ before pending_mu_.  A flush holds io_mu_ from taking the
  // pending lines until they are written, so two flushes cannot reorder
  // lines; a buffered Log holds only pending_mu_, so it never waits for a
  // write(2).
  std::mutex io_mu_;
  std::mutex pending_mu_;
  std::string pending_;  // GUARDED_BY(pending_mu_)
  bool stopping_ = false;  // GUARDED_BY(pending_mu_)
  bool urgent_ = false;    // GUARDED_BY(pending_mu_): an error line waits
  std::condition_variable flush_cv_;
  std::atomic<uint64_t> dropped_{0};
  std::thread flusher_;  // buffered only; last, so it starts after the rest
};

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_JSON_LOG_H_
