// sd_notify without libsystemd, against a unix datagram socket bound by the
// test (a path and an abstract name).
#include <gtest/gtest.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "keystorm/server/systemd_notify.h"

namespace keystorm::server::testing {
namespace {

// A bound datagram socket; name "@x" binds in the abstract namespace.
class NotifyReceiver {
 public:
  explicit NotifyReceiver(const std::string& name) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, name.data(), name.size());
    bool abstract = name[0] == '@';
    if (abstract) address.sun_path[0] = '\0';
    socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() +
                                              (abstract ? 0 : 1));
    bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) == 0;
  }
  ~NotifyReceiver() { ::close(fd_); }
  bool bound() const { return bound_; }
  std::string Receive() {
    pollfd waiting{fd_, POLLIN, 0};
    if (::poll(&waiting, 1, 2000) != 1) return "(nothing)";
    char buffer[256];
    ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    return n < 0 ? "(error)" : std::string(buffer, static_cast<size_t>(n));
  }

 private:
  int fd_ = -1;
  bool bound_ = false;
};

std::string TempSocketPath() {
  return "/tmp/ks_notify_" + std::to_string(::getpid()) + ".sock";
}

TEST(SystemdNotifyTest, SendsTheStateToAPathSocket) {
  std::string path = TempSocketPath();
  ::unlink(path.c_str());
  NotifyReceiver receiver(path);
  ASSERT_TRUE(receiver.bound());
  ASSERT_TRUE(SystemdNotifyTo(path, kSystemdReady).ok());
  EXPECT_EQ(receiver.Receive(), "READY=1");
  ::unlink(path.c_str());
}

TEST(SystemdNotifyTest, SendsToAnAbstractSocketNamedWithAt) {
  std::string name = "@keystorm-notify-test-" + std::to_string(::getpid());
  NotifyReceiver receiver(name);
  ASSERT_TRUE(receiver.bound());
  ASSERT_TRUE(SystemdNotifyTo(name, kSystemdStopping).ok());
  EXPECT_EQ(receiver.Receive(), "STOPPING=1");
}

TEST(SystemdNotifyTest, ReadsNotifySocketFromTheEnvironment) {
  std::string name = "@keystorm-notify-env-" + std::to_string(::getpid());
  NotifyReceiver receiver(name);
  ASSERT_TRUE(receiver.bound());
  ASSERT_EQ(::setenv("NOTIFY_SOCKET", name.c_str(), 1), 0);
  Status status = SystemdNotify("STATUS=draining");
  ::unsetenv("NOTIFY_SOCKET");
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(receiver.Receive(), "STATUS=draining");
}

TEST(SystemdNotifyTest, WithoutNotifySocketNothingIsSentAndThatIsFine) {
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_TRUE(SystemdNotify(kSystemdReady).ok());
}

TEST(SystemdNotifyTest, BadAddressesAndAbsentListenersAreErrors) {
  EXPECT_EQ(SystemdNotifyTo("", kSystemdReady).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(SystemdNotifyTo("relative/path", kSystemdReady).code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(SystemdNotifyTo("/" + std::string(200, 'x'), kSystemdReady).code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(SystemdNotifyTo("/nonexistent/keystorm.sock", kSystemdReady).code(),
            Status::Code::kIOError);
}

}  // namespace
}  // namespace keystorm::server::testing
