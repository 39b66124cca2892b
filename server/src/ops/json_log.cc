#include "keystorm/server/json_log.h"

#include <unistd.h>

#include <cerrno>

#include "keystorm/civil_date.h"
#include "keystorm/json_writer.h"
#include "keystorm/thread_name.h"

namespace keystorm::server {

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

namespace {

// RFC 3339 in UTC with milliseconds: "2026-11-27T21:45:00.123Z".  Written
// digit by digit from the civil date, not by gmtime_r, strftime and
// snprintf: a login's log line is formatted on the pipeline's committer,
// the one serial stage, and this (with JsonWriter's to_chars) took its CPU
// per login from 9.2 to 8.7 us (bench/replay/http_bench.sh, 2 vCPUs).
std::string Timestamp(std::chrono::system_clock::time_point when) {
  const int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
  const DaySplit split = SplitIntoDays(ms, 86'400'000);
  int64_t of_day = split.into_day;
  const CivilDate date = CivilFromDays(split.days);
  if (date.year < 0 || date.year > 9999) return "0000-00-00T00:00:00.000Z";  // not a log's time
  char text[] = "YYYY-MM-DDTHH:MM:SS.mmmZ";
  auto digits = [&](int at, int count, int64_t value) {
    for (int i = at + count - 1; i >= at; --i, value /= 10) text[i] = static_cast<char>('0' + value % 10);
  };
  digits(0, 4, date.year);
  digits(5, 2, date.month);
  digits(8, 2, date.day);
  digits(20, 3, of_day % 1000);
  of_day /= 1000;
  digits(17, 2, of_day % 60);
  digits(14, 2, of_day / 60 % 60);
  digits(11, 2, of_day / 3600);
  return std::string(text, sizeof(text) - 1);
}

}  // namespace

JsonLog::JsonLog(int fd, LogLevel min_level, Clock clock,
                 std::chrono::milliseconds flush_interval)
    : fd_(fd), min_level_(min_level), clock_(std::move(clock)), flush_interval_(flush_interval) {
  if (!clock_) clock_ = [] { return std::chrono::system_clock::now(); };
  if (buffered()) {
    flusher_ = std::thread([this] {
      NameThisThread("ks-log");
      FlushLoop();
    });
  }
}

JsonLog::~JsonLog() {
  if (flusher_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(pending_mu_);
      stopping_ = true;
    }
    flush_cv_.notify_all();
    flusher_.join();
  }
  Flush();
}

std::string JsonLog::Format(LogLevel level, std::string_view event,
                            std::initializer_list<LogField> fields) const {
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("ts").String(Timestamp(clock_()));
  writer.Key("level").String(LogLevelName(level));
  writer.Key("event").String(event);
  writer.Key("fields").BeginObject();
  for (const auto& [name, value] : fields) {
    writer.Key(name);
    switch (value.kind_) {
      case LogValue::Kind::kString: writer.String(value.text_); break;
      case LogValue::Kind::kInt: writer.Int(value.int_); break;
      case LogValue::Kind::kUint: writer.Uint(value.uint_); break;
      case LogValue::Kind::kDouble: writer.Double(value.real_); break;
      case LogValue::Kind::kBool: writer.Bool(value.flag_); break;
    }
  }
  writer.EndObject();
  writer.EndObject();
  std::string line = writer.str();
  line += '\n';
  return line;
}

void JsonLog::Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
  if (!Enabled(level)) return;
  std::string line = Format(level, event, fields);
  if (!buffered()) {
    std::lock_guard<std::mutex> io(io_mu_);
    WriteOut(line);
    return;
  }
  bool wake;
  {
    std::lock_guard<std::mutex> lock(pending_mu_);
    if (pending_.size() + line.size() > kMaxPendingBytes) {
      // The sink has not taken a write for a while (a stalled journald, a
      // full pipe): drop rather than grow without bound or block a login.
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    pending_ += line;
    // An error may be the last line before the process dies: the flusher
    // writes it now rather than at the end of its interval.
    if (level == LogLevel::kError) urgent_ = true;
    wake = urgent_ || pending_.size() >= kFlushBytes;
  }
  // The flusher writes, never this thread, an error line included: a
  // logging thread does not wait for a write(2), so a stalled sink cannot
  // stall a login.
  if (wake) flush_cv_.notify_one();
}

void JsonLog::Flush() {
  std::lock_guard<std::mutex> io(io_mu_);
  std::string lines;
  {
    std::lock_guard<std::mutex> lock(pending_mu_);
    lines.swap(pending_);
  }
  WriteOut(lines);
}

void JsonLog::FlushLoop() {
  std::unique_lock<std::mutex> lock(pending_mu_);
  while (!stopping_) {
    flush_cv_.wait_for(lock, flush_interval_, [this] {
      return stopping_ || urgent_ || pending_.size() >= kFlushBytes;
    });
    urgent_ = false;
    if (pending_.empty()) continue;
    lock.unlock();
    Flush();
    lock.lock();
  }
}

void JsonLog::WriteOut(std::string_view rest) {
  while (!rest.empty()) {
    ssize_t n = ::write(fd_, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // The lines not written, a partial one included.
      size_t lines = 0;
      for (char c : rest) lines += c == '\n';
      dropped_.fetch_add(lines, std::memory_order_relaxed);
      return;
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace keystorm::server
