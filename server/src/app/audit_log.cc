#include "keystorm/server/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

#include "keystorm/json_writer.h"

namespace keystorm::server {

Result<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError(path + ": " + std::strerror(errno));
  std::FILE* file = ::fdopen(fd, "a");
  if (file == nullptr) {
    ::close(fd);
    return Status::IOError(path + ": fdopen failed");
  }
  std::unique_ptr<AuditLog> log(new AuditLog());
  log->file_ = file;
  return log;
}

AuditLog::AuditLog(std::function<void(const std::string& line)> sink) : sink_(std::move(sink)) {}

AuditLog::~AuditLog() {
  if (file_ != nullptr) std::fclose(file_);
}

std::string AuditLog::Format(const AuditEntry& entry, int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char time_text[32];
  std::strftime(time_text, sizeof(time_text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  JsonWriter json;
  json.BeginObject();
  json.Key("time").String(time_text);
  json.Key("actor").String(entry.actor);
  json.Key("client").String(entry.client);
  json.Key("action").String(entry.action);
  if (!entry.user.empty()) json.Key("user").String(entry.user);
  json.Key("outcome").String(entry.outcome);
  if (!entry.detail.empty()) json.Key("detail").String(entry.detail);
  json.EndObject();
  return json.str();
}

Status AuditLog::Write(const AuditEntry& entry) {
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::string line = Format(entry, now);
  std::lock_guard<std::mutex> lock(mu_);
  if (sink_) sink_(line);
  if (file_ == nullptr) return Status::Ok();
  line.push_back('\n');
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0 ||
      ::fsync(::fileno(file_)) != 0) {
    return Status::IOError("audit log write failed");
  }
  return Status::Ok();
}

}  // namespace keystorm::server
