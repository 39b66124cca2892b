// HTTP mode, the timed step: an open-loop load generator over keep-alive
// connections (Boost.Asio, one io_context thread; plain TCP on loopback).
//
// A timer releases each login at its scheduled time into the queue of the
// connection it is pinned to (http_replay.h, "Order"); a connection sends
// the oldest login of its queue when its previous answer is in.  Latency
// runs from the scheduled time, so waiting in the queue counts (no
// coordinated omission).  One request in flight per connection (HTTP/1.1
// without pipelining), so `connections` bounds the server's concurrency.
#include <sys/resource.h>

#include <boost/asio.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>

#include "keystorm/bench/http_replay.h"
#include "replay_stats.h"

namespace keystorm::bench {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// The pacing timer's granularity (see ReleaseDue).
constexpr std::chrono::microseconds kReleaseTick{250};

// The value of the first string member `key` after `from`, or "".
std::string StringMember(std::string_view body, std::string_view key, size_t from = 0) {
  std::string quoted = "\"" + std::string(key) + "\"";
  size_t at = body.find(quoted, from);
  if (at == std::string_view::npos) return "";
  size_t colon = body.find(':', at + quoted.size());
  size_t open = colon == std::string_view::npos ? colon : body.find('"', colon + 1);
  size_t close = open == std::string_view::npos ? open : body.find('"', open + 1);
  if (close == std::string_view::npos) return "";
  return std::string(body.substr(open + 1, close - open - 1));
}

// The server's verdict as an outcome code (webauthn_service.cc): 200 with
// "verified":true is "ok"; an error status carries {"error":{"code":...}}.
// A 5xx (overloaded, internal) is a system failure, never a verdict.
std::string VerdictOf(int status, std::string_view body) {
  if (status == 200) {
    return body.find("\"verified\":true") != std::string_view::npos ? "ok"
                                                                     : "200 without verified:true";
  }
  size_t error = body.find("\"error\"");
  std::string code = error == std::string_view::npos ? "" : StringMember(body, "code", error);
  if (status >= 500) return "system: HTTP " + std::to_string(status) + " " + code;
  if (code.empty()) return "HTTP " + std::to_string(status) + " without an error code";
  return code;
}

class Load;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::io_context& io, Load* load, size_t index)
      : socket_(io), load_(load), index_(index) {}
  void Start(const tcp::resolver::results_type& endpoints);
  void Send(size_t login);
  void Close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

 private:
  void ReadHead();
  void ReadBody(int status, size_t content_length);
  void Fail(const std::string& why);

  tcp::socket socket_;
  Load* load_;
  size_t index_;
  std::string request_;
  asio::streambuf buffer_;
  size_t login_ = 0;
};

