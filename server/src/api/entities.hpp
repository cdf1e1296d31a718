#pragma once

// Mastodon API entities, built in one place from our rows (docs.joinmastodon.org/entities): every
// field Tusky's strict parser requires is always present, ids are strings, timestamps RFC 3339
// with milliseconds. Each function reads inside the caller's transaction and throws
// core::ErrorException (via .value()) on a storage error, which the transaction turns back into
// its result.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "guildhall/federation/urls.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::server::api {

using nlohmann::json;

json account_json(storage::Tx& tx, const federation::Urls& urls, const storage::Actor& actor);
// verify_credentials: the account plus `source` (what the profile was written as).
json credential_account_json(storage::Tx& tx, const federation::Urls& urls,
                             const storage::LocalUser& user);
// `viewer` fills favourited/bookmarked; `with_source` adds `text` (delete-and-redraft).
json status_json(storage::Tx& tx, const federation::Urls& urls, const storage::Post& post,
                 std::optional<storage::Id> viewer, bool with_source = false);
// Mastodon's Poll of a post, null when it has none; `viewer` fills voted and own_votes (the
// author counts as having voted, as on Mastodon).
json poll_json(storage::Tx& tx, const storage::Post& post, std::optional<storage::Id> viewer);
// A reblog: the status `id` (the boost's row, or the post's own id when a community distributes
// its thread) by `booster`, wrapping the boosted post's status.
json reblog_json(storage::Tx& tx, const federation::Urls& urls, storage::Id id,
                 const storage::Actor& booster, const storage::Post& post,
                 std::optional<storage::Id> viewer);
json relationship_json(storage::Tx& tx, storage::Id me, storage::Id other);
// A MediaAttachment: `id` is the upload's id for local uploads; `local` leaves remote_url null.
json attachment_json(const storage::Attachment& attachment, const std::string& id, bool local);
// An upload as POST /api/v2/media answers it (with the preview's size in meta.small).
json media_json(const federation::Urls& urls, const storage::Media& media);
json application_json(const storage::OAuthApp& app);

// "@alice@remote.example" / "alice" for local actors.
std::string acct_of(const storage::Actor& actor);
// Plain text to the HTML Mastodon serves for notes: paragraphs and line breaks, escaped.
std::string plain_text_to_html(std::string_view text);
// Wraps #hashtags in Mastodon's markup (`<a href=".../tags/x" class="mention hashtag"
// rel="tag">#<span>x</span></a>`), outside existing links and tags.
std::string link_hashtags(std::string_view html, const federation::Urls& urls);
// A character of a hashtag's name: letters, digits, '_' and any non-ASCII byte.
bool is_hashtag_char(char c);
// Whether `text` carries `#tag` as a whole hashtag (case-insensitive; `tag` lowercased).
bool has_hashtag(std::string_view text, std::string_view tag);
// "Rust", "#rust" -> "rust"; nullopt when it is no hashtag name (empty, too long, other chars).
std::optional<std::string> hashtag_name(std::string_view text);
// Mastodon's Tag entity. No usage history is kept and tags cannot be followed: `history` is
// empty and `following` false.
json tag_json(const federation::Urls& urls, std::string_view name);
// Whether a post's text (its source, else its HTML) carries the hashtag `tag` (any case, with or
// without its '#').
bool post_has_hashtag(const storage::Post& post, std::string_view tag);

}  // namespace guildhall::server::api
