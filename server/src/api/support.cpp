#include "support.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>

#include <openssl/evp.h>

#include "guildhall/core/clock.hpp"
#include "guildhall/core/id.hpp"

namespace guildhall::server::api {

namespace {

// Bounds on what a client may send as parameters: keys, nesting and count.
constexpr std::size_t kMaxParams = 1000;
constexpr std::size_t kMaxKeyDepth = 4;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// "poll[options][]" -> {"poll", "options", ""}; an empty segment means "append to an array".
std::vector<std::string> key_path(std::string_view key) {
  std::vector<std::string> out;
  const auto open = key.find('[');
  out.emplace_back(key.substr(0, open));
  if (open == std::string_view::npos)
    return out;
  std::size_t i = open;
  while (i < key.size() && key[i] == '[') {
    const auto close = key.find(']', i);
    if (close == std::string_view::npos)
      break;
    out.emplace_back(key.substr(i + 1, close - i - 1));
    i = close + 1;
  }
  return out;
}

// Sets params[path] = value the Rails way; silently ignores shapes that contradict earlier keys.
void assign(json& root, std::string_view key, std::string value) {
  const auto path = key_path(key);
  if (path.empty() || path.front().empty() || path.size() > kMaxKeyDepth)
    return;
  json* node = &root;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const bool last = i + 1 == path.size();
    const bool next_is_array = !last && path[i + 1].empty();
    if (path[i].empty()) {  // "[]"
      if (!node->is_array())
        return;
      if (last) {
        node->push_back(std::move(value));
        return;
      }
      node->push_back(json::object());
      node = &node->back();
      continue;
    }
    if (!node->is_object())
      return;
    if (last) {
      (*node)[path[i]] = std::move(value);
      return;
    }
    json& child = (*node)[path[i]];
    if (child.is_null())
      child = next_is_array ? json::array() : json::object();
    node = &child;
  }
}

core::Result<void> parse_form(json& out, std::string_view body) {
  std::size_t count = 0;
  std::size_t start = 0;
  while (start <= body.size()) {
    auto end = body.find('&', start);
    if (end == std::string_view::npos)
      end = body.size();
    const auto pair = body.substr(start, end - start);
    if (!pair.empty()) {
      if (++count > kMaxParams)
        return core::Error::invalid_input("too many parameters");
      const auto eq = pair.find('=');
      const std::string k = form_decode(pair.substr(0, eq));
      const std::string v = eq == std::string_view::npos ? "" : form_decode(pair.substr(eq + 1));
      assign(out, k, v);
    }
    start = end + 1;
  }
  return {};
}

std::optional<std::string> header_param(std::string_view header, std::string_view name) {
  const std::string lowered = lower(header);
  const std::string needle = std::string(name) + "=";
  std::size_t pos = 0;
  while ((pos = lowered.find(needle, pos)) != std::string::npos) {
    if (pos == 0 || lowered[pos - 1] == ' ' || lowered[pos - 1] == ';') {
      std::string_view rest = header.substr(pos + needle.size());
      if (!rest.empty() && rest.front() == '"') {
        const auto close = rest.find('"', 1);
        return std::string(
            rest.substr(1, close == std::string_view::npos ? rest.size() - 1 : close - 1));
      }
      return std::string(rest.substr(0, rest.find(';')));
    }
    pos += needle.size();
  }
  return std::nullopt;
}

// The parts of a multipart/form-data body (RFC 7578), in order: `part(name, filename, content)`
// with filename nullopt for a plain field.
using PartVisitor = std::function<void(
    const std::string& name, const std::optional<std::string>& filename, std::string_view content)>;
core::Result<void> each_part(std::string_view body, std::string_view type,
                             const PartVisitor& part) {
  const auto boundary = header_param(type, "boundary");
  if (!boundary || boundary->empty())
    return core::Error::invalid_input("multipart body without a boundary");
  const std::string delimiter = "--" + *boundary;
  std::size_t pos = body.find(delimiter);
  std::size_t count = 0;
  while (pos != std::string_view::npos) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--")
      return {};
    if (body.substr(pos, 2) == "\r\n")
      pos += 2;
    const auto headers_end = body.find("\r\n\r\n", pos);
    if (headers_end == std::string_view::npos)
      return core::Error::invalid_input("malformed multipart body");
    const auto headers = body.substr(pos, headers_end - pos);
    const auto content_start = headers_end + 4;
    const auto next = body.find("\r\n" + delimiter, content_start);
    if (next == std::string_view::npos)
      return core::Error::invalid_input("malformed multipart body");
    if (++count > kMaxParams)
      return core::Error::invalid_input("too many parameters");
    std::optional<std::string> name;
    std::optional<std::string> filename;
    std::size_t line_start = 0;
    while (line_start < headers.size()) {
      auto line_end = headers.find("\r\n", line_start);
      if (line_end == std::string_view::npos)
        line_end = headers.size();
      const auto line = headers.substr(line_start, line_end - line_start);
      if (lower(line).starts_with("content-disposition:")) {
        name = header_param(line, "name");
        filename = header_param(line, "filename");
      }
      line_start = line_end + 2;
    }
    if (name)
      part(*name, filename, body.substr(content_start, next - content_start));
    pos = next + 2;
  }
  return core::Error::invalid_input("malformed multipart body");
}

