#pragma once

// OAuth scopes as Mastodon defines them: `read`, `write`, `follow`, `push`, `profile`, the admin
// ones and the granular `read:statuses`-style ones. `read` implies every `read:*`, `write` every
// `write:*`, and the deprecated `follow` (still requested by most clients) implies the follow,
// block and mute scopes.

#include <string>
#include <string_view>
#include <vector>

namespace guildhall::server::api {

bool is_known_scope(std::string_view scope);
// "read write" or "read+write" (as some clients send it) -> {"read", "write"}; duplicates dropped.
std::vector<std::string> parse_scopes(std::string_view text);
std::string join_scopes(const std::vector<std::string>& scopes);
// Whether `granted` allows `required`, with the implications above.
bool grants(const std::vector<std::string>& granted, std::string_view required);
// Whether every scope in `requested` is among `allowed` (the app's registered scopes), by the
// same implications.
bool subset_of(const std::vector<std::string>& requested, const std::vector<std::string>& allowed);

const std::vector<std::string>& all_scopes();

}  // namespace guildhall::server::api
