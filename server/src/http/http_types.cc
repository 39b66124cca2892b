// HttpRequest::Header, Responder and Router: the handler seam (http.h).
#include <atomic>
#include <exception>
#include <utility>

#include "keystorm/server/http.h"

namespace keystorm::server {

std::string_view HttpRequest::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

// One completion shared by every copy of a Responder.
struct Responder::State {
  explicit State(Fn f) : fn(std::move(f)) {}
  ~State() {
    // Nobody answered: answer for the handler, so that the connection and
    // its in-flight slot are released.
    if (!done.exchange(true) && fn) {
      HttpResponse response;
      response.status = 500;
      response.body = R"({"error":"internal_error"})";
      try {
        fn(std::move(response));
      } catch (...) {
        // A destructor must not throw; the connection is closed by its
        // own timeouts at worst.
      }
    }
  }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  Fn fn;
  std::atomic<bool> done{false};
};

Responder::Responder(Fn fn) : state_(std::make_shared<State>(std::move(fn))) {}

void Responder::operator()(HttpResponse response) const {
  if (!state_ || state_->done.exchange(true) || !state_->fn) return;
  state_->fn(std::move(response));
}

void Router::Add(std::string method, std::string path, Handler handler) {
  routes_.push_back(Route{std::move(method), std::move(path), std::move(handler)});
}

const Handler* Router::Find(std::string_view method, std::string_view path,
                            bool* path_known) const {
  bool known = false;
  const Handler* found = nullptr;
  for (const Route& route : routes_) {
    if (route.path != path) continue;
    known = true;
    if (route.method == method) {
      found = &route.handler;
      break;
    }
  }
  if (path_known != nullptr) *path_known = known;
  return found;
}

std::string Router::AllowedMethods(std::string_view path) const {
  std::vector<std::string_view> methods;  // a handful at most
  auto add = [&methods](std::string_view method) {
    for (std::string_view listed : methods) {
      if (listed == method) return;
    }
    methods.push_back(method);
  };
  for (const Route& route : routes_) {
    if (route.path != path) continue;
    add(route.method);
    if (route.method == "GET") add("HEAD");  // the server answers HEAD with GET's route
  }
  std::string allowed;
  for (std::string_view method : methods) {
    if (!allowed.empty()) allowed += ", ";
    allowed += method;
  }
  return allowed;
}

}  // namespace keystorm::server
