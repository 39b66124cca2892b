#include "keystorm/server/server_config.h"

#include <charconv>
#include <filesystem>
#include <functional>
#include <map>
#include <sstream>
#include <toml++/toml.h>

#include "keystorm/read_file.h"

namespace keystorm::server {
namespace {

// One reader per key: the table below is the complete list of keys, so an
// unknown key is found by its absence here.
using KeyReader = std::function<Status(const toml::node&, ServerConfig*)>;

Status WrongType(std::string_view key, std::string_view expected) {
  return Status::InvalidArgument(std::string(key) + ": expected " + std::string(expected));
}

KeyReader String(std::string ServerConfig::*field) {
  return [field](const toml::node& node, ServerConfig* config) -> Status {
    const auto* value = node.as_string();
    if (value == nullptr) return Status::InvalidArgument("expected a string");
    config->*field = value->get();
    return Status::Ok();
  };
}

KeyReader Bool(bool ServerConfig::*field) {
  return [field](const toml::node& node, ServerConfig* config) -> Status {
    const auto* value = node.as_boolean();
    if (value == nullptr) return Status::InvalidArgument("expected true or false");
    config->*field = value->get();
    return Status::Ok();
  };
}

KeyReader Integer(int64_t ServerConfig::*field, int64_t min, int64_t max) {
  return [field, min, max](const toml::node& node, ServerConfig* config) -> Status {
    const auto* value = node.as_integer();
    if (value == nullptr || value->get() < min || value->get() > max) {
      return Status::InvalidArgument("expected an integer from " + std::to_string(min) + " to " +
                                     std::to_string(max));
    }
    config->*field = value->get();
    return Status::Ok();
  };
}

KeyReader SmallInteger(int ServerConfig::*field, int min, int max) {
  return [field, min, max](const toml::node& node, ServerConfig* config) -> Status {
    const auto* value = node.as_integer();
    if (value == nullptr || value->get() < min || value->get() > max) {
      return Status::InvalidArgument("expected an integer from " + std::to_string(min) + " to " +
                                     std::to_string(max));
    }
    config->*field = static_cast<int>(value->get());
    return Status::Ok();
  };
}

KeyReader Rate(double ServerConfig::*field) {
  return [field](const toml::node& node, ServerConfig* config) -> Status {
    double number = 0;
    if (const auto* f = node.as_floating_point()) {
      number = f->get();
    } else if (const auto* i = node.as_integer()) {
      number = static_cast<double>(i->get());
    } else {
      return Status::InvalidArgument("expected a number");
    }
    if (!(number > 0) || number > 1e9) return Status::InvalidArgument("expected a number > 0");
    config->*field = number;
    return Status::Ok();
  };
}

KeyReader Listen(ListenAddress ServerConfig::*field) {
  return [field](const toml::node& node, ServerConfig* config) -> Status {
    const auto* value = node.as_string();
    if (value == nullptr) return Status::InvalidArgument("expected \"host:port\"");
    auto parsed = ParseListenAddress(value->get());
    if (!parsed) return parsed.error();
    config->*field = *parsed;
    return Status::Ok();
  };
}

KeyReader StringList(std::vector<std::string> ServerConfig::*field) {
  return [field](const toml::node& node, ServerConfig* config) -> Status {
    const auto* array = node.as_array();
    if (array == nullptr) return Status::InvalidArgument("expected an array of strings");
    std::vector<std::string> out;
    for (const auto& element : *array) {
      const auto* text = element.as_string();
      if (text == nullptr) return Status::InvalidArgument("expected an array of strings");
      out.push_back(text->get());
    }
    config->*field = std::move(out);
    return Status::Ok();
  };
}

const std::map<std::string, std::map<std::string, KeyReader>>& Schema() {
  static const auto* schema = new std::map<std::string, std::map<std::string, KeyReader>>{
      {"server",
       {{"public_listen", Listen(&ServerConfig::public_listen)},
        {"admin_listen", Listen(&ServerConfig::admin_listen)},
        {"management_listen", Listen(&ServerConfig::management_listen)},
        {"io_threads", SmallInteger(&ServerConfig::io_threads, 1, 256)},
        {"log_flush_ms", Integer(&ServerConfig::log_flush_ms, 0, 10'000)},
        {"product_name", String(&ServerConfig::product_name)},
        {"templates_dir", String(&ServerConfig::templates_dir)},
        {"static_dir", String(&ServerConfig::static_dir)},
        {"data_dir", String(&ServerConfig::data_dir)},
        {"trust_forwarded_for", Bool(&ServerConfig::trust_forwarded_for)},
        {"max_connections", Integer(&ServerConfig::max_connections, 1, 1'000'000)},
        {"max_connections_per_address",
         Integer(&ServerConfig::max_connections_per_address, 1, 1'000'000)}}},
      {"webauthn",
       {{"rp_id", String(&ServerConfig::rp_id)},
        {"rp_name", String(&ServerConfig::rp_name)},
        {"origins", StringList(&ServerConfig::origins)},
        {"challenge_key_file", String(&ServerConfig::challenge_key_file)},
        {"challenge_ttl_seconds", Integer(&ServerConfig::challenge_ttl_seconds, 1, 3600)},
        {"ceremony_timeout_ms", Integer(&ServerConfig::ceremony_timeout_ms, 1000, 600'000)},
        {"open_registration", Bool(&ServerConfig::open_registration)}}},
      {"store", {{"path", String(&ServerConfig::store_path)}}},
      {"policy", {{"file", String(&ServerConfig::policy_file)}}},
      {"trust", {{"anchors_dir", String(&ServerConfig::trust_anchors_dir)}}},
      {"metadata",
       {{"blob_file", String(&ServerConfig::metadata_blob_file)},
        {"root_file", String(&ServerConfig::metadata_root_file)}}},
      {"pipeline",
       {{"workers", SmallInteger(&ServerConfig::pipeline_workers, 0, 1024)},
        {"max_batch", Integer(&ServerConfig::pipeline_max_batch, 0, 65536)},
        {"max_in_flight", Integer(&ServerConfig::pipeline_max_in_flight, 1, 1 << 24)},
        {"linger_us", Integer(&ServerConfig::pipeline_linger_us, 0, 100'000)},
        {"retry_after_seconds", Integer(&ServerConfig::retry_after_seconds, 1, 3600)}}},
      {"admin",
       {{"token_file", String(&ServerConfig::admin_token_file)},
        {"audit_log_file", String(&ServerConfig::audit_log_file)}}},
      {"rate_limit",
       {{"per_address_rate", Rate(&ServerConfig::rate_per_address)},
        {"per_address_burst", Rate(&ServerConfig::burst_per_address)},
        {"per_user_rate", Rate(&ServerConfig::rate_per_user)},
        {"per_user_burst", Rate(&ServerConfig::burst_per_user)}}},
      {"trusted_backend",
       {{"enabled", Bool(&ServerConfig::trusted_backend_enabled)},
        {"secret_file", String(&ServerConfig::trusted_backend_secret_file)},
        {"header", String(&ServerConfig::trusted_backend_header)}}},
      {"conformance", {{"enabled", Bool(&ServerConfig::conformance_enabled)}}},
  };
  return *schema;
}

// Cross-key rules a single key cannot check.
Status Validate(const ServerConfig& config) {
  if (config.rp_id.empty()) return Status::InvalidArgument("webauthn.rp_id: must not be empty");
  if (config.origins.empty()) {
    return Status::InvalidArgument("webauthn.origins: at least one origin is needed");
  }
  if (config.trusted_backend_enabled && config.trusted_backend_secret_file.empty()) {
    return Status::InvalidArgument(
        "trusted_backend.secret_file: required when trusted_backend.enabled");
  }
  // One without the other cannot be checked (the BLOB needs its root) and is
  // almost certainly a typo, so it is refused rather than ignored.
  if (config.metadata_blob_file.empty() != config.metadata_root_file.empty()) {
    return Status::InvalidArgument("metadata.blob_file and metadata.root_file: set both or neither");
  }
  for (char c : config.trusted_backend_header) {
    if (c >= 'A' && c <= 'Z') {
      return Status::InvalidArgument("trusted_backend.header: must be lower case");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Status::InvalidArgument("expected \"host:port\", got \"" + std::string(text) + "\"");
  }
  std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535 ||
      port_text.empty()) {
    return Status::InvalidArgument("port of \"" + std::string(text) + "\" is not 0-65535");
  }
  ListenAddress out;
  out.host = std::string(text.substr(0, colon));
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);  // [::1]:8080
  }
  out.port = static_cast<uint16_t>(port);
  return out;
}

Result<ServerConfig> ParseServerConfig(std::string_view toml_text) {
  toml::table document;
  try {
    document = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    std::ostringstream message;
    message << "line " << e.source().begin.line << ": " << e.description();
    return Status::InvalidArgument(message.str());
  }
  ServerConfig config;
  const auto& schema = Schema();
  for (const auto& [table_name, table_node] : document) {
    const std::string table_key(table_name.str());
    auto table_schema = schema.find(table_key);
    if (table_schema == schema.end()) {
      return Status::InvalidArgument(table_key + ": unknown table");
    }
    const auto* table = table_node.as_table();
    if (table == nullptr) return WrongType(table_key, "a table");
    for (const auto& [key_name, value] : *table) {
      const std::string full_key = table_key + "." + std::string(key_name.str());
      auto reader = table_schema->second.find(std::string(key_name.str()));
      if (reader == table_schema->second.end()) {
        return Status::InvalidArgument(full_key + ": unknown key");
      }
      Status status = reader->second(value, &config);
      if (!status.ok()) return Status::InvalidArgument(full_key + ": " + std::string(status.message()));
    }
  }
  Status valid = Validate(config);
  if (!valid.ok()) return valid;
  return config;
}

Result<ServerConfig> LoadServerConfigFile(const std::string& path) {
  Result<std::string> text = ReadConfiguredFile(path);
  if (!text) return text.error();
  auto config = ParseServerConfig(*text);
  if (!config) return Status::InvalidArgument(path + ": " + std::string(config.error().message()));
  return config;
}

std::string ResolveDataPath(const ServerConfig& config, const std::string& path) {
  if (path.empty()) return path;
  std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return (std::filesystem::path(config.data_dir) / p).string();
}

}  // namespace keystorm::server
