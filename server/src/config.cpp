#include "guildhall/server/config.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <sstream>
#include <variant>

#include <toml++/toml.h>

#include "guildhall/federation/policy.hpp"

extern char** environ;

namespace guildhall::server {

namespace {

using Value = std::variant<std::string, std::int64_t, bool>;

struct KeyBinding {
  ConfigKey key;
  std::function<void(Config&, const Value&)> set;
  std::function<Value(const Config&)> get;
};

std::string env_name(const std::string& path) {
  std::string name = "GUILDHALL_";
  for (char c : path)
    name += c == '.' ? '_' : static_cast<char>(std::toupper(c));
  return name;
}

// `access` is a generic lambda returning a reference to the field, for const and non-const Config.
template <typename Access>
KeyBinding key(std::string path, Access access, std::string summary) {
  using T = std::remove_cvref_t<decltype(access(std::declval<Config&>()))>;
  static_assert(std::is_same_v<T, bool> || std::is_integral_v<T> || std::is_same_v<T, std::string>);
  const std::string type = std::is_same_v<T, bool> ? "bool"
                           : std::is_integral_v<T> ? "integer"
                                                   : "string";
  return {ConfigKey{path, env_name(path), type, std::move(summary)},
          [access](Config& c, const Value& v) {
            if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::string>)
              access(c) = std::get<T>(v);
            else
              access(c) = static_cast<T>(std::get<std::int64_t>(v));
          },
          [access](const Config& c) -> Value {
            if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::string>)
              return access(c);
            else
              return static_cast<std::int64_t>(access(c));
          }};
}

#define GUILDHALL_FIELD(expr) \
  [](auto& c) -> auto& {      \
    return c.expr;            \
  }

// The one list of configuration keys. docs/configuration.md documents each of them.
const std::vector<KeyBinding>& bindings() {
  static const std::vector<KeyBinding> all = {
      key("domain", GUILDHALL_FIELD(domain),
          "Public host[:port] of this instance, used in every ActivityPub id. Never change it "
          "once federating."),
      key("listen", GUILDHALL_FIELD(listen),
          "Address and port the HTTP server binds, e.g. 127.0.0.1:8080."),
      key("database_url", GUILDHALL_FIELD(database_url),
          "sqlite:PATH or postgresql://...; empty means sqlite:<data_dir>/guildhall.db."),
      key("data_dir", GUILDHALL_FIELD(data_dir),
          "Directory for the SQLite database and local files."),
      key("log_level", GUILDHALL_FIELD(log_level),
          "trace, debug, info, warn, error, critical or off."),
      key("instance.name", GUILDHALL_FIELD(instance.name),
          "Display name of the instance (NodeInfo, instance API)."),
      key("instance.description", GUILDHALL_FIELD(instance.description),
          "Short description shown to visitors and peers."),
      key("instance.open_registrations", GUILDHALL_FIELD(instance.open_registrations),
          "Whether anyone may sign up (otherwise admins create accounts)."),
      key("http.threads", GUILDHALL_FIELD(http.threads),
          "HTTP I/O threads; 0 means one per CPU core."),
      key("http.body_limit", GUILDHALL_FIELD(http.body_limit),
          "Largest request body accepted, in bytes."),
      key("http.header_limit", GUILDHALL_FIELD(http.header_limit),
          "Largest request header block accepted, in bytes."),
      key("http.request_timeout_seconds", GUILDHALL_FIELD(http.request_timeout_seconds),
          "Time allowed to receive one request (headers and body)."),
      key("http.idle_timeout_seconds", GUILDHALL_FIELD(http.idle_timeout_seconds),
          "How long an idle keep-alive connection is kept open."),
      key("http.shutdown_drain_seconds", GUILDHALL_FIELD(http.shutdown_drain_seconds),
          "On SIGTERM/SIGINT, how long in-flight requests may take to finish."),
      key("http.max_streams", GUILDHALL_FIELD(http.max_streams),
          "Most streaming API connections (WebSocket and SSE) open at once; beyond: 503."),
      key("database.pool_size", GUILDHALL_FIELD(database.pool_size),
          "Database connections (PostgreSQL) and blocking worker threads."),
      key("database.busy_timeout_ms", GUILDHALL_FIELD(database.busy_timeout_ms),
          "SQLite: how long a write waits for the database lock."),
      key("federation.mode", GUILDHALL_FIELD(federation.mode),
          "open, blocklist or allowlist: which instances we federate with."),
      key("federation.allow_http", GUILDHALL_FIELD(federation.allow_http),
          "Development only: use http:// for our ids and accept http:// peers."),
      key("federation.allow_private_addresses", GUILDHALL_FIELD(federation.allow_private_addresses),
          "Tests only: let outgoing requests reach loopback and private addresses."),
      key("web.root", GUILDHALL_FIELD(web.root),
          "Directory of the built web app served at / (index.html, assets/)."),
      key("federation.authorized_fetch", GUILDHALL_FIELD(federation.authorized_fetch),
          "Require a valid HTTP signature from an instance we federate with on ActivityPub GETs "
          "of actors, posts and collections."),
      key("oauth.password_grant", GUILDHALL_FIELD(oauth.password_grant),
          "Development and tests only: allow the OAuth password grant at /oauth/token."),
      key("media.dir", GUILDHALL_FIELD(media.dir),
          "Directory of uploaded media files; empty means <data_dir>/media."),
      key("media.max_image_bytes", GUILDHALL_FIELD(media.max_image_bytes),
          "Largest image upload (JPEG, PNG, GIF, WebP) accepted, in bytes."),
      key("media.max_file_bytes", GUILDHALL_FIELD(media.max_file_bytes),
          "Largest video, audio or PDF upload accepted, in bytes."),
      key("media.max_pixels", GUILDHALL_FIELD(media.max_pixels),
          "Most pixels (width x height) an uploaded image may have; larger ones are refused "
          "before decoding."),
  };
  return all;
}
#undef GUILDHALL_FIELD

