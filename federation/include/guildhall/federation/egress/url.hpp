#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/ip/address.hpp>

#include "guildhall/core/result.hpp"

namespace guildhall::federation::egress {

// An absolute http(s) URL in the one canonical form used both for the SSRF check and for the
// connection (catalogue SSRF-08: no parser differential between check and use).
struct Url {
  bool https = true;
  std::string host;  // lower case; IPv6 without brackets
  std::uint16_t port = 443;
  std::string target;  // origin-form request target: "/path?query" (never empty, no fragment)
  // Set when the host is an IP literal (canonical dotted quad or bracketed IPv6): no DNS.
  std::optional<boost::asio::ip::address> literal;

  std::string_view scheme() const { return https ? "https" : "http"; }
  bool default_port() const { return port == (https ? 443 : 80); }
  // "host[:port]" as sent in the Host header ("[::1]:8080" for IPv6).
  std::string authority() const;
  // "https://host[:port]": what callers compare a fetched object's id against.
  std::string origin() const;
  // The whole normalized URL, without fragment.
  std::string str() const;
};

// Parses and normalizes an absolute http or https URL. invalid_input for anything else: another
// scheme, userinfo, no host, a non-ASCII or percent-encoded host (IDNA is not supported), an IPv6
// zone id, a bad port, whitespace or control characters, more than 4096 characters, or an IPv4
// address in anything but canonical dotted-quad form ("127.1", "2130706433", "0x7f.1",
// "0177.0.0.1": resolvers and parsers disagree on these, so none of them is accepted). Scheme and
// host are lower-cased, dot segments removed, percent-encoding normalized, the fragment dropped.
core::Result<Url> parse_url(std::string_view text);

// Resolves a Location header against the URL it came from (RFC 3986 section 5), then validates the
// result like parse_url.
core::Result<Url> resolve_redirect(const Url& base, std::string_view location);

}  // namespace guildhall::federation::egress
