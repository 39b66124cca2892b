#include "keystorm/server/pages.h"

#include <filesystem>
#include <utility>

#include "keystorm/read_file.h"

namespace keystorm::server {
namespace {

// Template names come from the policy, which already restricts them to
// [A-Za-z0-9._-]; checked again so that no path can be built from one.
bool SafeTemplateName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '.') return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string UrlDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() &&
               HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

HttpResponse HtmlResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::move(body);
  response.headers.emplace_back("cache-control", "no-store");
  // The pages load only our own script and stylesheet.
  response.headers.emplace_back(
      "content-security-policy",
      "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'");
  response.headers.emplace_back("x-content-type-options", "nosniff");
  return response;
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string RenderTemplate(std::string_view text,
                           const std::map<std::string, std::string>& values) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    std::string name(text.substr(open + 2, close - open - 2));
    auto value = values.find(name);
    if (value == values.end()) {
      out.append(text.substr(open, close + 2 - open));
    } else {
      out += value->second;
    }
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return out;
}

std::optional<std::string> QueryParameter(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    if (UrlDecode(pair.substr(0, eq)) == name) {
      return eq == std::string_view::npos ? "" : UrlDecode(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

Pages::Pages(PagesOptions options, WebAuthnService* service)
    : options_(std::move(options)), service_(service) {}

HttpResponse Pages::Render(std::string_view template_name, std::string_view username,
                           std::string_view message) const {
  if (!SafeTemplateName(template_name)) return HtmlResponse(404, "<h1>Not found</h1>");
  std::filesystem::path path =
      std::filesystem::path(options_.templates_dir) / (std::string(template_name) + ".html");
  std::optional<std::string> text = ReadWholeFile(path);
  if (!text) return HtmlResponse(404, "<h1>Not found</h1>");
  // Values are escaped here; the script element is ours, so it is not.
  std::map<std::string, std::string> values{
      {"product_name", HtmlEscape(options_.product_name)},
      {"message", HtmlEscape(message)},
      {"username", HtmlEscape(username)},
      {"webauthn_script", R"(<script src="/static/keystorm.js" defer></script>)"},
  };
  return HtmlResponse(200, RenderTemplate(*text, values));
}

void Pages::LoginPage(const HttpRequest& request, Responder respond) const {
  std::string username =
      WebAuthnService::NormalizeUsername(QueryParameter(request.query, "username").value_or(""));
  std::string template_name = "login";
  if (service_ != nullptr && !username.empty()) {
    auto decision = service_->Decide(username, std::nullopt);
    if (decision && !decision->login_template.empty()) template_name = decision->login_template;
  }
  respond(Render(template_name, username, ""));
}

void Pages::LogoutPage(const HttpRequest& request, Responder respond) const {
  std::string username =
      WebAuthnService::NormalizeUsername(QueryParameter(request.query, "username").value_or(""));
  std::string template_name = "logout";
  if (service_ != nullptr && !username.empty()) {
    auto decision = service_->Decide(username, std::nullopt);
    if (decision && !decision->logout_template.empty()) template_name = decision->logout_template;
  }
  HttpResponse response = Render(template_name, username, "You are signed out.");
  respond(std::move(response));
}

HttpResponse Pages::StaticFile(std::string_view file, std::string_view content_type) const {
  std::optional<std::string> text =
      ReadWholeFile(std::filesystem::path(options_.static_dir) / std::string(file));
  if (!text) return HtmlResponse(404, "<h1>Not found</h1>");
  HttpResponse response;
  response.content_type = std::string(content_type);
  response.body = std::move(*text);
  response.headers.emplace_back("cache-control", "no-cache");
  response.headers.emplace_back("x-content-type-options", "nosniff");
  return response;
}

void Pages::AddRoutes(Router* router) {
  router->Add("GET", "/", [](HttpRequest&&, Responder respond) {
    HttpResponse response;
    response.status = 302;
    response.content_type = "text/plain";
    response.headers.emplace_back("location", "/login");
    respond(std::move(response));
  });
  router->Add("GET", "/login",
              [this](HttpRequest&& request, Responder respond) { LoginPage(request, respond); });
  router->Add("GET", "/logout",
              [this](HttpRequest&& request, Responder respond) { LogoutPage(request, respond); });
  router->Add("GET", "/register", [this](HttpRequest&& request, Responder respond) {
    std::string username = WebAuthnService::NormalizeUsername(
        QueryParameter(request.query, "username").value_or(""));
    respond(Render("register", username, ""));
  });
  router->Add("GET", "/static/keystorm.js", [this](HttpRequest&&, Responder respond) {
    respond(StaticFile("keystorm.js", "text/javascript; charset=utf-8"));
  });
  router->Add("GET", "/static/keystorm.css", [this](HttpRequest&&, Responder respond) {
    respond(StaticFile("keystorm.css", "text/css; charset=utf-8"));
  });
}

}  // namespace keystorm::server