// multipart/form-data fields; file parts are read by uploaded_files().
core::Result<void> parse_multipart(json& out, std::string_view body, std::string_view type) {
  return each_part(body, type,
                   [&out](const std::string& name, const std::optional<std::string>& filename,
                          std::string_view content) {
                     if (!filename)
                       assign(out, name, std::string(content));
                   });
}

std::string base64url(const unsigned char* data, std::size_t size) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < size; i += 3) {
    const unsigned v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (i + 1 == size) {
    const unsigned v = data[i] << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
  } else if (i + 2 == size) {
    const unsigned v = (data[i] << 16) | (data[i + 1] << 8);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
  }
  return out;
}

std::array<unsigned char, 32> sha256(std::string_view text) {
  std::array<unsigned char, 32> digest{};
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return digest;
}

}  // namespace

core::Result<json> request_params(const http::Request& req) {
  json params = json::object();
  for (const auto& [key, value] : req.query().items()) {
    // QueryParams strips "[]": a repeated key is a list, a single one a string.
    if (!params.contains(key)) {
      assign(params, key, value);
    } else {
      json& existing = params[key];
      if (!existing.is_array())
        existing = json::array({existing});
      existing.push_back(value);
    }
  }
  const std::string& body = req.body();
  if (body.empty())
    return params;
  const std::string type = lower(req.header("Content-Type").value_or(""));
  if (type.starts_with("application/json")) {
    json parsed = json::parse(body, nullptr, false, true);
    if (parsed.is_discarded() || !parsed.is_object())
      return core::Error::invalid_input("the body is not a JSON object");
    for (auto& [key, value] : parsed.items())
      params[key] = value;
    return params;
  }
  if (type.starts_with("multipart/form-data")) {
    if (auto ok = parse_multipart(params, body, req.header("Content-Type").value_or("")); !ok)
      return std::move(ok).error();
    return params;
  }
  // Clients that omit the type send forms (Mastodon does the same).
  if (auto ok = parse_form(params, body); !ok)
    return std::move(ok).error();
  return params;
}

std::vector<UploadedFile> uploaded_files(const http::Request& req) {
  std::vector<UploadedFile> files;
  const std::string type(req.header("Content-Type").value_or(""));
  if (!lower(type).starts_with("multipart/form-data"))
    return files;
  (void)each_part(req.body(), type,
                  [&files](const std::string& name, const std::optional<std::string>& filename,
                           std::string_view content) {
                    if (filename)
                      files.push_back({name, *filename, content});
                  });
  return files;
}

