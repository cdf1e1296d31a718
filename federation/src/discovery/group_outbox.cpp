#include "guildhall/federation/discovery/group_outbox.hpp"

#include "guildhall/activitystreams/activitystreams.hpp"
#include "guildhall/federation/discovery/collections.hpp"
#include "guildhall/federation/discovery/lookup.hpp"
#include "guildhall/federation/urls.hpp"

namespace guildhall::federation::discovery {

namespace {

namespace as = guildhall::activitystreams;
using nlohmann::json;

constexpr std::string_view kListed = "Create";

// Rows [skip, skip + count) newest first, walking the keyset in batches (pages are capped at
// kMaxCollectionPage, so the walk is bounded).
core::Result<std::vector<storage::CommunityActivity>> slice(storage::Tx& tx, storage::Id group,
                                                            std::size_t skip, std::size_t count) {
  std::vector<storage::CommunityActivity> out;
  storage::PageRequest page{.limit = 200};
  std::size_t seen = 0;
  for (;;) {
    auto batch = tx.community_outbox().list(group, kListed, page);
    if (!batch)
      return std::move(batch).error();
    for (auto& row : *batch) {
      if (seen++ >= skip && out.size() < count)
        out.push_back(std::move(row));
    }
    if (out.size() >= count || batch->size() < page.limit)
      return out;
    page.before = batch->back().id;
  }
}

json items_of(const std::vector<storage::CommunityActivity>& rows) {
  json items = json::array();
  for (const auto& row : rows) {
    json activity = json::parse(row.payload, nullptr, false);
    if (activity.is_discarded())
      continue;
    activity.erase("@context");  // one context, on the collection
    items.push_back(std::move(activity));
  }
  return items;
}

}  // namespace

core::Result<json> group_outbox(storage::Tx& tx, const storage::CommunityView& group,
                                std::optional<std::int64_t> page) {
  const std::string id = group.actor.outbox_url.value_or(Urls::outbox(group.actor.ap_id));
  const bool visible = is_federated(group.community);
  std::int64_t total = 0;
  if (visible) {
    auto counted = tx.community_outbox().count(group.actor.id, kListed);
    if (!counted)
      return std::move(counted).error();
    total = *counted;
  }
  const std::int64_t number = page.value_or(1);
  std::vector<storage::CommunityActivity> rows;
  if (visible) {
    auto sliced =
        slice(tx, group.actor.id, static_cast<std::size_t>(number - 1) * kCollectionPageSize,
              kCollectionPageSize);
    if (!sliced)
      return std::move(sliced).error();
    rows = std::move(*sliced);
  }
  const bool has_more = number * static_cast<std::int64_t>(kCollectionPageSize) < total;
  as::Object o =
      as::make_object(page ? as::Kind::ordered_collection_page : as::Kind::ordered_collection,
                      page ? page_id(id, number) : id);
  o.total_items = total;
  if (page) {
    o.part_of = as::Ref(id);
    if (has_more)
      o.next = as::Ref(page_id(id, number + 1));
    if (number > 1)
      o.prev = as::Ref(page_id(id, number - 1));
  } else if (visible) {
    o.first = as::Ref(page_id(id, 1));
  }
  json j = as::to_json(o);
  j["orderedItems"] = items_of(rows);
  return j;
}

}  // namespace guildhall::federation::discovery
