#include "http_test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>

namespace keystorm::server::testing {

std::string TestResponse::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

TestClient::~TestClient() { Close(); }

TestClient::TestClient(TestClient&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), pending_(std::move(other.pending_)) {}

TestClient& TestClient::operator=(TestClient&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = std::exchange(other.fd_, -1);
    pending_ = std::move(other.pending_);
  }
  return *this;
}

bool TestClient::Connect(uint16_t port) {
  Close();
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    Close();
    return false;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return true;
}

bool TestClient::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

int TestClient::Receive(int timeout_ms) {
  pollfd waiting{fd_, POLLIN, 0};
  int ready = ::poll(&waiting, 1, timeout_ms);
  if (ready == 0) return -1;
  if (ready < 0) return 0;
  char chunk[16384];
  ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
  if (n <= 0) return 0;
  pending_.append(chunk, static_cast<size_t>(n));
  return 1;
}

std::optional<TestResponse> TestClient::Read(int timeout_ms) { return ReadAnswer(timeout_ms, true); }

std::optional<TestResponse> TestClient::ReadHead(int timeout_ms) {
  return ReadAnswer(timeout_ms, false);
}

std::optional<TestResponse> TestClient::ReadAnswer(int timeout_ms, bool with_body) {
  if (fd_ < 0) return std::nullopt;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  auto left = [&] {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  deadline - std::chrono::steady_clock::now())
                  .count();
    return static_cast<int>(ms < 0 ? 0 : ms);
  };
  for (;;) {
    size_t header_end = pending_.find("\r\n\r\n");
    if (header_end != std::string::npos) {
      TestResponse response;
      std::string_view head(pending_.data(), header_end);
      size_t line_end = head.find("\r\n");
      std::string_view status_line = head.substr(0, line_end);
      if (status_line.size() < 12) return std::nullopt;
      response.status = std::atoi(std::string(status_line.substr(9, 3)).c_str());
      size_t content_length = 0;
      size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
      while (pos < head.size()) {
        size_t next = head.find("\r\n", pos);
        if (next == std::string_view::npos) next = head.size();
        std::string_view line = head.substr(pos, next - pos);
        size_t colon = line.find(':');
        if (colon != std::string_view::npos) {
          std::string name(line.substr(0, colon));
          for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          std::string_view value = line.substr(colon + 1);
          while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
          if (name == "content-length") content_length = std::strtoul(std::string(value).c_str(), nullptr, 10);
          response.headers.emplace_back(std::move(name), std::string(value));
        }
        pos = next + 2;
      }
      if (!with_body) content_length = 0;
      size_t total = header_end + 4 + content_length;
      if (response.status >= 200 && pending_.size() >= total) {
        response.body = pending_.substr(header_end + 4, content_length);
        pending_.erase(0, total);
        return response;
      }
      if (response.status >= 100 && response.status < 200) {  // interim: hand it back too
        pending_.erase(0, header_end + 4);
        return response;
      }
    }
    int got = Receive(left());
    if (got <= 0) return std::nullopt;
  }
}

std::optional<TestResponse> TestClient::Get(std::string_view path, int timeout_ms) {
  if (!Send(MakeRequest("GET", path))) return std::nullopt;
  return Read(timeout_ms);
}

bool TestClient::WaitClosed(int timeout_ms) {
  if (fd_ < 0) return true;
  if (!pending_.empty()) return false;
  int got = Receive(timeout_ms);
  return got == 0;
}

void TestClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  pending_.clear();
}

std::string MakeRequest(std::string_view method, std::string_view path, std::string_view body,
                        std::string_view extra_headers) {
  std::string request;
  request.append(method).append(" ").append(path).append(" HTTP/1.1\r\nHost: test\r\n");
  request.append(extra_headers);
  if (!body.empty() || method == "POST") {
    request.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  request.append("\r\n").append(body);
  return request;
}

}  // namespace keystorm::server::testing