const KeyBinding* find_by_path(std::string_view path) {
  for (const auto& b : bindings())
    if (b.key.path == path)
      return &b;
  return nullptr;
}

const KeyBinding* find_by_env(std::string_view name) {
  for (const auto& b : bindings())
    if (b.key.env == name)
      return &b;
  return nullptr;
}

core::Error invalid(std::string message) {
  return core::Error::invalid_input(std::move(message));
}

core::Result<Value> from_toml(const KeyBinding& b, const toml::node& node, std::string_view where) {
  const auto& type = b.key.type;
  if (type == "bool" && node.is_boolean())
    return Value{node.as_boolean()->get()};
  if (type == "integer" && node.is_integer())
    return Value{node.as_integer()->get()};
  if (type == "string" && node.is_string())
    return Value{node.as_string()->get()};
  return invalid(std::string(where) + ": '" + b.key.path + "' must be a " + type);
}

core::Result<Value> from_env(const KeyBinding& b, const std::string& text) {
  const auto& type = b.key.type;
  if (type == "string")
    return Value{text};
  if (type == "bool") {
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (lower == "true" || lower == "1" || lower == "yes" || lower == "on")
      return Value{true};
    if (lower == "false" || lower == "0" || lower == "no" || lower == "off")
      return Value{false};
    return invalid(b.key.env + ": expected true or false, got '" + text + "'");
  }
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size())
    return invalid(b.key.env + ": expected an integer, got '" + text + "'");
  return Value{v};
}

