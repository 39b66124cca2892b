#include "http/connection.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <exception>
#include <string_view>
#include <utility>

namespace keystorm::server::http_internal {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// After an answer that closes the connection, how long and how much input
// we are willing to read and drop.
constexpr std::chrono::milliseconds kLingerTime{1000};
constexpr size_t kLingerBytes = 256 * 1024;
// The read buffer a request starts with (ReadHeader).
constexpr size_t kFirstReadBytes = 4096;

std::string ErrorBody(std::string_view code) {
  std::string body = R"({"error":")";
  body += code;
  body += "\"}";
  return body;
}

std::string_view ErrorCode(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 408: return "request_timeout";
    case 413: return "payload_too_large";
    case 431: return "request_header_fields_too_large";
    case 503: return "service_unavailable";
    default: return "internal_error";
  }
}

HttpResponse ErrorResponse(int status, int retry_after_s) {
  HttpResponse response;
  response.status = status;
  response.body = ErrorBody(ErrorCode(status));
  if (status == 503) response.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
  return response;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Connection::Connection(net::ip::tcp::socket socket, std::shared_ptr<ListenerShared> listener,
                       ConnectionRegistry* registry, std::shared_ptr<PostGate> gate,
                       std::string client_address)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      listener_(std::move(listener)),
      registry_(registry),
      gate_(std::move(gate)),
      client_address_(std::move(client_address)) {}

void Connection::Start() {
  // A fresh connection: the first request must arrive within the read
  // timeout, counted from the accept.
  SetDeadline(std::chrono::milliseconds(listener_->options.read_timeout_ms));
  WaitForRequest(/*first=*/true);
}

void Connection::StartRejected(int status) {
  keep_alive_ = false;
  SetDeadline(std::chrono::milliseconds(listener_->options.read_timeout_ms));
  Write(ErrorResponse(status, listener_->options.retry_after_s), /*keep_alive=*/false);
}

void Connection::BeginShutdown() {
  stopping_ = true;
  if (phase_ == Phase::kIdle) Close();
}

void Connection::ForceClose() { Close(); }

// Waits for the first byte of the next request, so that an idle keep-alive
// connection (idle timeout) is told apart from a slow request (read timeout).
void Connection::WaitForRequest(bool first) {
  phase_ = Phase::kIdle;
  head_request_ = false;  // until a parsed request says otherwise (Refuse answers in full)
  if (stopping_) {
    Close();
    return;
  }
  if (buffer_.size() > 0) {  // pipelined: the next request is already here
    SetDeadline(std::chrono::milliseconds(listener_->options.read_timeout_ms));
    ReadHeader();
    return;
  }
  if (!first) SetDeadline(std::chrono::milliseconds(listener_->options.idle_timeout_ms));
  // Wait for readability rather than read: an idle connection then holds
  // no read buffer at all, which is what lets 10,000 of them stay cheap.
  socket_.async_wait(net::socket_base::wait_read, [self = shared_from_this(),
                                                   first](error_code ec) {
    if (self->phase_ != Phase::kIdle) return;  // closed meanwhile
    if (ec) {
      if (self->timed_out_) {
        self->listener_->counters.Hit(first ? LimitKind::kReadTimeout : LimitKind::kIdleTimeout);
      }
      self->Close();
      return;
    }
    // Bytes (or the end of the stream) are there: the request has begun.
    if (!first) {
      self->SetDeadline(std::chrono::milliseconds(self->listener_->options.read_timeout_ms));
    }
    self->ReadHeader();
  });
}

void Connection::ReadHeader() {
  phase_ = Phase::kReading;
  // A request has begun.  Room for a whole typical one (a login's is about
  // 1.5 KB) lets the first read take it in one recv; from an empty buffer
  // Beast reads 512 bytes and then the rest.  Idle connections still hold
  // nothing: OnWritten gives the buffer back.
  buffer_.reserve(kFirstReadBytes);
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(
      std::min<size_t>(listener_->options.max_header_bytes, UINT32_MAX)));
  parser_->body_limit(listener_->options.max_body_bytes);
  bhttp::async_read_header(socket_, buffer_, *parser_,
                           [self = shared_from_this()](error_code ec, size_t) {
                             if (self->phase_ != Phase::kReading) return;
                             if (ec) {
                               self->OnReadError(ec);
                               return;
                             }
                             const auto& header = self->parser_->get();
                             bool wants_continue =
                                 beast::iequals(header[bhttp::field::expect], "100-continue");
                             if (wants_continue && !self->parser_->is_done()) {
                               net::async_write(
                                   self->socket_, net::buffer(kContinue.data(), kContinue.size()),
                                   [self](error_code write_ec, size_t) {
                                     if (self->phase_ != Phase::kReading) return;
                                     if (write_ec) {
                                       self->Close();
                                       return;
                                     }
                                     self->ReadBody();
                                   });
                               return;
                             }
                             self->ReadBody();
                           });
}

