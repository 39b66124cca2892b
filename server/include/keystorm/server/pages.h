// The login, register and logout pages, rendered from HTML templates, and
// the static files they load (the WebAuthn script and the stylesheet).
//
// A template is `<templates_dir>/<name>.html`; the policy's decision names
// the login and logout template of each user (docs/policy.md, [templates]).
// Placeholders, replaced with HTML-escaped text:
//
//   {{product_name}}     the product name from the configuration
//   {{message}}          a notice for the user (may be empty)
//   {{username}}         the user name from the query, if any
//   {{webauthn_script}}  the <script> element that loads the client
//
// Unknown placeholders are left as they are.  Templates are read on each
// request (pages are not the hot path), so an edited template shows at once.
#ifndef KEYSTORM_SERVER_PAGES_H_
#define KEYSTORM_SERVER_PAGES_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "keystorm/server/http.h"
#include "keystorm/server/webauthn_service.h"

namespace keystorm::server {

struct PagesOptions {
  std::string templates_dir;  // holds login.html, register.html, logout.html, ...
  std::string static_dir;     // holds keystorm.js and keystorm.css
  std::string product_name = "Keystorm";
};

// Replaces {{name}} with the HTML-escaped value of `values[name]`.
std::string RenderTemplate(std::string_view text, const std::map<std::string, std::string>& values);

// &, <, >, " and ' escaped.
std::string HtmlEscape(std::string_view text);

// The value of `name` in a query string ("a=1&username=alice"), URL-decoded.
std::optional<std::string> QueryParameter(std::string_view query, std::string_view name);

class Pages {
 public:
  // `service` (may be null: default templates) picks the templates per user.
  Pages(PagesOptions options, WebAuthnService* service);

  // GET /, /login, /register, /logout, /static/keystorm.js, /static/keystorm.css
  void AddRoutes(Router* router);

  // The page `template_name` with `message`; 404 when the template does not
  // exist, 500 when it cannot be read.
  HttpResponse Render(std::string_view template_name, std::string_view username,
                      std::string_view message) const;

 private:
  void LoginPage(const HttpRequest& request, Responder respond) const;
  void LogoutPage(const HttpRequest& request, Responder respond) const;
  HttpResponse StaticFile(std::string_view file, std::string_view content_type) const;

  PagesOptions options_;
  WebAuthnService* service_;
};

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_PAGES_H_
