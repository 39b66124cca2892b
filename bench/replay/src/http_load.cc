// HTTP mode, the timed step: an open-loop load generator over keep-alive
// connections (Boost.Asio, one io_context thread; plain TCP on loopback).
//
// A timer releases each login at its scheduled time into a FIFO; an idle
// connection takes the oldest released login.  Latency runs from the
// scheduled time, so waiting for a free connection counts (no coordinated
// omission).  Each connection has one request in flight (HTTP/1.1 without
// pipelining), so `connections` bounds the concurrency the server sees.
#include <boost/asio.hpp>

#include <chrono>
#include <deque>
#include <memory>

#include "keystorm/bench/http_replay.h"
#include "replay_stats.h"

namespace keystorm::bench {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// The outcome code in the answer: the value of "outcome", or "" if absent.
std::string OutcomeOf(std::string_view body) {
  constexpr std::string_view kKey = "\"outcome\"";
  size_t at = body.find(kKey);
  if (at == std::string_view::npos) return "";
  size_t open = body.find('"', body.find(':', at + kKey.size()) + 1);
  size_t close = open == std::string_view::npos ? open : body.find('"', open + 1);
  if (close == std::string_view::npos) return "";
  return std::string(body.substr(open + 1, close - open - 1));
}

class Load;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::io_context& io, Load* load) : socket_(io), load_(load) {}
  void Start(const tcp::resolver::results_type& endpoints);
  void Send(size_t login);

 private:
  void ReadHead();
  void ReadBody(size_t content_length);
  void Fail(const std::string& why);

  tcp::socket socket_;
  Load* load_;
  std::string request_;
  asio::streambuf buffer_;
  size_t login_ = 0;
};

class Load {
 public:
  Load(const corpus::ReplayCorpus& corpus, const std::vector<std::string>& bodies,
       const HttpReplayOptions& options)
      : corpus_(corpus), bodies_(bodies), options_(options), timer_(io_),
        scheduled_(bodies.size()), verdicts_(bodies.size()), latency_us_(bodies.size(), 0) {}

  Result<ReplayResult> Run() {
    tcp::resolver resolver(io_);
    boost::system::error_code ec;
    auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port), ec);
    if (ec) return Status::Unavailable("cannot resolve " + options_.host + ": " + ec.message());
    double scale = options_.rate > 0 ? corpus_.storm.peak_rate / options_.rate : 0;
    start_ = Clock::now();
    for (size_t i = 0; i < bodies_.size(); ++i) {
      scheduled_[i] = start_ + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double, std::micro>(
                                       corpus_.logins[i].arrival_us * scale));
    }
    for (int c = 0; c < options_.connections; ++c) {
      auto conn = std::make_shared<Connection>(io_, this);
      conn->Start(endpoints);
    }
    ReleaseDue();
    io_.run();
    if (connected_ == 0) return Status::Unavailable("no connection to the server could be made");
    return Report();
  }

  // Called by a connection that is ready for its next request.
  void Idle(std::shared_ptr<Connection> conn) {
    if (!released_.empty()) {
      size_t login = released_.front();
      released_.pop_front();
      conn->Send(login);
    } else if (next_ < bodies_.size()) {
      idle_.push_back(std::move(conn));
    }  // else: everything sent; the connection closes when dropped
  }
  void Connected() { ++connected_; }
  void Done(size_t login, std::string verdict) {
    verdicts_[login] = std::move(verdict);
    latency_us_[login] = std::chrono::duration<double, std::micro>(Clock::now() - scheduled_[login]).count();
    last_done_ = Clock::now();
    ++done_;
    size_t second = static_cast<size_t>(
        std::chrono::duration_cast<std::chrono::seconds>(last_done_ - start_).count());
    if (per_second_.size() <= second) per_second_.resize(second + 1, 0);
    ++per_second_[second];
    if (done_ == bodies_.size()) {
      for (auto& c : idle_) c.reset();
      idle_.clear();
    }
  }
  const std::string& Body(size_t login) const { return bodies_[login]; }
  const HttpReplayOptions& options() const { return options_; }

 private:
  // Releases every login whose time has come, then sleeps until the next.
  void ReleaseDue() {
    Clock::time_point now = Clock::now();
    while (next_ < bodies_.size() && scheduled_[next_] <= now) {
      released_.push_back(next_++);
    }
    while (!released_.empty() && !idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      size_t login = released_.front();
      released_.pop_front();
      conn->Send(login);
    }
    if (next_ < bodies_.size()) {
      timer_.expires_at(scheduled_[next_]);
      timer_.async_wait([this](const boost::system::error_code& e) {
        if (!e) ReleaseDue();
      });
    }
  }

  Result<ReplayResult> Report() {
    ReplayResult r;
    r.mode = "http";
    r.store = "server";
    r.threads = options_.connections;
    r.logins = bodies_.size();
    r.offered_peak_per_s = options_.rate;
    r.elapsed_s = std::chrono::duration<double>(last_done_ - start_).count();
    r.throughput_per_s = r.elapsed_s > 0 ? r.logins / r.elapsed_s : 0;
    r.completions_per_second = per_second_;
    std::vector<double> latencies(latency_us_.begin(), latency_us_.end());
    r.latency = Summarize(&latencies);
    for (size_t i = 0; i < bodies_.size(); ++i) {
      const std::string& got = verdicts_[i].empty() ? std::string("no answer") : verdicts_[i];
      ++r.verdicts[got];
      if (got != VerifyErrorName(corpus_.logins[i].expected)) {
        r.mismatches.push_back({i, corpus_.logins[i].fault, corpus_.logins[i].expected, got});
      }
    }
    return r;
  }

  const corpus::ReplayCorpus& corpus_;
  const std::vector<std::string>& bodies_;
  HttpReplayOptions options_;
  asio::io_context io_;
  asio::steady_timer timer_;
  Clock::time_point start_, last_done_;
  std::vector<Clock::time_point> scheduled_;
  std::vector<std::string> verdicts_;
  std::vector<double> latency_us_;
  std::vector<uint32_t> per_second_;
  std::deque<size_t> released_;
  std::vector<std::shared_ptr<Connection>> idle_;
  size_t next_ = 0, done_ = 0;
  int connected_ = 0;
};

