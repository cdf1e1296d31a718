#pragma once

// Actor collections (followers, following, outbox, featured, moderators) as AS2 documents. Pure.
//
// Two shapes, chosen per collection by what peers parse:
//  - paged: `OrderedCollection {totalItems, first}` whose pages (`?page=N`) are
//    `OrderedCollectionPage {partOf, orderedItems, next}` (Mastodon's followers/following);
//  - inline: `OrderedCollection {totalItems, orderedItems}` (Lemmy's moderators, featured and
//    outbox, which Lemmy reads without following `first`).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "guildhall/core/result.hpp"

namespace guildhall::federation::discovery {

inline constexpr std::size_t kCollectionPageSize = 20;
// Pages are numbered; deeper pages cost a scan, so numbering stops here (20,000 items).
inline constexpr std::int64_t kMaxCollectionPage = 1000;

// `?page=N`: nullopt when absent (the collection itself), N in [1, kMaxCollectionPage], else
// invalid_input.
core::Result<std::optional<std::int64_t>> parse_page_param(std::optional<std::string_view> value);

// `id?page=N`.
std::string page_id(std::string_view collection_id, std::int64_t page);

// A paged collection's front document. `expose_pages` false leaves out `first` (the count is
// public, the members are not: private groups).
nlohmann::json paged_collection(const std::string& id, std::int64_t total_items, bool expose_pages);

// Page `page` of a paged collection; `next` only when `has_more`.
nlohmann::json collection_page(const std::string& collection_id, std::int64_t page,
                               std::int64_t total_items, const std::vector<std::string>& items,
                               bool has_more);

// A group's followers: Lemmy's `Collection {totalItems, items: []}` (Lemmy requires exactly that
// and reads only the count), plus `first` -> `OrderedCollectionPage`s of member ids when
// `expose_pages` (public groups).
nlohmann::json group_followers_collection(const std::string& id, std::int64_t total_items,
                                          bool expose_pages);

// An unpaged collection listing every item (`orderedItems` is always present, even empty: Lemmy
// requires it).
nlohmann::json inline_collection(const std::string& id, const std::vector<std::string>& items);

}  // namespace guildhall::federation::discovery
