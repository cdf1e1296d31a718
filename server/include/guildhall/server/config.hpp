#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "guildhall/core/result.hpp"

namespace guildhall::server {

struct FederationConfig {
  // open | blocklist | allowlist: see docs/configuration.md and federation/policy.hpp.
  std::string mode = "open";
  // Plain http:// to peers and in our own ids. Only for development and loopback tests.
  bool allow_http = false;
  // Lets the egress client reach loopback/private addresses. Only for tests on one machine.
  bool allow_private_addresses = false;
  // Signed GETs only (Mastodon's secure mode): see docs/FEDERATION.md, "Authorized fetch".
  bool authorized_fetch = false;
};

struct HttpConfig {
  int threads = 0;  // I/O threads; 0 = one per core
  std::int64_t body_limit = 1 << 20;
  std::int64_t header_limit = 8 << 10;
  int request_timeout_seconds = 30;
  int idle_timeout_seconds = 60;
  int shutdown_drain_seconds = 10;
  int max_streams = 10000;  // open streaming connections (WebSocket and SSE) at once
};

struct DatabaseConfig {
  int pool_size = 8;           // PostgreSQL connections / blocking worker threads
  int busy_timeout_ms = 5000;  // SQLite: how long a writer waits for the lock
};

struct InstanceConfig {
  std::string name = "Guildhall";
  std::string description;
  bool open_registrations = false;
};

struct WebConfig {
  // The built web app (web/dist): index.html and assets/. Relative paths are resolved against the
  // working directory. When it holds no index.html, `/` answers a JSON description instead.
  std::string root = "web/dist";
};

struct MediaConfig {
  // Where uploaded files are kept; empty: <data_dir>/media. Relative paths are resolved against
  // the working directory.
  std::string dir;
  std::int64_t max_image_bytes = 16 << 20;  // an image as uploaded (JPEG, PNG, GIF, WebP)
  std::int64_t max_file_bytes = 40 << 20;   // video, audio, PDF (stored as sent)
  std::int64_t max_pixels = 33'177'600;     // width x height of an image (7680x4320)
};

struct OAuthConfig {
  // The OAuth password grant (username + password at /oauth/token), for scripted clients in
  // development and tests only: Mastodon removed it in 4.3.
  bool password_grant = false;
};

struct Config {
  std::string domain = "localhost:8080";
  std::string listen = "127.0.0.1:8080";
  std::string database_url;  // empty: sqlite:<data_dir>/guildhall.db
  std::string data_dir = "data";
  std::string log_level = "info";
  InstanceConfig instance;
  HttpConfig http;
  DatabaseConfig database;
  FederationConfig federation;
  WebConfig web;
  OAuthConfig oauth;
  MediaConfig media;

  // The database URL with the default applied.
  std::string effective_database_url() const;
  // media.dir with the default applied.
  std::string media_directory() const;
  // "https" unless federation.allow_http is set, in which case "http".
  std::string scheme() const;
  // The public origin used in every ActivityPub id, e.g. "https://guild.example.com".
  std::string public_origin() const;
  std::string listen_address() const;  // "127.0.0.1", "::1"
  std::uint16_t listen_port() const;
};

// One configurable key: where it lives, its environment variable, and its documentation.
struct ConfigKey {
  std::string path;     // "domain", "federation.allow_http"
  std::string env;      // "GUILDHALL_DOMAIN", "GUILDHALL_FEDERATION_ALLOW_HTTP"
  std::string type;     // "string", "bool", "integer"
  std::string summary;  // one line for docs and `config check`
};
const std::vector<ConfigKey>& config_keys();

using Environment = std::map<std::string, std::string>;
Environment process_environment();

// Reads the TOML file (if given), then applies GUILDHALL_* environment overrides, then validates.
// Unknown keys, wrong types and invalid values are errors naming the key and its source.
core::Result<Config> load_config(const std::optional<std::string>& path, const Environment& env);
core::Result<Config> load_config_from_string(std::string_view toml_text, const Environment& env,
                                             std::string_view source_name = "config");

// The effective configuration as TOML (what `guildhall config check` prints).
std::string to_toml(const Config& config);

}  // namespace guildhall::server
