#include "guildhall/federation/egress/url.hpp"

#include <algorithm>
#include <cctype>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

namespace guildhall::federation::egress {
namespace {

constexpr std::size_t kMaxUrlLength = 4096;

core::Error bad(std::string_view why, std::string_view text) {
  std::string shown(text.substr(0, 200));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
      c = '?';
  }
  return core::Error::invalid_input("invalid URL (" + std::string(why) + "): " + shown);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// True for labels an IPv4 parser (inet_aton, WHATWG) would read as a number: decimal, 0x-hex,
// octal.
bool numeric_label(std::string_view label) {
  if (label.empty())
    return false;
  if (label.size() >= 2 && label[0] == '0' && (label[1] == 'x' || label[1] == 'X')) {
    return std::all_of(label.begin() + 2, label.end(),
                       [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
  }
  return std::all_of(label.begin(), label.end(), is_digit);
}

// A DNS name: LDH labels (plus '_', which real hosts use), 1..63 each, 253 in all. The last label
// must not be numeric, which rules out every non-canonical IPv4 spelling ("127.1", "2130706433",
// "0x7f.0.0.1", "0177.0.0.1", "1.2.3.4.") that Boost.URL leaves as a reg-name.
std::optional<std::string_view> check_name(std::string& host) {
  if (!host.empty() && host.back() == '.')
    host.pop_back();  // "example.com." is "example.com"
  if (host.empty())
    return "empty host";
  if (host.size() > 253)
    return "host too long";
  std::string_view last;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = host.find('.', start);
    const std::string_view label = std::string_view(host).substr(
        start, dot == std::string::npos ? std::string::npos : dot - start);
    if (label.empty() || label.size() > 63)
      return "bad host label";
    for (char c : label) {
      const bool ok = (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_';
      if (!ok)
        return "bad character in host";
    }
    if (label.front() == '-' || label.back() == '-')
      return "bad host label";
    last = label;
    if (dot == std::string::npos)
      break;
    start = dot + 1;
  }
  if (numeric_label(last))
    return "non-canonical IPv4 address";
  return std::nullopt;
}

// The authority as RFC 3986 splits it: after "scheme://" up to the first '/', '?' or '#'.
std::optional<std::string_view> raw_authority(std::string_view text) {
  const std::size_t colon = text.find(':');
  std::string_view rest = text;
  if (colon != std::string_view::npos && text.find_first_of("/?#") > colon)
    rest = text.substr(colon + 1);  // has a scheme
  if (!rest.starts_with("//"))
    return std::nullopt;
  rest.remove_prefix(2);
  return rest.substr(0, rest.find_first_of("/?#"));
}

// Boost.URL 1.81 ends an IPv4 host early: "http://1.2.3.4.evil/" parses as host 1.2.3.4 with
// path ".evil/". Refuse any URL whose authority Boost.URL reads differently from the RFC split.
bool authority_agrees(std::string_view text, const boost::urls::url_view_base& u) {
  const auto raw = raw_authority(text);
  if (!u.has_authority())
    return !raw;
  return raw && *raw == u.encoded_authority();
}

// RFC 3986 section 5.2.4 (Boost.URL 1.81 keeps leading "/.." segments).
std::string remove_dot_segments(std::string_view in) {
  std::string out;
  auto pop_segment = [&out] {
    const std::size_t slash = out.rfind('/');
    out.erase(slash == std::string::npos ? 0 : slash);
  };
  while (!in.empty()) {
    if (in.starts_with("../")) {
      in.remove_prefix(3);
    } else if (in.starts_with("./")) {
      in.remove_prefix(2);
    } else if (in.starts_with("/./")) {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.starts_with("/../")) {
      in.remove_prefix(3);
      pop_segment();
    } else if (in == "/..") {
      in = "/";
      pop_segment();
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      const std::size_t end = in.find('/', in.front() == '/' ? 1 : 0);
      out += in.substr(0, end);
      in.remove_prefix(end == std::string_view::npos ? in.size() : end);
    }
  }
  return out;
}

core::Result<Url> from_parsed(boost::urls::url u, std::string_view text) {
  if (!authority_agrees(text, u))
    return bad("ambiguous authority", text);
  if (u.has_authority() && !u.encoded_path().empty() && !u.encoded_path().starts_with("/"))
    return bad("bad path", text);
  // Percent-encoded or non-ASCII names would need IDNA; refuse rather than guess.
  if (u.encoded_host().find('%') != std::string_view::npos)
    return bad("encoded or non-ASCII host", text);
  u.normalize();  // lower-case scheme and host, percent-encoding
  Url out;
  if (u.scheme() == "https") {
    out.https = true;
  } else if (u.scheme() == "http") {
    out.https = false;
  } else {
    return bad("scheme must be http or https", text);
  }
  if (u.has_userinfo())
    return bad("userinfo", text);
  if (!u.has_authority())
    return bad("no host", text);

  switch (u.host_type()) {
    case boost::urls::host_type::ipv4:
      out.host = std::string(u.host());
      out.literal = boost::asio::ip::make_address_v4(u.host_ipv4_address().to_bytes());
      break;
    case boost::urls::host_type::ipv6: {
      boost::system::error_code ec;
      // to_string() gives the canonical (RFC 5952) form.
      const auto a = boost::asio::ip::make_address_v6(u.host_ipv6_address().to_string(), ec);
      if (ec)
        return bad("bad IPv6 address", text);
      out.host = a.to_string();
      out.literal = a;
      break;
    }
    case boost::urls::host_type::name: {
      out.host = std::string(u.encoded_host());
      std::transform(out.host.begin(), out.host.end(), out.host.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (auto why = check_name(out.host))
        return bad(*why, text);
      break;
    }
    default:  // none, ipvfuture (and IPv6 zone ids, which do not parse)
      return bad("no usable host", text);
  }

  out.port = out.https ? 443 : 80;
  if (u.has_port() && !u.port().empty()) {
    const std::string_view p = u.port();
    if (p.size() > 5 || !std::all_of(p.begin(), p.end(), is_digit))
      return bad("bad port", text);
    unsigned value = 0;
    for (char c : p)
      value = value * 10 + static_cast<unsigned>(c - '0');
    if (value == 0 || value > 65535)
      return bad("bad port", text);
    out.port = static_cast<std::uint16_t>(value);
  }

  out.target = remove_dot_segments(u.encoded_path());
  if (out.target.empty())
    out.target = "/";
  if (out.target.front() != '/')
    return bad("bad path", text);
  if (u.has_query()) {
    out.target += '?';
    out.target += u.encoded_query();
  }
  return out;
}

// Bytes no URL we send may contain: controls, space, DEL, anything non-ASCII (IDN homographs), and
// '\', which WHATWG parsers read as '/' ("https:\\evil").
std::optional<std::string_view> check_bytes(std::string_view text) {
  if (text.empty())
    return "empty";
  if (text.size() > kMaxUrlLength)
    return "too long";
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f)
      return "whitespace, control or non-ASCII character";
    if (c == '\\')
      return "backslash";
  }
  return std::nullopt;
}

}  // namespace

std::string Url::authority() const {
  std::string out = literal && literal->is_v6() ? "[" + host + "]" : host;
  if (!default_port())
    out += ":" + std::to_string(port);
  return out;
}

std::string Url::origin() const {
  return std::string(scheme()) + "://" + authority();
}

std::string Url::str() const {
  return origin() + target;
}

core::Result<Url> parse_url(std::string_view text) {
  if (auto why = check_bytes(text))
    return bad(*why, text);
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed)
    return bad("syntax", text);
  return from_parsed(boost::urls::url(*parsed), text);
}

core::Result<Url> resolve_redirect(const Url& base, std::string_view location) {
  if (auto why = check_bytes(location))
    return bad(*why, location);
  auto ref = boost::urls::parse_uri_reference(location);
  if (!ref)
    return bad("syntax", location);
  const std::string base_text = base.str();
  auto base_view = boost::urls::parse_uri(base_text);
  if (!base_view)
    return bad("syntax", base_text);
  if (!authority_agrees(location, *ref))
    return bad("ambiguous authority", location);
  boost::urls::url dest;
  if (auto r = boost::urls::resolve(*base_view, *ref, dest); !r)
    return bad("unresolvable", location);
  // Validate the result as if it had been given whole.
  return parse_url(dest.buffer());
}

}  // namespace guildhall::federation::egress
