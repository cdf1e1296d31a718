#include "scopes.hpp"

#include <algorithm>

namespace guildhall::server::api {

namespace {

const std::vector<std::string> kFollowImplies = {"read:follows", "write:follows", "read:blocks",
                                                 "write:blocks", "read:mutes",    "write:mutes"};

}  // namespace

const std::vector<std::string>& all_scopes() {
  static const std::vector<std::string> scopes = [] {
    std::vector<std::string> out = {"read",    "write",      "follow",     "push",
                                    "profile", "admin:read", "admin:write"};
    for (const char* s : {"accounts", "blocks", "bookmarks", "favourites", "filters", "follows",
                          "lists", "mutes", "notifications", "search", "statuses"})
      out.push_back(std::string("read:") + s);
    for (const char* s :
         {"accounts", "blocks", "bookmarks", "conversations", "favourites", "filters", "follows",
          "lists", "media", "mutes", "notifications", "reports", "statuses"})
      out.push_back(std::string("write:") + s);
    for (const char* s : {"accounts", "reports", "domain_allows", "domain_blocks", "ip_blocks",
                          "email_domain_blocks", "canonical_email_blocks"}) {
      out.push_back(std::string("admin:read:") + s);
      out.push_back(std::string("admin:write:") + s);
    }
    return out;
  }();
  return scopes;
}

bool is_known_scope(std::string_view scope) {
  const auto& all = all_scopes();
  return std::find(all.begin(), all.end(), scope) != all.end();
}

std::vector<std::string> parse_scopes(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find_first_of(" +,", start);
    if (end == std::string_view::npos)
      end = text.size();
    std::string scope(text.substr(start, end - start));
    if (!scope.empty() && std::find(out.begin(), out.end(), scope) == out.end())
      out.push_back(std::move(scope));
    start = end + 1;
  }
  return out;
}

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) {
    if (!out.empty())
      out += ' ';
    out += s;
  }
  return out;
}

bool grants(const std::vector<std::string>& granted, std::string_view required) {
  const auto has = [&](std::string_view s) {
    return std::find(granted.begin(), granted.end(), s) != granted.end();
  };
  if (has(required))
    return true;
  if (required.starts_with("read:") && has("read"))
    return true;
  if (required.starts_with("write:") && has("write"))
    return true;
  if (required.starts_with("admin:read:") && has("admin:read"))
    return true;
  if (required.starts_with("admin:write:") && has("admin:write"))
    return true;
  return has("follow") &&
         std::find(kFollowImplies.begin(), kFollowImplies.end(), required) != kFollowImplies.end();
}

bool subset_of(const std::vector<std::string>& requested, const std::vector<std::string>& allowed) {
  return std::all_of(requested.begin(), requested.end(),
                     [&](const std::string& s) { return grants(allowed, s); });
}

}  // namespace guildhall::server::api