std::optional<UploadedFile> uploaded_file(const http::Request& req, std::string_view field) {
  for (auto& file : uploaded_files(req))
    if (file.field == field)
      return file;
  return std::nullopt;
}

bool truthy(const json& value) {
  if (value.is_boolean())
    return value.get<bool>();
  if (value.is_number_integer())
    return value.get<std::int64_t>() != 0;
  if (!value.is_string())
    return false;
  const std::string v = lower(value.get<std::string>());
  return v == "true" || v == "1" || v == "on" || v == "yes" || v == "t";
}

std::optional<std::string> string_param(const json& params, std::string_view key) {
  const auto it = params.find(std::string(key));
  if (it == params.end() || it->is_null())
    return std::nullopt;
  if (it->is_string())
    return it->get<std::string>();
  if (it->is_number_integer())
    return std::to_string(it->get<std::int64_t>());
  if (it->is_boolean())
    return it->get<bool>() ? "true" : "false";
  return std::nullopt;
}

std::optional<bool> bool_param(const json& params, std::string_view key) {
  const auto it = params.find(std::string(key));
  if (it == params.end() || it->is_null())
    return std::nullopt;
  return truthy(*it);
}

std::vector<std::string> list_param(const json& params, std::string_view key) {
  std::vector<std::string> out;
  const auto it = params.find(std::string(key));
  if (it == params.end())
    return out;
  if (it->is_array()) {
    for (const auto& v : *it)
      if (v.is_string())
        out.push_back(v.get<std::string>());
      else if (v.is_number_integer())
        out.push_back(std::to_string(v.get<std::int64_t>()));
  } else if (auto s = string_param(params, key)) {
    out.push_back(*s);
  }
  return out;
}

core::Result<std::optional<std::vector<storage::Id>>> id_list_param(const json& params,
                                                                    std::string_view key) {
  if (!params.contains(std::string(key)))
    return std::optional<std::vector<storage::Id>>{};
  std::vector<storage::Id> ids;
  for (const auto& text : list_param(params, key)) {
    if (text.empty())
      continue;  // `media_ids[]=` (an emptied list in a form)
    storage::Id id = 0;
    if (!core::parse_id(text, id))
      return core::Error::invalid_input(std::string(key) + " must be a list of ids");
    ids.push_back(id);
  }
  return std::optional<std::vector<storage::Id>>(std::move(ids));
}

core::Result<PageParams> page_params(const json& params, std::size_t default_limit,
                                     std::size_t max_limit) {
  PageParams out;
  const auto id = [&](std::string_view key) -> core::Result<std::optional<storage::Id>> {
    auto text = string_param(params, key);
    if (!text || text->empty())
      return std::optional<storage::Id>{};
    storage::Id value = 0;
    if (!core::parse_id(*text, value))
      return core::Error::invalid_input(std::string(key) + " must be an id");
    return std::optional<storage::Id>(value);
  };
  auto max_id = id("max_id");
  auto since_id = id("since_id");
  auto min_id = id("min_id");
  if (!max_id || !since_id || !min_id)
    return core::Error::invalid_input("max_id, since_id and min_id must be ids");
  out.page.before = *max_id;
  out.page.after = *since_id;
  if (*min_id) {
    out.page.after = *min_id;
    out.page.oldest_first = true;
    out.reverse = true;
  }
  out.page.limit = default_limit;
  if (auto limit = string_param(params, "limit")) {
    try {
      const long n = std::stol(*limit);
      out.page.limit =
          static_cast<std::size_t>(std::clamp<long>(n, 1, static_cast<long>(max_limit)));
    } catch (const std::exception&) {
      return core::Error::invalid_input("limit must be a number");
    }
  }
  return out;
}

