#include "guildhall/content/url.hpp"

#include <cstddef>

namespace guildhall::content {
namespace {

constexpr std::size_t kMaxUrlBytes = 4096;

bool is_c0_or_space(char c) {
  return static_cast<unsigned char>(c) <= 0x20;
}

bool is_scheme_char(char c, bool first) {
  bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (first) {
    return alpha;
  }
  return alpha || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

}  // namespace

std::optional<std::string> safe_url(std::string_view value, bool allow_mailto) {
  // The URL parser removes tab, LF and CR anywhere ("java\tscript:" is "javascript:").
  std::string url;
  url.reserve(value.size());
  for (char c : value) {
    if (c != '\t' && c != '\n' && c != '\r') {
      url.push_back(c);
    }
  }
  std::size_t begin = 0;
  std::size_t end = url.size();
  while (begin < end && is_c0_or_space(url[begin])) {
    ++begin;
  }
  while (end > begin && is_c0_or_space(url[end - 1])) {
    --end;
  }
  url = url.substr(begin, end - begin);
  if (url.empty() || url.size() > kMaxUrlBytes) {
    return std::nullopt;
  }
  // Controls or spaces left inside are never part of a URL we want to emit.
  for (char c : url) {
    if (is_c0_or_space(c) || c == 0x7F) {
      return std::nullopt;
    }
  }
  std::size_t colon = 0;
  while (colon < url.size() && is_scheme_char(url[colon], colon == 0)) {
    ++colon;
  }
  if (colon == 0 || colon >= url.size() || url[colon] != ':') {
    return std::nullopt;  // relative, protocol-relative or not a scheme at all
  }
  std::string scheme = url.substr(0, colon);
  for (char& c : scheme) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  std::string_view rest = std::string_view(url).substr(colon + 1);
  if (scheme == "http" || scheme == "https") {
    // Require an authority with a host; "https:foo" and "https:///x" are not links we emit.
    bool has_authority = rest.size() > 2 && (rest[0] == '/' || rest[0] == '\\') &&
                         (rest[1] == '/' || rest[1] == '\\');
    if (!has_authority) {
      return std::nullopt;
    }
    char host_first = rest[2];
    if (host_first == '/' || host_first == '\\' || host_first == '?' || host_first == '#') {
      return std::nullopt;
    }
  } else if (scheme == "mailto") {
    if (!allow_mailto || rest.empty()) {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  return scheme + ":" + std::string(rest);
}

}  // namespace guildhall::content
