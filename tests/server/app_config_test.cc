// The serve configuration parser: defaults, every refusal names its key.
#include <gtest/gtest.h>

#include "keystorm/server/server_config.h"

namespace keystorm::server {
namespace {

TEST(ServerConfigTest, EmptyFileGivesTheDefaults) {
  auto config = ParseServerConfig("");
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->public_listen.port, 8080);
  EXPECT_EQ(config->rp_id, "localhost");
  EXPECT_EQ(config->origins, std::vector<std::string>{"http://localhost:8080"});
  EXPECT_FALSE(config->conformance_enabled);
  EXPECT_FALSE(config->trusted_backend_enabled);
  EXPECT_EQ(config->max_connections, 10000);
  EXPECT_EQ(config->max_connections_per_address, 256);
  EXPECT_EQ(config->pipeline_workers, 0) << "all usable cores";
  EXPECT_EQ(config->pipeline_max_batch, 0) << "the pipeline's default bound";
  EXPECT_EQ(config->log_flush_ms, 20);
}

TEST(ServerConfigTest, ReadsEveryKind) {
  auto config = ParseServerConfig(R"(
[server]
public_listen = "0.0.0.0:9000"
admin_listen = "[::1]:9001"
io_threads = 4
max_connections_per_address = 20000
[webauthn]
rp_id = "example.com"
origins = ["https://example.com", "https://login.example.com"]
open_registration = false
[rate_limit]
per_user_rate = 0.5
[conformance]
enabled = true
)");
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->public_listen.host, "0.0.0.0");
  EXPECT_EQ(config->public_listen.port, 9000);
  EXPECT_EQ(config->admin_listen.host, "::1");
  EXPECT_EQ(config->io_threads, 4);
  EXPECT_EQ(config->max_connections_per_address, 20000);
  EXPECT_EQ(config->origins.size(), 2u);
  EXPECT_FALSE(config->open_registration);
  EXPECT_DOUBLE_EQ(config->rate_per_user, 0.5);
  EXPECT_TRUE(config->conformance_enabled);
}

TEST(ServerConfigTest, RefusalsNameTheKey) {
  struct Case {
    const char* toml;
    const char* message_part;
  };
  for (const Case& c : {
           Case{"[server]\npublic_listn = \"a:1\"", "server.public_listn: unknown key"},
           Case{"[nope]\na = 1", "nope: unknown table"},
           Case{"[server]\nio_threads = \"4\"", "server.io_threads"},
           Case{"[server]\nmax_connections = 0", "server.max_connections"},
           Case{"[pipeline]\nmax_batch = -1", "pipeline.max_batch"},
           Case{"[server]\nlog_flush_ms = 10001", "server.log_flush_ms"},
           Case{"[server]\npublic_listen = \"localhost\"", "server.public_listen"},
           Case{"[server]\npublic_listen = \"h:70000\"", "server.public_listen"},
           Case{"[webauthn]\norigins = []", "webauthn.origins"},
           Case{"[webauthn]\norigins = [1]", "webauthn.origins"},
           Case{"[rate_limit]\nper_user_rate = -1", "rate_limit.per_user_rate"},
           Case{"[trusted_backend]\nenabled = true", "trusted_backend.secret_file"},
           Case{"[server\n", "line 1"},
           Case{"[metadata]\nblob_file = \"mds.jwt\"", "metadata.blob_file and metadata.root_file"},
           Case{"[metadata]\nroot = \"r.pem\"", "metadata.root: unknown key"},
       }) {
    auto config = ParseServerConfig(c.toml);
    ASSERT_FALSE(config.has_value()) << c.toml;
    EXPECT_NE(config.error().message().find(c.message_part), std::string_view::npos)
        << c.toml << " -> " << config.error().message();
  }
}

TEST(ServerConfigTest, ReadsTheMetadataFiles) {
  auto config = ParseServerConfig("[metadata]\nblob_file = \"/etc/keystorm/mds.jwt\"\n"
                                  "root_file = \"/etc/keystorm/mds-root.pem\"\n");
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->metadata_blob_file, "/etc/keystorm/mds.jwt");
  EXPECT_EQ(config->metadata_root_file, "/etc/keystorm/mds-root.pem");
}

TEST(ServerConfigTest, DataPathsResolveUnderTheDataDir) {
  ServerConfig config;
  config.data_dir = "/var/lib/keystorm";
  EXPECT_EQ(ResolveDataPath(config, "store"), "/var/lib/keystorm/store");
  EXPECT_EQ(ResolveDataPath(config, "/etc/keystorm/key"), "/etc/keystorm/key");
  EXPECT_EQ(ResolveDataPath(config, ""), "");
}

}  // namespace
}  // namespace keystorm::server
