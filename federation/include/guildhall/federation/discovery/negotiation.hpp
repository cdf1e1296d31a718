#pragma once

// Content negotiation for actor ids: the same URL is the ActivityPub document for servers and a
// profile page for browsers. Pure.

#include <optional>
#include <string_view>

namespace guildhall::federation::discovery {

inline constexpr std::string_view kActivityJsonContentType = "application/activity+json";

enum class Representation { activity_json, html };

// Chooses from an Accept header by q-value: `application/activity+json`,
// `application/ld+json` (with or without the AS2 profile) and `application/json` mean the AS2
// document; `text/html` the web page. Ties, wildcards only, a missing or unparseable header all
// give the document: a peer that forgot Accept still federates, while browsers always rank
// text/html above their `*/*`.
Representation negotiate(std::optional<std::string_view> accept);

}  // namespace guildhall::federation::discovery