class Load {
 public:
  Load(const corpus::ReplayCorpus& corpus, const std::vector<std::string>& bodies,
       const HttpReplayOptions& options)
      : corpus_(corpus), bodies_(bodies), options_(options), timer_(io_),
        scheduled_(bodies.size()), verdicts_(bodies.size()), latency_us_(bodies.size(), 0),
        pin_(bodies.size()), lanes_(static_cast<size_t>(options.connections)) {
    PinLogins();
  }

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
    for (size_t c = 0; c < lanes_.size(); ++c) {
      lanes_[c].connection = std::make_shared<Connection>(io_, this, c);
      lanes_[c].connection->Start(endpoints);
    }
    rusage before{}, after{};
    getrusage(RUSAGE_SELF, &before);
    ReleaseDue();
    io_.run();
    getrusage(RUSAGE_SELF, &after);
    generator_cpu_s_ = Seconds(after.ru_utime) + Seconds(after.ru_stime) -
                      Seconds(before.ru_utime) - Seconds(before.ru_stime);
    if (connected_ == 0) return Status::Unavailable("no connection to the server could be made");
    return Report();
  }

  // Called by connection `c` once connected, and after each answer.
  void Ready(size_t c) {
    Lane& lane = lanes_[c];
    lane.busy = false;
    if (!lane.queue.empty()) {
      size_t login = lane.queue.front();
      lane.queue.pop_front();
      lane.busy = true;
      lane.connection->Send(login);
    } else {
      MaybeFinish();
    }
  }
  void Connected(size_t c) {
    ++connected_;
    lanes_[c].connected = true;
    Ready(c);
  }
  // A lost connection: its queued logins stay unanswered ("no answer").
  void Lost(size_t c) {
    lanes_[c].busy = true;  // never sends again
    lanes_[c].queue.clear();
    lanes_[c].connection.reset();
    MaybeFinish();
  }
  void Done(size_t login, std::string verdict) {
    verdicts_[login] = std::move(verdict);
    latency_us_[login] = std::chrono::duration<double, std::micro>(Clock::now() - scheduled_[login]).count();
    last_done_ = Clock::now();
    ++done_;
    size_t second = static_cast<size_t>(
        std::chrono::duration_cast<std::chrono::seconds>(last_done_ - start_).count());
    if (per_second_.size() <= second) per_second_.resize(second + 1, 0);
    ++per_second_[second];
    MaybeFinish();
  }
  const std::string& Body(size_t login) const { return bodies_[login]; }
  const HttpReplayOptions& options() const { return options_; }

 private:
  struct Lane {
    std::shared_ptr<Connection> connection;
    std::deque<size_t> queue;  // released, not yet sent, in arrival order
    bool connected = false;
    bool busy = false;  // a request in flight (or not connected yet)
  };

  // The lane of every login: by credential id, except that a replayed
  // challenge follows the login that first spent it.
  void PinLogins() {
    std::hash<std::string_view> hash;
    std::map<std::array<uint8_t, 32>, size_t> first_use;
    for (size_t i = 0; i < bodies_.size(); ++i) {
      const corpus::CorpusLogin& login = corpus_.logins[i];
      auto spent = first_use.find(login.challenge);
      if (login.fault == corpus::Fault::kReplayedChallenge && spent != first_use.end()) {
        pin_[i] = pin_[spent->second];
        continue;
      }
      first_use.emplace(login.challenge, i);
      const Bytes& id = corpus_.CredentialOf(login).credential_id;
      pin_[i] = hash(std::string_view(reinterpret_cast<const char*>(id.data()), id.size())) %
                lanes_.size();
    }
  }

  // Releases every login whose time has come, then sleeps until the next.
  void ReleaseDue() {
    Clock::time_point now = Clock::now();
    while (next_ < bodies_.size() && scheduled_[next_] <= now) {
      size_t login = next_++;
      Lane& lane = lanes_[pin_[login]];
      if (lane.connection == nullptr) continue;  // lost: stays unanswered
      lane.queue.push_back(login);
      if (lane.connected && !lane.busy) Ready(pin_[login]);
    }
    if (next_ < bodies_.size()) {
      // At most one wake-up per release tick: a timer per login cost the
      // generator about 9 us of CPU per login at 16,000/s, taken from the
      // server on a small machine.  The tick's delay is measured (latency
      // runs from the scheduled time).
      timer_.expires_at(std::max(scheduled_[next_], now + kReleaseTick));
      timer_.async_wait([this](const boost::system::error_code& e) {
        if (!e) ReleaseDue();
      });
    } else {
      MaybeFinish();
    }
  }

  // Once every login is released and no lane has work left, the connections
  // close and io_.run() returns.
  void MaybeFinish() {
    if (finished_ || next_ < bodies_.size()) return;
    for (const Lane& lane : lanes_) {
      if (lane.connection && (lane.busy || !lane.queue.empty())) return;
    }
    finished_ = true;  // closing fires the handlers of pending connects
    for (Lane& lane : lanes_) {
      if (lane.connection && lane.connected) ++held_;
    }
    for (Lane& lane : lanes_) {
      if (lane.connection) lane.connection->Close();
      lane.connection.reset();
    }
  }

  Result<ReplayResult> Report() {
    ReplayResult r;
    r.mode = "http";
    r.store = "server";
    r.threads = options_.connections;
    r.logins = bodies_.size();
    r.offered_peak_per_s = options_.rate;
    r.connections_held = held_;
    r.load_generator_cpu_s = generator_cpu_s_;
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
  std::vector<size_t> pin_;
  std::vector<Lane> lanes_;
  size_t next_ = 0, done_ = 0, held_ = 0;
  bool finished_ = false;
  int connected_ = 0;
  double generator_cpu_s_ = 0;
};

void Connection::Start(const tcp::resolver::results_type& endpoints) {
  auto self = shared_from_this();
  asio::async_connect(socket_, endpoints,
                      [self](const boost::system::error_code& ec, const tcp::endpoint&) {
                        if (ec) return self->load_->Lost(self->index_);
                        self->socket_.set_option(tcp::no_delay(true));
                        self->load_->Connected(self->index_);
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
                           // "HTTP/1.1 200 OK": the status is at offset 9.
                           int status = head.size() > 12 ? std::atoi(head.c_str() + 9) : 0;
                           size_t length = 0;
                           for (std::string key : {"Content-Length:", "content-length:"}) {
                             size_t at = head.find(key);
                             if (at != std::string::npos) length = std::stoul(head.substr(at + key.size()));
                           }
                           self->ReadBody(status, length);
                         });
}

void Connection::ReadBody(int status, size_t content_length) {
  auto self = shared_from_this();
  size_t have = buffer_.size();
  size_t need = content_length > have ? content_length - have : 0;
  asio::async_read(socket_, buffer_, asio::transfer_exactly(need),
                   [self, status, content_length](const boost::system::error_code& ec, size_t) {
                     if (ec) return self->Fail("read body: " + ec.message());
                     std::string body(asio::buffers_begin(self->buffer_.data()),
                                      asio::buffers_begin(self->buffer_.data()) + content_length);
                     self->buffer_.consume(content_length);
                     self->load_->Done(self->login_, VerdictOf(status, body));
                     self->load_->Ready(self->index_);
                   });
}

void Connection::Fail(const std::string& why) {
  Close();  // this connection is gone; the others carry on
  load_->Lost(index_);
  load_->Done(login_, "system: " + why);
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
