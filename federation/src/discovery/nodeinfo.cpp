#include "guildhall/federation/discovery/nodeinfo.hpp"

namespace guildhall::federation::discovery {

namespace {

using nlohmann::json;

constexpr std::string_view kSchemaBase = "http://nodeinfo.diaspora.software/ns/schema/";

}  // namespace

core::Result<json> nodeinfo_document(std::string_view schema_version, const NodeInfoInput& in) {
  if (schema_version != "2.0" && schema_version != "2.1")
    return core::Error::not_found("unknown NodeInfo schema version");
  // 2.0's schema forbids extra software fields; repository/homepage are optional in 2.1 and we
  // have no public repository URL to give yet.
  json software = {{"name", kSoftwareName}, {"version", in.software_version}};
  return json{
      {"version", std::string(schema_version)},
      {"software", std::move(software)},
      {"protocols", json::array({"activitypub"})},
      {"services", {{"inbound", json::array()}, {"outbound", json::array()}}},
      {"openRegistrations", in.open_registrations},
      {"usage",
       {{"users",
         {{"total", in.usage.users_total},
          {"activeMonth", in.usage.users_active_month},
          {"activeHalfyear", in.usage.users_active_halfyear}}},
        {"localPosts", in.usage.local_posts},
        {"localComments", in.usage.local_comments}}},
      {"metadata", {{"nodeName", in.node_name}, {"nodeDescription", in.node_description}}},
  };
}

std::string nodeinfo_content_type(std::string_view schema_version) {
  return "application/json; profile=\"" + std::string(kSchemaBase) + std::string(schema_version) +
         "#\"";
}

json nodeinfo_links(const Urls& urls) {
  json links = json::array();
  for (const char* v : {"2.0", "2.1"})
    links.push_back(
        {{"rel", std::string(kSchemaBase) + v}, {"href", urls.origin() + "/nodeinfo/" + v}});
  return {{"links", std::move(links)}};
}

}  // namespace guildhall::federation::discovery