// "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:80" -> address and port.
bool split_listen(std::string_view s, std::string& address, std::uint16_t& port) {
  auto colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return false;
  auto host = s.substr(0, colon);
  auto port_text = s.substr(colon + 1);
  if (host.front() == '[') {
    if (host.back() != ']')
      return false;
    host = host.substr(1, host.size() - 2);
  }
  unsigned p = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), p);
  if (port_text.empty() || ec != std::errc{} || ptr != port_text.data() + port_text.size() ||
      p > 65535)
    return false;
  address = std::string(host);
  port = static_cast<std::uint16_t>(p);
  return !address.empty();
}

core::Result<void> validate(const Config& c) {
  if (!federation::is_valid_host(c.domain))
    return invalid("domain: '" + c.domain +
                   "' must be a lowercase host name with an optional :port, without scheme or path "
                   "(e.g. guild.example.com)");
  std::string address;
  std::uint16_t port = 0;
  if (!split_listen(c.listen, address, port))
    return invalid("listen: '" + c.listen + "' must be ADDRESS:PORT, e.g. 127.0.0.1:8080");
  const auto url = c.effective_database_url();
  if (!url.starts_with("sqlite:") && !url.starts_with("postgresql://") &&
      !url.starts_with("postgres://"))
    return invalid("database_url: '" + url + "' must start with sqlite: or postgresql://");
  if (url == "sqlite:")
    return invalid("database_url: sqlite: needs a path");
  if (c.data_dir.empty())
    return invalid("data_dir: must not be empty");
  static const char* levels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (std::none_of(std::begin(levels), std::end(levels),
                   [&](const char* l) { return c.log_level == l; }))
    return invalid("log_level: '" + c.log_level +
                   "' must be one of trace, debug, info, warn, error, critical, off");
  if (c.instance.name.empty() || c.instance.name.size() > 100)
    return invalid("instance.name: must be 1 to 100 characters");
  if (c.http.threads < 0 || c.http.threads > 256)
    return invalid("http.threads: must be between 0 and 256");
  if (c.http.body_limit < 1024 || c.http.body_limit > (1LL << 30))
    return invalid("http.body_limit: must be between 1024 and 1073741824 bytes");
  if (c.http.header_limit < 1024 || c.http.header_limit > (1 << 20))
    return invalid("http.header_limit: must be between 1024 and 1048576 bytes");
  if (c.http.request_timeout_seconds < 1 || c.http.request_timeout_seconds > 3600)
    return invalid("http.request_timeout_seconds: must be between 1 and 3600");
  if (c.http.idle_timeout_seconds < 1 || c.http.idle_timeout_seconds > 3600)
    return invalid("http.idle_timeout_seconds: must be between 1 and 3600");
  if (c.http.shutdown_drain_seconds < 0 || c.http.shutdown_drain_seconds > 600)
    return invalid("http.shutdown_drain_seconds: must be between 0 and 600");
  if (c.http.max_streams < 1 || c.http.max_streams > 1'000'000)
    return invalid("http.max_streams: must be between 1 and 1000000");
  if (federation::FederationMode mode; !federation::parse(c.federation.mode, mode))
    return invalid("federation.mode: '" + c.federation.mode +
                   "' must be one of open, blocklist, allowlist");
  if (c.database.pool_size < 1 || c.database.pool_size > 256)
    return invalid("database.pool_size: must be between 1 and 256");
  if (c.database.busy_timeout_ms < 0 || c.database.busy_timeout_ms > 600000)
    return invalid("database.busy_timeout_ms: must be between 0 and 600000");
  if (c.media.max_image_bytes < 1024 || c.media.max_image_bytes > (1LL << 30))
    return invalid("media.max_image_bytes: must be between 1024 and 1073741824 bytes");
  if (c.media.max_file_bytes < 1024 || c.media.max_file_bytes > (1LL << 32))
    return invalid("media.max_file_bytes: must be between 1024 and 4294967296 bytes");
  if (c.media.max_pixels < 1 || c.media.max_pixels > 500'000'000)
    return invalid("media.max_pixels: must be between 1 and 500000000");
  return {};
}

