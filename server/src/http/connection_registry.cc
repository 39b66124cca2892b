#include "http/connection_registry.h"

#include <utility>

namespace keystorm::server::http_internal {

ConnectionRegistry::Admission ConnectionRegistry::Admit(
    const std::shared_ptr<Connection>& connection, const std::string& address, size_t max_total,
    size_t max_per_address) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return Admission::kStopping;
  if (open_.size() >= max_total) return Admission::kTooManyConnections;
  size_t& from_address = per_address_[address];
  if (from_address >= max_per_address) {
    if (from_address == 0) per_address_.erase(address);
    return Admission::kTooManyFromAddress;
  }
  ++from_address;
  open_.emplace(connection.get(), connection);
  return Admission::kAdmitted;
}

void ConnectionRegistry::Remove(const Connection* connection, const std::string& address) {
  std::shared_ptr<Connection> released;  // dropped after the lock is let go
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = open_.find(connection);
    if (it == open_.end()) return;
    released = std::move(it->second);
    open_.erase(it);
    auto count = per_address_.find(address);
    if (count != per_address_.end() && --count->second == 0) per_address_.erase(count);
  }
}

void ConnectionRegistry::SetStopping() {
  std::lock_guard<std::mutex> lock(mu_);
  stopping_ = true;
}

std::vector<std::shared_ptr<Connection>> ConnectionRegistry::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<Connection>> all;
  all.reserve(open_.size());
  for (const auto& entry : open_) all.push_back(entry.second);
  return all;
}

std::vector<std::shared_ptr<Connection>> ConnectionRegistry::TakeAll() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<Connection>> all;
  all.reserve(open_.size());
  for (auto& entry : open_) all.push_back(std::move(entry.second));
  open_.clear();
  per_address_.clear();
  return all;
}

size_t ConnectionRegistry::Size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_.size();
}

}  // namespace keystorm::server::http_internal
