// The open connections of one listener: admission against the connection
// limits (total and per client address), and the list that a graceful stop
// walks.  A mutex, taken only when a connection opens or closes and when the
// server stops, never per request.
#ifndef KEYSTORM_SERVER_SRC_HTTP_CONNECTION_REGISTRY_H_
#define KEYSTORM_SERVER_SRC_HTTP_CONNECTION_REGISTRY_H_

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace keystorm::server::http_internal {

class Connection;

class ConnectionRegistry {
 public:
  enum class Admission { kAdmitted, kTooManyConnections, kTooManyFromAddress, kStopping };

  // Holds `connection` (a strong reference) until Remove, if the limits allow.
  Admission Admit(const std::shared_ptr<Connection>& connection, const std::string& address,
                  size_t max_total, size_t max_per_address);
  // Harmless for a connection that was never admitted or already removed.
  void Remove(const Connection* connection, const std::string& address);

  // From now on Admit answers kStopping.
  void SetStopping();
  std::vector<std::shared_ptr<Connection>> Snapshot() const;
  // Empties the registry, handing back the references it held.
  std::vector<std::shared_ptr<Connection>> TakeAll();
  size_t Size() const;

 private:
  mutable std::mutex mu_;
  bool stopping_ = false;
  std::unordered_map<const Connection*, std::shared_ptr<Connection>> open_;
  std::unordered_map<std::string, size_t> per_address_;
};

}  // namespace keystorm::server::http_internal

#endif  // KEYSTORM_SERVER_SRC_HTTP_CONNECTION_REGISTRY_H_
