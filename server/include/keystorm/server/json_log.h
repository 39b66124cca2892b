// A JSON-lines logger: one object per line,
//   {"ts":"2026-11-27T21:45:00.123Z","level":"info","event":"login","fields":{"user":"u1","ms":3}}
// written to a file descriptor with one write per line, under a mutex, so
// lines from many threads never interleave.  Strings are escaped by the
// engine's JsonWriter (RFC 8259), so a field can carry anything a client
// sent without breaking the line.  An audit trail is simply another JsonLog
// on another descriptor.
//
// A failed write does not throw and does not block the caller: the line is
// dropped and counted (dropped_lines()), since a full disk must not stop
// logins.
#ifndef KEYSTORM_SERVER_JSON_LOG_H_
#define KEYSTORM_SERVER_JSON_LOG_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
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
  // system clock.
  explicit JsonLog(int fd, LogLevel min_level = LogLevel::kInfo, Clock clock = nullptr);

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

  // The line Log would write (with its trailing newline); public for tests
  // and for callers that ship lines elsewhere.
  std::string Format(LogLevel level, std::string_view event,
                     std::initializer_list<LogField> fields) const;

 private:
  int fd_;
  LogLevel min_level_;
  Clock clock_;
  std::mutex write_mu_;
  std::atomic<uint64_t> dropped_{0};
};

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_JSON_LOG_H_
