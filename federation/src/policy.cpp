#include "guildhall/federation/policy.hpp"

#include <algorithm>
#include <charconv>

#include "guildhall/storage/database.hpp"

namespace guildhall::federation {

std::string_view to_string(FederationMode mode) noexcept {
  switch (mode) {
    case FederationMode::open:
      return "open";
    case FederationMode::blocklist:
      return "blocklist";
    case FederationMode::allowlist:
      return "allowlist";
  }
  return "open";
}

bool parse(std::string_view text, FederationMode& out) noexcept {
  for (auto mode : {FederationMode::open, FederationMode::blocklist, FederationMode::allowlist}) {
    if (text == to_string(mode)) {
      out = mode;
      return true;
    }
  }
  return false;
}

bool is_valid_host(std::string_view s) {
  if (s.empty() || s.size() > 253 + 6)
    return false;
  const auto colon = s.rfind(':');
  const std::string_view host = s.substr(0, colon);
  if (colon != std::string_view::npos) {
    const auto port = s.substr(colon + 1);
    unsigned p = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (port.empty() || ec != std::errc{} || ptr != port.data() + port.size() || p < 1 || p > 65535)
      return false;
  }
  if (host.empty() || host.size() > 253)
    return false;
  // Labels: 1-63 of [a-z0-9-], not starting or ending with '-'.
  std::size_t start = 0;
  while (start <= host.size()) {
    const auto dot = host.find('.', start);
    const auto label = host.substr(start, dot == std::string_view::npos ? host.npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    if (!std::all_of(label.begin(), label.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        }))
      return false;
    if (dot == std::string_view::npos)
      break;
    start = dot + 1;
  }
  return true;
}

namespace {
std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}
}  // namespace

PolicySnapshot::PolicySnapshot(FederationMode mode,
                               std::map<std::string, storage::FederationPolicy> rules)
    : mode_(mode), rules_(std::move(rules)) {}

std::optional<storage::FederationPolicy> PolicySnapshot::rule_for(
    std::string_view authority) const {
  const std::string host_port = lowercase(authority);
  if (auto it = rules_.find(host_port); it != rules_.end())
    return it->second;
  std::string_view host = host_port;
  if (const auto colon = host.rfind(':'); colon != std::string_view::npos)
    host = host.substr(0, colon);
  // Walk up the parents: a.b.example.com, b.example.com, example.com, com.
  for (;;) {
    if (auto it = rules_.find(std::string(host)); it != rules_.end())
      return it->second;
    const auto dot = host.find('.');
    if (dot == std::string_view::npos)
      return std::nullopt;
    host = host.substr(dot + 1);
  }
}

bool PolicySnapshot::allows(std::string_view host) const {
  switch (mode_) {
    case FederationMode::open:
      return true;
    case FederationMode::blocklist:
      return rule_for(host) != storage::FederationPolicy::block;
    case FederationMode::allowlist:
      return rule_for(host) == storage::FederationPolicy::allow;
  }
  return false;
}

PeerPolicy::PeerPolicy(FederationMode configured_mode)
    : configured_mode_(configured_mode),
      snapshot_(std::make_shared<PolicySnapshot>(
          configured_mode, std::map<std::string, storage::FederationPolicy>{})) {}

bool PeerPolicy::allows(std::string_view host) const {
  return snapshot()->allows(host);
}

std::shared_ptr<const PolicySnapshot> PeerPolicy::snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

core::Result<std::map<std::string, storage::FederationPolicy>> load_policy_rules(
    storage::Database& db) {
  return db.read(
      [](storage::Tx& tx) -> core::Result<std::map<std::string, storage::FederationPolicy>> {
        std::map<std::string, storage::FederationPolicy> out;
        storage::PageRequest page{.limit = 200, .oldest_first = true};
        for (;;) {
          auto batch = tx.instances().list(page);
          if (!batch)
            return std::move(batch).error();
          for (const auto& i : *batch)
            if (i.policy != storage::FederationPolicy::none)
              out.emplace(i.host, i.policy);
          if (batch->size() < page.limit)
            break;
          page.after = batch->back().id;
        }
        return out;
      });
}

core::Result<FederationMode> load_federation_mode(storage::Database& db,
                                                  FederationMode configured) {
  auto settings = db.read([](storage::Tx& tx) { return tx.instance_settings().get(); });
  if (!settings)
    return std::move(settings).error();
  FederationMode mode = configured;
  if (settings->federation_mode)
    parse(*settings->federation_mode, mode);  // the schema admits only the three names
  return mode;
}

core::Result<void> PeerPolicy::reload(storage::Database& db) {
  auto mode = load_federation_mode(db, configured_mode_);
  if (!mode)
    return std::move(mode).error();
  auto rules = load_policy_rules(db);
  if (!rules)
    return std::move(rules).error();
  auto next = std::make_shared<const PolicySnapshot>(*mode, std::move(*rules));
  std::lock_guard lock(mutex_);
  snapshot_ = std::move(next);
  return {};
}

}  // namespace guildhall::federation