void Connection::ReadBody() {
  if (parser_->is_done()) {
    OnRequest();
    return;
  }
  bhttp::async_read(socket_, buffer_, *parser_, [self = shared_from_this()](error_code ec, size_t) {
    if (self->phase_ != Phase::kReading) return;
    if (ec) {
      self->OnReadError(ec);
      return;
    }
    self->OnRequest();
  });
}

void Connection::OnReadError(error_code ec) {
  if (timed_out_) {
    listener_->counters.Hit(LimitKind::kReadTimeout);
    Refuse(408);
    return;
  }
  if (ec == bhttp::error::header_limit) {
    listener_->counters.Hit(LimitKind::kHeaderTooLarge);
    Refuse(431);
    return;
  }
  if (ec == bhttp::error::body_limit) {
    listener_->counters.Hit(LimitKind::kBodyTooLarge);
    Refuse(413);
    return;
  }
  // The client went away (cleanly or not): nobody to answer.
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
      ec.category() != bhttp::make_error_code(bhttp::error::bad_method).category()) {
    Close();
    return;
  }
  listener_->counters.Hit(LimitKind::kMalformed);
  Refuse(400);
}

void Connection::OnRequest() {
  phase_ = Phase::kHandling;
  ClearDeadline();
  ++requests_;
  Request request = parser_->release();
  parser_.reset();
  request_version_ = request.version();
  keep_alive_ = request.keep_alive();
  head_request_ = request.method() == bhttp::verb::head;
  if (requests_ >= listener_->options.max_requests_per_connection) {
    if (keep_alive_) listener_->counters.Hit(LimitKind::kMaxRequestsPerConnection);
    keep_alive_ = false;
  }
  Dispatch(std::move(request));
}

void Connection::Dispatch(Request&& request) {
  HttpRequest converted;
  converted.method = std::string(request.method_string());
  std::string_view target = request.target();
  size_t question = target.find('?');
  converted.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) converted.query = std::string(target.substr(question + 1));

  bool path_known = false;
  const Handler* handler = listener_->router.Find(converted.method, converted.path, &path_known);
  if (handler == nullptr && head_request_) {
    handler = listener_->router.Find("GET", converted.path, &path_known);
  }
  if (handler == nullptr) {
    HttpResponse answer = ErrorResponse(path_known ? 405 : 404, 0);
    if (path_known) answer.headers.emplace_back("Allow", listener_->router.AllowedMethods(converted.path));
    Write(std::move(answer), keep_alive_);
    return;
  }

  ListenerCounters& counters = listener_->counters;
  if (counters.in_flight.fetch_add(1, std::memory_order_acq_rel) >=
      listener_->options.max_in_flight) {
    counters.in_flight.fetch_sub(1, std::memory_order_acq_rel);
    counters.Hit(LimitKind::kOverloaded);
    Write(ErrorResponse(503, listener_->options.retry_after_s), keep_alive_);
    return;
  }

  converted.headers.reserve(static_cast<size_t>(std::distance(request.begin(), request.end())));
  for (const auto& field : request) {
    converted.headers.emplace_back(Lower(field.name_string()), std::string(field.value()));
  }
  converted.body = std::move(request.body());
  converted.client_address = client_address_;

  // The answer may come from any thread, after this connection is gone or
  // the server has stopped: the Responder holds only a weak reference, and
  // posts through the gate.
  Responder respond([listener = listener_, gate = gate_,
                     weak = weak_from_this()](HttpResponse answer) {
    listener->counters.in_flight.fetch_sub(1, std::memory_order_acq_rel);
    std::lock_guard<std::mutex> lock(gate->mu);
    if (!gate->open) return;
    std::shared_ptr<Connection> self = weak.lock();
    if (!self) return;
    net::post(self->socket_.get_executor(), [self, answer = std::move(answer)]() mutable {
      self->OnHandlerAnswer(std::move(answer));
    });
  });
  try {
    (*handler)(std::move(converted), respond);
  } catch (...) {
    respond(ErrorResponse(500, 0));  // does nothing if the handler answered first
  }
}

