#include "guildhall/federation/fetch/instance_software.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <spdlog/spdlog.h>

#include "guildhall/storage/database.hpp"

namespace guildhall::federation::fetch {

namespace {

constexpr std::string_view kAcceptNodeinfo = "application/json";
constexpr std::size_t kMaxName = 64;
constexpr std::size_t kMaxVersion = 64;
constexpr std::size_t kMaxLinks = 20;  // entries of /.well-known/nodeinfo looked at
// Preferred first.
constexpr std::array<std::string_view, 2> kSchemas = {
    "http://nodeinfo.diaspora.software/ns/schema/2.1",
    "http://nodeinfo.diaspora.software/ns/schema/2.0"};

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

}  // namespace

core::Result<std::string> nodeinfo_document_url(const nlohmann::json& well_known,
                                                const egress::Url& served_by) {
  if (!well_known.is_object() || !well_known.contains("links") || !well_known["links"].is_array())
    return core::Error::not_found("no NodeInfo links");
  const auto& links = well_known["links"];
  for (std::string_view schema : kSchemas) {
    for (std::size_t i = 0; i < links.size() && i < kMaxLinks; ++i) {
      const auto& link = links[i];
      if (!link.is_object() || link.value("rel", "") != schema || !link.contains("href") ||
          !link["href"].is_string())
        continue;
      const std::string href = link["href"].get<std::string>();
      auto url = egress::parse_url(href);
      // On the host that answered: NodeInfo must not send us elsewhere (SSRF, rule 2).
      if (url && url->host == served_by.host && url->port == served_by.port &&
          url->https == served_by.https)
        return href;
    }
  }
  return core::Error::not_found("no NodeInfo 2.x document on the same host");
}

core::Result<Software> nodeinfo_software(const nlohmann::json& document) {
  if (!document.is_object() || !document.contains("software") || !document["software"].is_object())
    return core::Error::invalid_input("NodeInfo without software");
  const auto& software = document["software"];
  if (!software.contains("name") || !software["name"].is_string())
    return core::Error::invalid_input("NodeInfo software without a name");
  std::string name = software["name"].get<std::string>();
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (name.empty() || name.size() > kMaxName || !std::all_of(name.begin(), name.end(), name_char))
    return core::Error::invalid_input("NodeInfo software name is not [a-z0-9-]");
  Software out{std::move(name), std::nullopt};
  if (software.contains("version") && software["version"].is_string()) {
    std::string version = software["version"].get<std::string>();
    if (version.size() > kMaxVersion)
      version.resize(kMaxVersion);
    if (!version.empty())
      out.version = std::move(version);
  }
  return out;
}

InstanceSoftware::InstanceSoftware(const Dereferencer& deref, storage::Database& db,
                                   InstanceSoftwareOptions options)
    : deref_(deref), db_(db), options_(options) {}

core::Result<storage::Instance> InstanceSoftware::detect(std::string_view host) const {
  const std::string base = deref_.options().webfinger_scheme + "://" + std::string(host);
  auto served_by = deref_.check_url(base + "/.well-known/nodeinfo");
  if (!served_by)
    return served_by.error();
  auto well_known = deref_.fetch_json(served_by->str(), kAcceptNodeinfo, false);
  if (!well_known)
    return well_known.error();
  auto document_url = nodeinfo_document_url(*well_known, *served_by);
  if (!document_url)
    return document_url.error();
  auto document = deref_.fetch_json(*document_url, kAcceptNodeinfo, false);
  if (!document)
    return document.error();
  auto software = nodeinfo_software(*document);
  if (!software)
    return software.error();
  return db_.transact([&](storage::Tx& tx) {
    return tx.instances().set_software(host, software->name, software->version);
  });
}

void InstanceSoftware::refresh_if_stale(std::string_view actor_url) const {
  auto url = egress::parse_url(actor_url);
  if (!url)
    return;
  const std::string host = url->authority();
  if (deref_.is_local(host) || !deref_.allowed(*url))
    return;
  const core::TimePoint now = deref_.clock().now();
  {
    std::lock_guard lock(mutex_);
    auto it = attempts_.find(host);
    if (it != attempts_.end() && now - it->second < options_.retry_after)
      return;
  }
  auto known = db_.read([&](storage::Tx& tx) { return tx.instances().get_by_host(host); });
  if (known && known->software_name && now - known->updated_at < options_.max_age)
    return;
  {
    std::lock_guard lock(mutex_);
    if (attempts_.size() >= options_.max_hosts)
      attempts_.clear();
    attempts_[host] = now;
  }
  if (auto detected = detect(host); !detected)
    spdlog::info("nodeinfo.unavailable host={} error=\"{}\"", host, detected.error().message);
  else
    spdlog::debug("nodeinfo.detected host={} software={}", host,
                  detected->software_name.value_or(""));
}

}  // namespace guildhall::federation::fetch
