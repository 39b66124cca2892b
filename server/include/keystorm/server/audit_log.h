// The audit log: one JSON object per line for every administrative action,
// appended to a file and flushed before the action is answered, so that an
// answered action is always on record.
//
//   {"time":"2026-11-27T21:45:03Z","actor":"admin","client":"10.0.0.5",
//    "action":"reset_user","user":"alice","outcome":"ok","detail":"2 credentials removed"}
//
// Thread safety: Write may be called from any thread (one mutex).
#ifndef KEYSTORM_SERVER_AUDIT_LOG_H_
#define KEYSTORM_SERVER_AUDIT_LOG_H_

#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "keystorm/status.h"

namespace keystorm::server {

struct AuditEntry {
  std::string_view actor = "admin";
  std::string_view client;
  std::string_view action;   // "reset_user", "reload_policy", ...
  std::string_view user;     // empty when the action names none
  std::string_view outcome;  // "ok" or an error code
  std::string_view detail;
};

class AuditLog {
 public:
  // Appends to `path` (created 0600 if absent).  Empty path: entries go to
  // `sink` only (tests).
  static Result<std::unique_ptr<AuditLog>> Open(const std::string& path);
  explicit AuditLog(std::function<void(const std::string& line)> sink);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Writes one line; IOError when the file cannot be written (the caller
  // still answers, and reports the failure).
  Status Write(const AuditEntry& entry);

  // The JSON line of an entry at `unix_seconds` (without the newline).
  static std::string Format(const AuditEntry& entry, int64_t unix_seconds);

 private:
  AuditLog() = default;
  std::mutex mu_;
  std::FILE* file_ = nullptr;
  std::function<void(const std::string& line)> sink_;
};

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_AUDIT_LOG_H_
