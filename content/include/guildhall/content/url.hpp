#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace guildhall::content {

// The URL that may go into an href/src attribute, or nullopt. Input is an attribute value after
// entity decoding. Browsers ignore tabs and newlines anywhere in a URL and strip leading and
// trailing controls and spaces, so we do the same before reading the scheme; then only
// http(s)://host... (and mailto: if allowed) is accepted. Relative and protocol-relative URLs
// are rejected: federated content has no base URL we could resolve them against.
std::optional<std::string> safe_url(std::string_view value, bool allow_mailto);

}  // namespace guildhall::content
