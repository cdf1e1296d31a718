#include "guildhall/federation/egress/address.hpp"

#include <array>
#include <cstdint>

namespace guildhall::federation::egress {
namespace {

struct V4Range {
  std::uint32_t base;
  unsigned bits;
  std::string_view name;
};

constexpr std::uint32_t v4(unsigned a, unsigned b, unsigned c, unsigned d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

// IANA IPv4 Special-Purpose Address Registry, the parts that are not globally reachable.
constexpr std::array<V4Range, 15> kV4Denied = {{
    {v4(0, 0, 0, 0), 8, "this-network"},
    {v4(10, 0, 0, 0), 8, "private"},
    {v4(100, 64, 0, 0), 10, "shared-address-space"},
    {v4(127, 0, 0, 0), 8, "loopback"},
    {v4(169, 254, 0, 0), 16, "link-local"},
    {v4(172, 16, 0, 0), 12, "private"},
    {v4(192, 0, 0, 0), 24, "ietf-protocol-assignments"},
    {v4(192, 0, 2, 0), 24, "documentation"},
    {v4(192, 88, 99, 0), 24, "6to4-relay-anycast"},
    {v4(192, 168, 0, 0), 16, "private"},
    {v4(198, 18, 0, 0), 15, "benchmarking"},
    {v4(198, 51, 100, 0), 24, "documentation"},
    {v4(203, 0, 113, 0), 24, "documentation"},
    {v4(224, 0, 0, 0), 4, "multicast"},
    {v4(240, 0, 0, 0), 4, "reserved"},  // includes 255.255.255.255 (broadcast)
}};

std::optional<std::string_view> denied_v4(std::uint32_t a) {
  for (const auto& r : kV4Denied) {
    const std::uint32_t mask = r.bits == 0 ? 0 : ~std::uint32_t{0} << (32 - r.bits);
    if ((a & mask) == r.base)
      return r.name;
  }
  return std::nullopt;
}

using V6Bytes = boost::asio::ip::address_v6::bytes_type;

struct V6Range {
  std::array<std::uint8_t, 16> base;
  unsigned bits;
  std::string_view name;
};

bool in_prefix(const V6Bytes& a, const std::array<std::uint8_t, 16>& base, unsigned bits) {
  for (unsigned i = 0; i < 16 && bits > 0; ++i) {
    const unsigned take = bits >= 8 ? 8 : bits;
    const std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - take));
    if ((a[i] & mask) != (base[i] & mask))
      return false;
    bits -= take;
  }
  return true;
}

// Denied ranges inside 2000::/3 (global unicast). Everything outside 2000::/3 is denied anyway,
// except the two IPv4-embedding prefixes checked first.
constexpr std::array<V6Range, 5> kV6Denied = {{
    {{0x20, 0x01, 0x0d, 0xb8}, 32, "documentation"},
    {{0x20, 0x01}, 23, "ietf-protocol-assignments"},  // includes 2001::/32 Teredo
    {{0x20, 0x02}, 16, "6to4"},  // embeds any IPv4, routed through relays we do not control
    {{0x3f, 0xff}, 20, "documentation"},
    {{0x5f, 0x00}, 16, "srv6-sid"},
}};

std::uint32_t embedded_v4(const V6Bytes& a) {
  return (std::uint32_t{a[12]} << 24) | (std::uint32_t{a[13]} << 16) | (std::uint32_t{a[14]} << 8) |
         std::uint32_t{a[15]};
}

std::optional<std::string_view> denied_v6(const boost::asio::ip::address_v6& address) {
  const V6Bytes a = address.to_bytes();
  // ::ffff:a.b.c.d connects to a.b.c.d; judge it as that address.
  if (in_prefix(a, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 96)) {
    if (denied_v4(embedded_v4(a)))
      return "ipv4-mapped";
    return std::nullopt;
  }
  // NAT64 (RFC 6052): a public IPv4 behind the well-known prefix is a legitimate peer on IPv6-only
  // networks; a private one is a way around the IPv4 list.
  if (in_prefix(a, {0x00, 0x64, 0xff, 0x9b}, 96)) {
    if (denied_v4(embedded_v4(a)))
      return "nat64";
    return std::nullopt;
  }
  if (address.is_unspecified())
    return "unspecified";
  if (address.is_loopback())
    return "loopback";
  if ((a[0] & 0xe0) != 0x20) {
    // Not global unicast: IPv4-compatible ::/96, 64:ff9b:1::/48 local NAT64, 100::/64 discard,
    // fc00::/7 unique local, fe80::/10 link-local, fec0::/10 site-local, ff00::/8 multicast, and
    // whatever else IANA keeps outside 2000::/3.
    if (in_prefix(a, {}, 96))
      return "ipv4-compatible";
    if ((a[0] & 0xfe) == 0xfc)
      return "unique-local";
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
      return "link-local";
    if (a[0] == 0xff)
      return "multicast";
    return "not-global-unicast";
  }
  for (const auto& r : kV6Denied) {
    if (in_prefix(a, r.base, r.bits))
      return r.name;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> denied_range(const boost::asio::ip::address& address) {
  if (address.is_v4())
    return denied_v4(address.to_v4().to_uint());
  return denied_v6(address.to_v6());
}

}  // namespace guildhall::federation::egress
