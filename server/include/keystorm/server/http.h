// The seam between the HTTP machinery (listeners, connections, limits) and
// the application (WebAuthn API, admin API, pages, health).  Handlers never
// see Boost.Beast: they get a parsed request and a Responder, and may answer
// later from any thread (for example a pipeline worker's completion), so no
// thread is blocked per connection.
#ifndef KEYSTORM_SERVER_HTTP_H_
#define KEYSTORM_SERVER_HTTP_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keystorm::server {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded of nothing: as sent, without the query
  std::string query;   // after '?', without it; empty if none
  // Header names lower-cased; values as sent.  A name may repeat.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string client_address;  // the peer's IP address, no port

  // The first value of a header (name lower-case), or empty.
  std::string_view Header(std::string_view lower_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;
};

// Completes one request.  Call it exactly once, from any thread; calling it
// after the client has gone (or the server has stopped) is harmless.  Copies
// share the one completion: the first call wins, later ones do nothing.
// If every copy is destroyed without a call, the request is answered 500
// (a handler bug must not leave the client hanging or leak an in-flight
// slot).  A default-constructed Responder does nothing.
class Responder {
 public:
  using Fn = std::function<void(HttpResponse)>;
  Responder() = default;
  explicit Responder(Fn fn);
  void operator()(HttpResponse response) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

using Handler = std::function<void(HttpRequest&& request, Responder respond)>;

// Exact-path routing.  A path that is not routed answers 404; a routed path
// with another method answers 405 with `Allow`.  A HEAD request without a
// HEAD route of its own is answered by the path's GET route, headers only
// (RFC 9110 §9.3.2: the same header fields, Content-Length included, and
// no content).
class Router {
 public:
  void Add(std::string method, std::string path, Handler handler);
  // The handler for (method, path), or null; *path_known says whether any
  // method is routed for the path.
  const Handler* Find(std::string_view method, std::string_view path, bool* path_known) const;
  std::string AllowedMethods(std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::string path;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_HTTP_H_
