// A small blocking HTTP/1.1 client over a real loopback socket, for the
// server tests: it sends raw bytes (so that tests can send malformed, slow or
// oversized requests) and reads one response at a time.  Test-only.
#ifndef KEYSTORM_TESTS_SERVER_HTTP_TEST_CLIENT_H_
#define KEYSTORM_TESTS_SERVER_HTTP_TEST_CLIENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keystorm::server::testing {

struct TestResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  // The first value of `lower_name`, or empty.
  std::string Header(std::string_view lower_name) const;
};

class TestClient {
 public:
  TestClient() = default;
  ~TestClient();
  TestClient(TestClient&& other) noexcept;
  TestClient& operator=(TestClient&& other) noexcept;
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  // Connects to 127.0.0.1:port; false if refused.
  bool Connect(uint16_t port);
  bool Send(std::string_view bytes);
  // Reads one response (Content-Length bodies only, which is all the server
  // writes).  nullopt if the connection closes or nothing complete arrives
  // within timeout_ms.
  std::optional<TestResponse> Read(int timeout_ms = 5000);
  // Reads the answer to a HEAD request: headers only, whatever
  // Content-Length says (RFC 9110 §9.3.2).  Bytes after them stay pending.
  std::optional<TestResponse> ReadHead(int timeout_ms = 5000);
  // Sends a GET and reads its answer.
  std::optional<TestResponse> Get(std::string_view path, int timeout_ms = 5000);
  // True if the server closes the connection (EOF or reset) within
  // timeout_ms, with no further bytes; false if it stays open or sends data.
  bool WaitClosed(int timeout_ms);
  void Close();
  bool connected() const { return fd_ >= 0; }

 private:
  std::optional<TestResponse> ReadAnswer(int timeout_ms, bool with_body);
  // Appends what arrives within timeout_ms; 0 on EOF/error, -1 on timeout.
  int Receive(int timeout_ms);
  int fd_ = -1;
  std::string pending_;  // received, not yet consumed
};

// A minimal request: "METHOD path HTTP/1.1", Host, and the body if any.
std::string MakeRequest(std::string_view method, std::string_view path,
                        std::string_view body = "", std::string_view extra_headers = "");

}  // namespace keystorm::server::testing

#endif  // KEYSTORM_TESTS_SERVER_HTTP_TEST_CLIENT_H_
