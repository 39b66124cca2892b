#include "keystorm/status.h"

namespace keystorm {

std::string Status::ToString() const {
  if (ok()) return "OK";
  const char* name = "Unknown";
  switch (code()) {
    case Code::kOk: name = "OK"; break;
    case Code::kInvalidArgument: name = "InvalidArgument"; break;
    case Code::kNotFound: name = "NotFound"; break;
    case Code::kCorruption: name = "Corruption"; break;
    case Code::kIOError: name = "IOError"; break;
    case Code::kOverloaded: name = "Overloaded"; break;
    case Code::kUnavailable: name = "Unavailable"; break;
    case Code::kInternal: name = "Internal"; break;
  }
  return std::string(name) + ": " + std::string(message());
}

}  // namespace keystorm
