#pragma once

// A post's attachments, the one way for every path that writes or sends posts (People,
// Communities, RemoteCommunities, the documents we serve): local uploads (storage/media.hpp)
// become attachment rows that point back at them, and attachments go on the wire as Mastodon and
// Lemmy send them (`Image` or `Document` with mediaType, url, name as alt text, width, height,
// blurhash, focalPoint).

#include <cstddef>
#include <optional>
#include <vector>

#include "guildhall/activitystreams/object.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/federation/urls.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::federation {

// Mastodon's limit, advertised as `max_media_attachments`.
inline constexpr std::size_t kMaxAttachments = 4;

// A local upload as the attachment a post shows (its URLs under Urls::media).
storage::Attachment attachment_of(const Urls& urls, const storage::Media& media);

// The uploads `media_ids` as a post's attachments, in order. invalid_input (shown to the client)
// for more than kMaxAttachments, a repeated id, or an upload that is not `owner`'s, is an avatar
// or header, or is shown by another post than `post_id` (the post being edited, if any).
core::Result<std::vector<storage::Attachment>> attachments_for(
    storage::Tx& tx, const Urls& urls, storage::Id owner, const std::vector<storage::Id>& media_ids,
    std::optional<storage::Id> post_id = std::nullopt);

// The AS2 objects of a post's attachments.
std::vector<activitystreams::Ref> attachment_objects(
    const std::vector<storage::Attachment>& attachments);

}  // namespace guildhall::federation