namespace {

// The request's URL on the public origin without the cursor parameters, ready for one more.
std::string link_base(const std::string& origin, const http::Request& req) {
  std::string kept;
  for (const auto& [key, value] : req.query().items()) {
    if (key == "max_id" || key == "min_id" || key == "since_id" || key == "page")
      continue;
    kept += url_encode(key) + "=" + url_encode(value) + "&";
  }
  return origin + req.path() + "?" + kept;
}

}  // namespace

void add_link_header(http::Response& res, const std::string& origin, const http::Request& req,
                     std::optional<storage::Id> newest, std::optional<storage::Id> oldest,
                     bool older_may_exist) {
  if (!newest || !oldest)
    return;
  const std::string base = link_base(origin, req);
  const std::string prev = "<" + base + "min_id=" + core::to_string_id(*newest) + ">; rel=\"prev\"";
  if (!older_may_exist) {
    res.set_header("Link", prev);
    return;
  }
  res.set_header("Link",
                 "<" + base + "max_id=" + core::to_string_id(*oldest) + ">; rel=\"next\", " + prev);
}

void add_page_link_header(http::Response& res, const std::string& origin, const http::Request& req,
                          std::size_t page, bool has_next) {
  const std::string base = link_base(origin, req);
  std::string links;
  if (has_next)
    links = "<" + base + "page=" + std::to_string(page + 1) + ">; rel=\"next\"";
  if (page > 1)
    links += (links.empty() ? "" : ", ") +
             ("<" + base + "page=" + std::to_string(page - 1) + ">; rel=\"prev\"");
  if (!links.empty())
    res.set_header("Link", links);
}

http::Response api_error(int status, std::string_view message) {
  return http::Response::error(status, message);
}

http::Response oauth_error(int status, std::string_view code, std::string_view description) {
  return http::Response::json(status, json{{"error", code}, {"error_description", description}});
}

http::Response from_error(const core::Error& error) {
  if (error.kind == core::ErrorKind::not_found)
    return api_error(404, "Record not found");
  return http::Response::from_error(error);
}

void add_cors_headers(http::Response& res) {
  res.set_header("Access-Control-Allow-Origin", "*");
  res.set_header("Access-Control-Expose-Headers",
                 "Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id");
}

http::Response cors_preflight() {
  http::Response res = http::Response::no_content();
  add_cors_headers(res);
  res.set_header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
  res.set_header("Access-Control-Allow-Headers",
                 "Authorization, Content-Type, Idempotency-Key, Accept");
  res.set_header("Access-Control-Max-Age", "86400");
  return res;
}

RateLimiter::Window& RateLimiter::current(const std::string& client) {
  const auto now = std::chrono::system_clock::now();
  if (windows_.size() > 100000)  // bounded memory: forget every client (budgets restart)
    windows_.clear();
  Window& w = windows_[client];
  if (w.used == 0 || now - w.start >= window_) {
    w.start = now;
    w.used = 0;
  }
  return w;
}

bool RateLimiter::has_budget(const std::string& client) {
  std::lock_guard lock(mutex_);
  return current(client).used < limit_;
}

void RateLimiter::charge(const std::string& client) {
  std::lock_guard lock(mutex_);
  ++current(client).used;
}

bool RateLimiter::admit(const std::string& client, http::Response& out) {
  std::lock_guard lock(mutex_);
  Window& w = current(client);
  ++w.used;
  out.set_header("X-RateLimit-Limit", std::to_string(limit_));
  out.set_header("X-RateLimit-Remaining", std::to_string(std::max(0, limit_ - w.used)));
  out.set_header("X-RateLimit-Reset", core::format_rfc3339(w.start + window_));
  return w.used <= limit_;
}

std::string sha256_hex(std::string_view text) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : sha256(text)) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string pkce_s256(std::string_view verifier) {
  const auto digest = sha256(verifier);
  return base64url(digest.data(), digest.size());
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string client_address(const http::Request& req) {
  const std::string& address = req.remote_address();
  return address.substr(0, address.rfind(':'));
}

std::string url_encode(std::string_view text) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

std::string form_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
               hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace guildhall::server::api
