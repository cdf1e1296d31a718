#include "guildhall/server/http/request.hpp"

#include <stdexcept>

#include <boost/url/encoding_opts.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "guildhall/server/http/native.hpp"

namespace guildhall::server::http {

namespace {

// "types[]" and "types" are the same list.
std::string_view bare_key(std::string_view key) {
  if (key.size() > 2 && key.ends_with("[]"))
    key.remove_suffix(2);
  return key;
}

// Clients and browsers send `types[]=x` and the like unencoded although RFC 3986 wants "%5B%5D":
// escape the characters that are harmless in practice, so that strict parsing can accept them.
std::string escape_lenient(std::string_view target) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(target.size() + 16);
  for (char c : target) {
    switch (c) {
      case '[':
      case ']':
      case '{':
      case '}':
      case '|':
      case '^':
      case '`':
      case '"':
      case '<':
      case '>':
      case '\\':
        out += '%';
        out += kHex[static_cast<unsigned char>(c) >> 4];
        out += kHex[static_cast<unsigned char>(c) & 0xf];
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::optional<std::string_view> QueryParams::get(std::string_view key) const {
  key = bare_key(key);
  for (const auto& [k, v] : items_)
    if (k == key)
      return std::string_view(v);
  return std::nullopt;
}

std::vector<std::string_view> QueryParams::all(std::string_view key) const {
  key = bare_key(key);
  std::vector<std::string_view> out;
  for (const auto& [k, v] : items_)
    if (k == key)
      out.emplace_back(v);
  return out;
}

bool QueryParams::contains(std::string_view key) const {
  return get(key).has_value();
}

void QueryParams::add(std::string key, std::string value) {
  if (auto bare = bare_key(key); bare.size() != key.size())
    key.resize(bare.size());
  items_.emplace_back(std::move(key), std::move(value));
}

Request::Request() : native_(std::make_unique<NativeRequest>()) {}
Request::~Request() = default;
Request::Request(Request&&) noexcept = default;
Request& Request::operator=(Request&&) noexcept = default;

core::Result<Request> Request::from_native(std::unique_ptr<NativeRequest> native) {
  Request req;
  req.native_ = std::move(native);
  const auto raw = req.native_->message.target();
  const std::string_view target(raw.data(), raw.size());
  auto parsed = boost::urls::parse_origin_form(target);
  std::string escaped;  // owns the characters `parsed` points at in the lenient case
  if (!parsed) {
    escaped = escape_lenient(target);
    if (escaped.size() != target.size())
      parsed = boost::urls::parse_origin_form(escaped);
    if (!parsed)
      return core::Error::invalid_input("malformed request target");
  }
  const boost::urls::url_view& url = *parsed;

  req.path_ = url.path();
  for (auto segment : url.segments())
    req.segments_.push_back(segment);
  // "/a/" names the same resource as "/a".
  if (!req.segments_.empty() && req.segments_.back().empty())
    req.segments_.pop_back();

  if (url.has_query()) {
    // Forms and most clients encode spaces as '+'.
    for (auto param : url.params(boost::urls::encoding_opts(true))) {
      if (param.key.empty() && !param.has_value)
        continue;  // "a=1&&b=2"
      req.query_.add(std::move(param.key), std::move(param.value));
    }
  }
  return req;
}

Request Request::make(Verb method, std::string_view target, std::string body,
                      const std::vector<std::pair<std::string, std::string>>& headers) {
  auto native = std::make_unique<NativeRequest>();
  auto& msg = native->message;
  msg.method(method);
  msg.target(target);
  msg.version(11);
  for (const auto& [name, value] : headers)
    msg.insert(name, value);
  msg.body() = std::move(body);
  auto result = from_native(std::move(native));
  if (!result)
    throw std::invalid_argument("not an origin-form target: " + std::string(target));
  return std::move(result).value();
}

Verb Request::method() const {
  return native_->message.method();
}

std::string_view Request::method_string() const {
  auto s = native_->message.method_string();
  return {s.data(), s.size()};
}

std::string_view Request::target() const {
  auto s = native_->message.target();
  return {s.data(), s.size()};
}

std::optional<std::string_view> Request::header(std::string_view name) const {
  const auto& fields = native_->message.base();
  auto it = fields.find(boost::beast::string_view(name.data(), name.size()));
  if (it == fields.end())
    return std::nullopt;
  auto v = it->value();
  return std::string_view(v.data(), v.size());
}

const std::string& Request::body() const {
  return native_->message.body();
}
std::string& Request::body() {
  return native_->message.body();
}
unsigned Request::version() const {
  return native_->message.version();
}
bool Request::keep_alive() const {
  return native_->message.keep_alive();
}

std::string_view Request::param(std::string_view name) const {
  for (const auto& [k, v] : params_)
    if (k == name)
      return v;
  return {};
}

}  // namespace guildhall::server::http
