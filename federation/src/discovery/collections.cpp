#include "guildhall/federation/discovery/collections.hpp"

#include <charconv>

#include "guildhall/activitystreams/activitystreams.hpp"

namespace guildhall::federation::discovery {

namespace {

namespace as = guildhall::activitystreams;
using nlohmann::json;

std::vector<as::Ref> refs(const std::vector<std::string>& ids) {
  return {ids.begin(), ids.end()};
}

}  // namespace

core::Result<std::optional<std::int64_t>> parse_page_param(std::optional<std::string_view> value) {
  if (!value)
    return std::optional<std::int64_t>{};
  std::int64_t page = 0;
  const char* end = value->data() + value->size();
  auto [ptr, ec] = std::from_chars(value->data(), end, page);
  if (ec != std::errc() || ptr != end || page < 1 || page > kMaxCollectionPage)
    return core::Error::invalid_input("page must be a number from 1 to " +
                                      std::to_string(kMaxCollectionPage));
  return std::optional<std::int64_t>{page};
}

std::string page_id(std::string_view collection_id, std::int64_t page) {
  return std::string(collection_id) + "?page=" + std::to_string(page);
}

json paged_collection(const std::string& id, std::int64_t total_items, bool expose_pages) {
  as::Object o = as::make_object(as::Kind::ordered_collection, id);
  o.total_items = total_items;
  if (expose_pages)
    o.first = as::Ref(page_id(id, 1));
  return as::to_json(o);
}

json collection_page(const std::string& collection_id, std::int64_t page, std::int64_t total_items,
                     const std::vector<std::string>& items, bool has_more) {
  as::Object o = as::make_object(as::Kind::ordered_collection_page, page_id(collection_id, page));
  o.part_of = as::Ref(collection_id);
  o.total_items = total_items;
  o.items = refs(items);
  if (has_more)
    o.next = as::Ref(page_id(collection_id, page + 1));
  if (page > 1)
    o.prev = as::Ref(page_id(collection_id, page - 1));
  json j = as::to_json(o);
  if (!j.contains("orderedItems"))  // an empty page still says so explicitly
    j["orderedItems"] = json::array();
  return j;
}

json group_followers_collection(const std::string& id, std::int64_t total_items,
                                bool expose_pages) {
  as::Object o = as::make_object(as::Kind::collection, id);
  o.total_items = total_items;
  if (expose_pages)
    o.first = as::Ref(page_id(id, 1));
  json j = as::to_json(o);
  j["items"] = json::array();
  return j;
}

json inline_collection(const std::string& id, const std::vector<std::string>& items) {
  as::Object o = as::make_object(as::Kind::ordered_collection, id);
  o.total_items = static_cast<std::int64_t>(items.size());
  o.items = refs(items);
  json j = as::to_json(o);
  if (!j.contains("orderedItems"))
    j["orderedItems"] = json::array();
  return j;
}

}  // namespace guildhall::federation::discovery
