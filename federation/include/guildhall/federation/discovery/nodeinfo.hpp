#pragma once

// NodeInfo 2.0 and 2.1 (http://nodeinfo.diaspora.software). Pure. Lemmy decides whether a peer
// may follow private communities from `software.name`, so it must stay accurate.

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "guildhall/core/result.hpp"
#include "guildhall/federation/urls.hpp"

namespace guildhall::federation::discovery {

inline constexpr std::string_view kSoftwareName = "guildhall";  // ^[a-z0-9-]+$ per the schema

struct NodeUsage {
  std::int64_t users_total = 0;
  std::int64_t users_active_month = 0;
  std::int64_t users_active_halfyear = 0;
  std::int64_t local_posts = 0;
  std::int64_t local_comments = 0;
};

struct NodeInfoInput {
  std::string software_version;
  bool open_registrations = false;
  NodeUsage usage;
  std::string node_name;
  std::string node_description;
};

// "2.0" or "2.1"; anything else is not_found.
core::Result<nlohmann::json> nodeinfo_document(std::string_view schema_version,
                                               const NodeInfoInput& input);
// `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"`.
std::string nodeinfo_content_type(std::string_view schema_version);
// /.well-known/nodeinfo: links to both schema versions.
nlohmann::json nodeinfo_links(const Urls& urls);

}  // namespace guildhall::federation::discovery