void Connection::Start(const tcp::resolver::results_type& endpoints) {
  auto self = shared_from_this();
  asio::async_connect(socket_, endpoints,
                      [self](const boost::system::error_code& ec, const tcp::endpoint&) {
                        if (ec) return;  // this connection is lost; the others carry on
                        self->socket_.set_option(tcp::no_delay(true));
                        self->load_->Connected();
                        self->load_->Idle(self);
                      });
}

void Connection::Send(size_t login) {
  login_ = login;
  const std::string& body = load_->Body(login);
  const HttpReplayOptions& o = load_->options();
  request_ = "POST " + o.path + " HTTP/1.1\r\nHost: " + o.host + ":" + std::to_string(o.port) +
             "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
             "\r\nConnection: keep-alive\r\n\r\n" + body;
  auto self = shared_from_this();
  asio::async_write(socket_, asio::buffer(request_),
                    [self](const boost::system::error_code& ec, size_t) {
                      if (ec) return self->Fail("write: " + ec.message());
                      self->ReadHead();
                    });
}

void Connection::ReadHead() {
  auto self = shared_from_this();
  asio::async_read_until(socket_, buffer_, "\r\n\r\n",
                         [self](const boost::system::error_code& ec, size_t head_len) {
                           if (ec) return self->Fail("read: " + ec.message());
                           std::string head(asio::buffers_begin(self->buffer_.data()),
                                            asio::buffers_begin(self->buffer_.data()) + head_len);
                           self->buffer_.consume(head_len);
                           if (head.rfind("HTTP/1.1 5", 0) == 0) {
                             return self->Fail("server error: " + head.substr(0, head.find('\r')));
                           }
                           size_t length = 0;
                           for (std::string key : {"Content-Length:", "content-length:"}) {
                             size_t at = head.find(key);
                             if (at != std::string::npos) length = std::stoul(head.substr(at + key.size()));
                           }
                           self->ReadBody(length);
                         });
}

void Connection::ReadBody(size_t content_length) {
  auto self = shared_from_this();
  size_t have = buffer_.size();
  size_t need = content_length > have ? content_length - have : 0;
  asio::async_read(socket_, buffer_, asio::transfer_exactly(need),
                   [self, content_length](const boost::system::error_code& ec, size_t) {
                     if (ec) return self->Fail("read body: " + ec.message());
                     std::string body(asio::buffers_begin(self->buffer_.data()),
                                      asio::buffers_begin(self->buffer_.data()) + content_length);
                     self->buffer_.consume(content_length);
                     std::string outcome = OutcomeOf(body);
                     self->load_->Done(self->login_, outcome.empty() ? "no outcome in answer" : outcome);
                     self->load_->Idle(self);
                   });
}

void Connection::Fail(const std::string& why) {
  load_->Done(login_, "system: " + why);
  boost::system::error_code ignored;
  socket_.close(ignored);  // this connection is gone; the others carry on
}

}  // namespace

Result<ReplayResult> RunHttpReplay(const corpus::ReplayCorpus& corpus,
                                   const std::vector<std::string>& bodies,
                                   const HttpReplayOptions& options) {
  if (options.connections <= 0) return Status::InvalidArgument("connections must be > 0");
  if (bodies.size() > corpus.logins.size()) return Status::InvalidArgument("more bodies than logins");
  Load load(corpus, bodies, options);
  return load.Run();
}

}  // namespace keystorm::bench