core::Result<void> apply_table(Config& config, const toml::table& table, std::string_view source,
                               const std::string& prefix) {
  for (const auto& [raw_key, node] : table) {
    const std::string path =
        prefix.empty() ? std::string(raw_key.str()) : prefix + "." + std::string(raw_key.str());
    if (node.is_table() && prefix.empty() && !find_by_path(path)) {
      if (auto r = apply_table(config, *node.as_table(), source, path); !r)
        return r;
      continue;
    }
    const KeyBinding* b = find_by_path(path);
    if (!b)
      return invalid(std::string(source) + ": unknown key '" + path + "'");
    auto value = from_toml(*b, node, source);
    if (!value)
      return std::move(value).error();
    b->set(config, *value);
  }
  return {};
}

}  // namespace

std::string Config::effective_database_url() const {
  if (!database_url.empty())
    return database_url;
  return "sqlite:" + data_dir + "/guildhall.db";
}

std::string Config::media_directory() const {
  if (!media.dir.empty())
    return media.dir;
  return data_dir + "/media";
}

std::string Config::scheme() const {
  return federation.allow_http ? "http" : "https";
}

std::string Config::public_origin() const {
  return scheme() + "://" + domain;
}

std::string Config::listen_address() const {
  std::string address;
  std::uint16_t port = 0;
  split_listen(listen, address, port);
  return address;
}

std::uint16_t Config::listen_port() const {
  std::string address;
  std::uint16_t port = 0;
  split_listen(listen, address, port);
  return port;
}

const std::vector<ConfigKey>& config_keys() {
  static const std::vector<ConfigKey> keys = [] {
    std::vector<ConfigKey> out;
    for (const auto& b : bindings())
      out.push_back(b.key);
    return out;
  }();
  return keys;
}

Environment process_environment() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    if (!entry.starts_with("GUILDHALL_"))
      continue;
    auto eq = entry.find('=');
    if (eq == std::string_view::npos)
      continue;
    env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return env;
}

core::Result<Config> load_config_from_string(std::string_view toml_text, const Environment& env,
                                             std::string_view source_name) {
  Config config;
  toml::table table;
  try {
    table = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << source_name << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
        << e.description();
    return invalid(msg.str());
  }
  if (auto r = apply_table(config, table, source_name, ""); !r)
    return std::move(r).error();

  for (const auto& [name, text] : env) {
    // GUILDHALL_CONFIG names the file; GUILDHALL_TEST_* belong to the test harness.
    if (!name.starts_with("GUILDHALL_") || name == "GUILDHALL_CONFIG" ||
        name.starts_with("GUILDHALL_TEST_"))
      continue;
    const KeyBinding* b = find_by_env(name);
    if (!b)
      return invalid("environment: unknown variable " + name + " (see docs/configuration.md)");
    auto value = from_env(*b, text);
    if (!value)
      return std::move(value).error();
    b->set(config, *value);
  }
  if (auto r = validate(config); !r)
    return std::move(r).error();
  return config;
}

core::Result<Config> load_config(const std::optional<std::string>& path, const Environment& env) {
  if (!path)
    return load_config_from_string("", env, "defaults");
  std::ifstream in(*path, std::ios::binary);
  if (!in)
    return invalid("cannot read configuration file '" + *path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return load_config_from_string(text.str(), env, *path);
}

std::string to_toml(const Config& config) {
  toml::table root;
  for (const auto& b : bindings()) {
    const Value v = b.get(config);
    const auto dot = b.key.path.find('.');
    toml::table* target = &root;
    std::string key = b.key.path;
    if (dot != std::string::npos) {
      const auto section = b.key.path.substr(0, dot);
      key = b.key.path.substr(dot + 1);
      if (!root.contains(section))
        root.insert(section, toml::table{});
      target = root[section].as_table();
    }
    std::visit([&](const auto& x) { target->insert(key, x); }, v);
  }
  std::ostringstream out;
  out << root;
  return out.str();
}

}  // namespace guildhall::server
