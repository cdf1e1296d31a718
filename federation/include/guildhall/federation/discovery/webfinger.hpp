#pragma once

// WebFinger (RFC 7033) and host-meta (RFC 6415) for our actors. Pure.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "guildhall/core/result.hpp"
#include "guildhall/federation/urls.hpp"
#include "guildhall/storage/model.hpp"

namespace guildhall::federation::discovery {

inline constexpr std::string_view kJrdContentType = "application/jrd+json; charset=utf-8";
inline constexpr std::string_view kXrdContentType = "application/xrd+xml; charset=utf-8";
inline constexpr std::string_view kProfilePageRel = "http://webfinger.net/rel/profile-page";
inline constexpr std::string_view kAs2TypeProperty = "https://www.w3.org/ns/activitystreams#type";
inline constexpr std::size_t kMaxResourceBytes = 2048;

// What a WebFinger `resource` asks for on this server.
struct WebfingerQuery {
  enum class Scope {
    any,       // acct:name@host or https://host/@name: a person or a group
    person,    // https://host/users/name
    group,     // https://host/c/name
    instance,  // https://host/actor, or acct:host@host (Mastodon's instance-actor convention)
  };
  Scope scope = Scope::any;
  std::string handle;  // lowercased; empty for the instance actor
  bool operator==(const WebfingerQuery&) const = default;
};

// Accepts `acct:name@host` (also without `acct:` and with a leading `@`, as Mastodon does) and
// our actor URLs. Errors: invalid_input for a missing or malformed resource or an unsupported
// scheme (HTTP 400); not_found for another host, an unknown path or a name that cannot be a local
// handle (HTTP 404). Hosts compare case-insensitively, ignoring a trailing dot.
core::Result<WebfingerQuery> parse_webfinger_resource(std::string_view resource, const Urls& urls);

// The JRD for a local person, group or instance actor: `subject` acct:handle@host, `aliases`
// (actor id, profile page), a `self` link (application/activity+json, with the AS2 type as a
// property, as Lemmy sends it) and a profile-page link.
nlohmann::json webfinger_document(const storage::Actor& actor, const Urls& urls);

// host-meta's XRD and JSON forms: one `lrdd` link with the WebFinger template.
std::string host_meta_xml(const Urls& urls);
nlohmann::json host_meta_json(const Urls& urls);

}  // namespace guildhall::federation::discovery
