// One client connection: reads requests (under the listener's limits),
// hands them to the router's handlers, writes the answers, keeps the
// connection alive between requests.  Every member runs on the connection's
// strand (the socket's executor); other threads only post to it.
#ifndef KEYSTORM_SERVER_SRC_HTTP_CONNECTION_H_
#define KEYSTORM_SERVER_SRC_HTTP_CONNECTION_H_

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "http/connection_registry.h"
#include "http/listener_shared.h"
#include "keystorm/server/http.h"

namespace keystorm::server::http_internal {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `socket` must use a strand of its own as executor.  `registry` outlives
  // the connection's use of it (the server stops before it goes).
  Connection(boost::asio::ip::tcp::socket socket, std::shared_ptr<ListenerShared> listener,
             ConnectionRegistry* registry, std::shared_ptr<PostGate> gate,
             std::string client_address);

  // Each of these is posted to the connection's strand by the caller.
  // Serves requests (an admitted connection).
  void Start();
  // Answers `status` at once, without reading a request, and closes (a
  // connection refused by a connection limit).
  void StartRejected(int status);
  // The server is stopping: close if idle, else finish the current request
  // with `Connection: close`.
  void BeginShutdown();
  void ForceClose();

  // The connection's strand, to post the calls above to.
  boost::asio::any_io_executor GetExecutor() { return socket_.get_executor(); }

 private:
  enum class Phase { kIdle, kReading, kHandling, kWriting, kClosing, kClosed };
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  void WaitForRequest(bool first);
  void ReadHeader();
  void ReadBody();
  void OnReadError(boost::system::error_code ec);
  void OnRequest();
  void Dispatch(Request&& request);
  void OnHandlerAnswer(HttpResponse response);
  // A limit's answer: counts, writes with `Connection: close`, closes.
  void Refuse(int status);
  void Write(HttpResponse response, bool keep_alive);
  void OnWritten(boost::system::error_code ec);
  // Half-closes, reads and drops what the client still sends (briefly), then
  // closes: closing with unread input would reset the connection and could
  // destroy the answer before the client reads it.
  void LingerAndClose();
  void Drain();
  void Close();

  void SetDeadline(std::chrono::milliseconds timeout);
  void ClearDeadline();

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<ListenerShared> listener_;
  ConnectionRegistry* registry_;
  std::shared_ptr<PostGate> gate_;
  std::string client_address_;

  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  Response response_;  // kept alive while it is being written
  std::unique_ptr<std::array<char, 4096>> drain_buffer_;  // only while lingering
  size_t drained_bytes_ = 0;

  Phase phase_ = Phase::kIdle;
  uint64_t deadline_generation_ = 0;
  bool timed_out_ = false;
  bool stopping_ = false;
  bool keep_alive_ = true;      // the current request allows keep-alive
  bool head_request_ = false;   // the current request is HEAD: headers only
  unsigned request_version_ = 11;
  size_t requests_ = 0;
};

}  // namespace keystorm::server::http_internal

#endif  // KEYSTORM_SERVER_SRC_HTTP_CONNECTION_H_
