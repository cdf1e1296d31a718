// The web app: the built single-page app (web/dist, `web.root`) served at `/`, plus the fallback
// that answers the app's client-side routes (/communities, /settings, /@alice) with index.html.
//
// The files are read into memory once at startup: requests never touch the file system, so no
// request path can reach outside the web root (only the files found there exist), and no blocking
// I/O runs on the I/O threads. Rebuilding the app therefore needs a restart.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "guildhall/federation/discovery/negotiation.hpp"

#include "../app_context.hpp"

namespace guildhall::server::routes {

using http::Request;
using http::Response;
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

// Vite writes content-hashed file names under assets/: they never change, so caches keep them.
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";
constexpr std::string_view kAssetsPrefix = "/assets/";
// Larger files are not web app assets; they are skipped with a warning.
constexpr std::uintmax_t kMaxFileSize = 16u << 20;
constexpr std::uintmax_t kMaxTotalSize = 128u << 20;

// Same-origin only: the app loads nothing from elsewhere except images of remote posts.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data: blob:; "
    "media-src 'self' https:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

// Paths that belong to the server's APIs and ActivityPub: never answered with the app's page.
constexpr std::array<std::string_view, 12> kServerPrefixes = {
    "/api",   "/oauth",  "/.well-known", "/users",    "/c",   "/inbox",
    "/actor", "/health", "/metrics",     "/nodeinfo", "/web", "/media"};

struct StaticFile {
  std::string body;
  std::string content_type;
  std::string etag;
  std::string last_modified;
  bool immutable = false;
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string extension_of(std::string_view path) {
  const auto slash = path.rfind('/');
  const auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const auto dot = name.rfind('.');
  return dot == std::string_view::npos ? std::string() : lower(name.substr(dot + 1));
}

std::string content_type_for(std::string_view path) {
  static const std::map<std::string, std::string, std::less<>> types = {
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json; charset=utf-8"},
      {"map", "application/json; charset=utf-8"},
      {"webmanifest", "application/manifest+json; charset=utf-8"},
      {"txt", "text/plain; charset=utf-8"},
      {"xml", "application/xml; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"avif", "image/avif"},
      {"ico", "image/x-icon"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"ttf", "font/ttf"},
      {"wasm", "application/wasm"},
  };
  const auto it = types.find(extension_of(path));
  return it == types.end() ? "application/octet-stream" : it->second;
}

// A request for a file (an extension we serve) that does not exist is a 404, not the app's page:
// a stale hashed asset must not come back as HTML. "/@bob@host.example" is not a file.
bool looks_like_file(std::string_view path) {
  if (path.starts_with(kAssetsPrefix))
    return true;
  const auto ext = extension_of(path);
  return !ext.empty() && content_type_for(path) != "application/octet-stream";
}

bool is_server_path(std::string_view path) {
  return std::any_of(kServerPrefixes.begin(), kServerPrefixes.end(), [&](std::string_view p) {
    return path == p || (path.starts_with(p) && path.size() > p.size() && path[p.size()] == '/');
  });
}

// ActivityPub peers and JSON clients ask for JSON; they get 404 JSON, never the app's HTML.
bool wants_json(std::optional<std::string_view> accept) {
  if (!accept || lower(*accept).find("json") == std::string::npos)
    return false;
  return federation::discovery::negotiate(accept) ==
         federation::discovery::Representation::activity_json;
}

// "." and ".." segments (also percent-encoded: the router's path is decoded), hidden files
// (".env"; they are never loaded either), backslashes and NULs are refused before any lookup.
bool is_safe_path(const Request& req) {
  const auto& path = req.path();
  if (path.find('\\') != std::string::npos || path.find('\0') != std::string::npos)
    return false;
  return std::none_of(req.segments().begin(), req.segments().end(),
                      [](const std::string& s) { return s.starts_with('.'); });
}

std::string etag_of(std::string_view body) {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a 64: stable across runs and builds
  for (unsigned char c : body) {
    h ^= c;
    h *= 1099511628211ull;
  }
  std::ostringstream out;
  out << '"' << std::hex << h << '-' << body.size() << '"';
  return out.str();
}

std::string http_date(fs::file_time_type t) {
  const auto sys = std::chrono::file_clock::to_sys(t);
  const std::time_t tt = std::chrono::system_clock::to_time_t(
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(sys));
  std::tm tm{};
  gmtime_r(&tt, &tm);
  std::array<char, 64> buf{};
  const auto n = std::strftime(buf.data(), buf.size(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buf.data(), n);
}

class Site {
 public:
  explicit Site(const std::string& root) { load(root); }

  const StaticFile* find(const std::string& path) const {
    const auto it = files_.find(path);
    return it == files_.end() ? nullptr : &it->second;
  }
  const StaticFile* index() const { return find("/index.html"); }
  std::size_t size() const { return files_.size(); }

 private:
  void load(const std::string& root) {
    std::error_code ec;
    if (!fs::is_directory(root, ec))
      return;
    std::uintmax_t total = 0;
    // Symbolic links are not followed: nothing outside the root is ever read.
    for (auto it = fs::recursive_directory_iterator(
             root, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const auto name = it->path().filename().string();
      if (name.starts_with('.')) {
        if (it->is_directory(ec))
          it.disable_recursion_pending();
        continue;
      }
      if (it->is_symlink(ec) || !it->is_regular_file(ec))
        continue;
      const auto size = it->file_size(ec);
      if (ec || size > kMaxFileSize || total + size > kMaxTotalSize) {
        spdlog::warn("web app: skipping {} (too large)", it->path().string());
        continue;
      }
      std::ifstream in(it->path(), std::ios::binary);
      std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (!in.good() && !in.eof())
        continue;
      total += body.size();
      const auto path = "/" + it->path().lexically_relative(root).generic_string();
      StaticFile file;
      file.content_type = content_type_for(path);
      file.etag = etag_of(body);
      file.last_modified = http_date(it->last_write_time(ec));
      file.immutable = path.starts_with(kAssetsPrefix);
      file.body = std::move(body);
      files_.emplace(path, std::move(file));
    }
  }

  std::map<std::string, StaticFile, std::less<>> files_;
};

bool not_modified(const Request& req, const StaticFile& file) {
  const auto inm = req.header("If-None-Match");
  if (!inm)
    return false;
  return inm->find(file.etag) != std::string_view::npos || *inm == "*";
}

Response serve(const Request& req, const StaticFile& file) {
  Response res;
  res.status = not_modified(req, file) ? 304 : 200;
  if (res.status == 200)
    res.body = file.body;
  res.set_header("Content-Type", file.content_type);
  res.set_header("Cache-Control", std::string(file.immutable ? kImmutable : kRevalidate));
  res.set_header("ETag", file.etag);
  res.set_header("Last-Modified", file.last_modified);
  res.set_header("X-Content-Type-Options", "nosniff");
  if (file.content_type.starts_with("text/html")) {
    res.set_header("Content-Security-Policy", std::string(kContentSecurityPolicy));
    res.set_header("Referrer-Policy", "same-origin");
    res.set_header("X-Frame-Options", "DENY");
  }
  return res;
}

Response not_found() {
  return Response::error(404, "Record not found");
}

}  // namespace

void register_web(http::Router& router, AppContext& app) {
  auto site = std::make_shared<const Site>(app.config.web.root);
  if (!site->index()) {
    spdlog::warn(
        "web app: no index.html in '{}' (web.root); / answers JSON. Build it with "
        "scripts/build.sh (needs Node.js), or set web.root",
        app.config.web.root);
  } else {
    spdlog::info("web app: {} files from '{}'", site->size(), app.config.web.root);
  }

  router.get(
      "/",
      [site, &app](Request& req) -> asio::awaitable<Response> {
        if (const auto* index = site->index())
          co_return serve(req, *index);
        co_return Response::json(200, {{"name", app.config.instance.name},
                                       {"software", "guildhall"},
                                       {"version", GUILDHALL_VERSION},
                                       {"web_app", "not installed"}});
      },
      "web_index");

  router.set_fallback(
      [site](Request& req) -> asio::awaitable<Response> {
        if (!is_safe_path(req))
          co_return not_found();
        if (const auto* file = site->find(req.path()))
          co_return serve(req, *file);
        const auto* index = site->index();
        if (!index || is_server_path(req.path()) || looks_like_file(req.path()) ||
            wants_json(req.header("Accept"))) {
          auto res = not_found();
          res.set_header("Vary", "Accept");
          co_return res;
        }
        // A client-side route of the app: its page, which routes in the browser.
        auto res = serve(req, *index);
        res.set_header("Vary", "Accept");
        co_return res;
      },
      "web");
}

}  // namespace guildhall::server::routes
