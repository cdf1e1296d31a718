#pragma once

#include <optional>
#include <string_view>

#include <boost/asio/ip/address.hpp>

namespace guildhall::federation::egress {

// The SSRF deny list (security catalogue 2.5): every address a peer must never make us connect to.
// Returns the name of the special-use range `address` falls in ("loopback", "ipv4-mapped:private",
// ...), or nullopt for a globally routable address. IPv4 embedded in IPv6 (v4-mapped, NAT64
// 64:ff9b::/96) is judged by the embedded address; IPv6 outside 2000::/3 is denied as a whole, so
// ranges IANA adds there later are covered without a code change.
std::optional<std::string_view> denied_range(const boost::asio::ip::address& address);

inline bool is_public_address(const boost::asio::ip::address& address) {
  return !denied_range(address).has_value();
}

}  // namespace guildhall::federation::egress