void Connection::OnHandlerAnswer(HttpResponse response) {
  if (phase_ != Phase::kHandling) return;  // closed meanwhile
  Write(std::move(response), keep_alive_);
}

void Connection::Refuse(int status) {
  keep_alive_ = false;
  SetDeadline(std::chrono::milliseconds(listener_->options.read_timeout_ms));
  Write(ErrorResponse(status, listener_->options.retry_after_s), /*keep_alive=*/false);
}

void Connection::Write(HttpResponse answer, bool keep_alive) {
  phase_ = Phase::kWriting;
  keep_alive = keep_alive && !stopping_;
  keep_alive_ = keep_alive;
  // A status outside HTTP's range is a handler bug: answer 500 instead.
  if (answer.status < 100 || answer.status > 599) answer = ErrorResponse(500, 0);
  int status = answer.status;
  try {
    response_ = Response();
    response_.version(request_version_);
    response_.result(static_cast<unsigned>(status));
    if (!answer.body.empty() && !answer.content_type.empty()) {
      response_.set(bhttp::field::content_type, answer.content_type);
    }
    for (auto& [name, value] : answer.headers) response_.insert(name, value);
    response_.body() = std::move(answer.body);
  } catch (const std::exception&) {
    // A status Beast refuses (outside 100..999) or a header it cannot
    // hold: a handler bug, answered 500 rather than thrown into the I/O
    // thread.
    status = 500;
    response_ = Response();
    response_.version(request_version_);
    response_.result(bhttp::status::internal_server_error);
    response_.set(bhttp::field::content_type, "application/json");
    response_.body() = ErrorBody(ErrorCode(500));
  }
  response_.keep_alive(keep_alive);
  response_.prepare_payload();
  // HEAD: the Content-Length the GET answer would have, and no content
  // (RFC 9110 §9.3.2); the header alone is written.
  if (head_request_) response_.body().clear();
  listener_->counters.Answered(status);
  SetDeadline(std::chrono::milliseconds(listener_->options.read_timeout_ms));
  bhttp::async_write(socket_, response_, [self = shared_from_this()](error_code ec, size_t) {
    self->OnWritten(ec);
  });
}

void Connection::OnWritten(error_code ec) {
  if (phase_ != Phase::kWriting) return;
  if (ec) {
    Close();
    return;
  }
  // Give back what the last exchange used before a possibly long idle wait.
  response_ = Response();
  if (buffer_.size() == 0) buffer_.shrink_to_fit();
  if (!keep_alive_) {
    LingerAndClose();
    return;
  }
  WaitForRequest(/*first=*/false);
}

void Connection::LingerAndClose() {
  phase_ = Phase::kClosing;
  error_code ignored;
  socket_.shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  SetDeadline(std::min(kLingerTime,
                       std::chrono::milliseconds(listener_->options.read_timeout_ms)));
  drain_buffer_ = std::make_unique<std::array<char, 4096>>();
  Drain();
}

void Connection::Drain() {
  socket_.async_read_some(net::buffer(*drain_buffer_),
                          [self = shared_from_this()](error_code ec, size_t n) {
                            if (self->phase_ != Phase::kClosing) return;
                            self->drained_bytes_ += n;
                            if (ec || self->drained_bytes_ > kLingerBytes) {
                              self->Close();
                              return;
                            }
                            self->Drain();
                          });
}

void Connection::Close() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  ClearDeadline();
  // Leave the registry first, so that whoever sees the socket close also
  // sees the connection gone from the stats.  Every caller holds a
  // reference of its own, so this never destroys us.
  registry_->Remove(this, client_address_);
  error_code ignored;
  socket_.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

void Connection::SetDeadline(std::chrono::milliseconds timeout) {
  timed_out_ = false;
  uint64_t generation = ++deadline_generation_;
  timer_.expires_after(timeout);
  timer_.async_wait([weak = weak_from_this(), generation](error_code ec) {
    if (ec) return;
    std::shared_ptr<Connection> self = weak.lock();
    if (!self || self->deadline_generation_ != generation) return;
    self->timed_out_ = true;
    error_code ignored;
    self->socket_.cancel(ignored);  // the pending read or write ends with operation_aborted
  });
}

void Connection::ClearDeadline() {
  ++deadline_generation_;
  timer_.cancel();
}

}  // namespace keystorm::server::http_internal
