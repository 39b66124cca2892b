#include "keystorm/server/systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace keystorm::server {

Status SystemdNotify(std::string_view state) {
  const char* address = std::getenv("NOTIFY_SOCKET");
  if (address == nullptr || *address == '\0') return Status::Ok();
  return SystemdNotifyTo(address, state);
}

Status SystemdNotifyTo(std::string_view address, std::string_view state) {
  sockaddr_un target{};
  target.sun_family = AF_UNIX;
  if (address.empty() || address.size() > sizeof(target.sun_path) - 1) {
    return Status::InvalidArgument("notify socket address is empty or too long");
  }
  if (address[0] != '@' && address[0] != '/') {
    return Status::InvalidArgument("notify socket must be an absolute path or '@' + name");
  }
  std::memcpy(target.sun_path, address.data(), address.size());
  if (address[0] == '@') target.sun_path[0] = '\0';  // abstract namespace
  // An abstract name is exactly its bytes (no terminating NUL counts).
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size() +
                                            (address[0] == '@' ? 0 : 1));

  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IOError(std::string("notify socket: ") + std::strerror(errno));
  ssize_t sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                          reinterpret_cast<const sockaddr*>(&target), length);
  int error = errno;
  ::close(fd);
  if (sent < 0 || static_cast<size_t>(sent) != state.size()) {
    return Status::IOError("notify to '" + std::string(address) + "': " + std::strerror(error));
  }
  return Status::Ok();
}

}  // namespace keystorm::server
