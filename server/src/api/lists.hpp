#pragma once

// Helpers the Mastodon endpoints share: reading one row by a path id, and answering a page of
// statuses or accounts with its Link header.

#include <functional>
#include <vector>

#include "endpoint.hpp"
#include "entities.hpp"

namespace guildhall::server::api {

// How many ids one `id[]` list request (statuses, accounts, familiar followers) may name.
inline constexpr std::size_t kMaxListedIds = 40;
// Answers an `id[]` list: `render` gives each id's item, or nullopt to leave it out; malformed
// ids are left out, more than kMaxListedIds is 422. Items in the order asked.
using ListedItem =
    std::function<core::Result<std::optional<json>>(storage::Tx&, storage::Id, const std::string&)>;
http::Response listed_by_ids(Call& call, const ListedItem& render);

// The `{id}` path parameter, or not_found for a malformed id (Mastodon answers 404 "Record not
// found"). Endpoints unwrap it with .value(): serve() turns the thrown error into that 404.
core::Result<storage::Id> path_id(const Call& call, std::string_view name = "id");

// A live post (not deleted, not removed), else not_found. A boost's id names the boosted post.
core::Result<storage::Post> live_post(storage::Tx& tx, const storage::Reader& reader,
                                      storage::Id id);
// A Notification entity, or null when its account or post is gone (so is the notification).
json notification_json(storage::Tx& tx, const federation::Urls& urls,
                       const storage::NotificationRow& n, std::optional<storage::Id> viewer);
// Mastodon's Conversation entity as `viewer` (one of its participants) sees it: the other
// participants, the last direct status, unread.
json conversation_json(storage::Tx& tx, const federation::Urls& urls,
                       const storage::Conversation& conversation, storage::Id viewer);
// A person or group account, else not_found.
core::Result<storage::Actor> account_actor(storage::Tx& tx, storage::Id id);

// "alice", "@alice", "alice@our.host" (local) or "bob@remote.example".
struct Acct {
  std::string handle;
  std::optional<std::string> domain;  // nullopt: local
};
std::optional<Acct> parse_acct(const AppContext& app, std::string text);
// An account known here, or (remote, `resolve`) found through WebFinger; a remote group is stored
// as a community, so following it joins it. not_found otherwise.
core::Result<storage::Actor> find_account(Call& call, const Acct& acct, bool resolve);

// One page of any list: `load` returns (cursor id, rendered item, or null to leave it out),
// newest first; the response gets the items and the Link header built from the cursors.
using PageLoader = std::function<core::Result<std::vector<std::pair<storage::Id, json>>>(
    storage::Tx&, const storage::PageRequest&)>;
http::Response paged_response(Call& call, std::size_t default_limit, std::size_t max_limit,
                              const PageLoader& load);

using PostSource = std::function<core::Result<std::vector<storage::Post>>(
    storage::Tx&, const storage::PageRequest&)>;
// Which posts of a page are shown: one left out still moves the page's cursors, so Link paging
// goes on past a page whose posts were all filtered out.
using PostFilter = std::function<bool(storage::Tx&, const storage::Post&)>;
// Pages through `source` with the request's max_id/since_id/min_id/limit (default 20, max 40),
// serializes for the caller what `keep` keeps (everything when empty) and adds the Link header.
http::Response statuses_page(Call& call, const PostSource& source, const PostFilter& keep = {});

// An account list paged by some row id (follows, reactions, bookmarks): each item is (cursor,
// actor id).
using AccountSource = std::function<core::Result<std::vector<std::pair<storage::Id, storage::Id>>>(
    storage::Tx&, const storage::PageRequest&)>;
http::Response accounts_page(Call& call, const AccountSource& source);

// Runs `body` in a read transaction and answers its JSON with 200.
http::Response read_json(Call& call, const std::function<core::Result<json>(storage::Tx&)>& body);
http::Response write_json(Call& call, const std::function<core::Result<json>(storage::Tx&)>& body);

}  // namespace guildhall::server::api
