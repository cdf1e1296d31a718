#include "guildhall/federation/attachments.hpp"

#include <algorithm>

#include "guildhall/core/id.hpp"

namespace guildhall::federation {

namespace as = activitystreams;

storage::Attachment attachment_of(const Urls& urls, const storage::Media& media) {
  storage::Attachment a;
  a.url = urls.media(media.file_name);
  a.media_type = media.content_type;
  a.description = media.description;
  a.width = media.width;
  a.height = media.height;
  a.blurhash = media.blurhash;
  if (media.preview_name)
    a.preview_url = urls.media(*media.preview_name);
  a.focus_x = media.focus_x;
  a.focus_y = media.focus_y;
  a.media_id = media.id;
  return a;
}

core::Result<std::vector<storage::Attachment>> attachments_for(
    storage::Tx& tx, const Urls& urls, storage::Id owner, const std::vector<storage::Id>& media_ids,
    std::optional<storage::Id> post_id) {
  if (media_ids.size() > kMaxAttachments)
    return core::Error::invalid_input("a post may have at most 4 media attachments");
  std::vector<storage::Attachment> out;
  for (std::size_t i = 0; i < media_ids.size(); ++i) {
    if (std::count(media_ids.begin(), media_ids.end(), media_ids[i]) > 1)
      return core::Error::invalid_input("the same media is attached twice");
    auto media = tx.media().get(media_ids[i]);
    if (!media && media.error().kind != core::ErrorKind::not_found)
      return std::move(media).error();
    if (!media || media->owner_id != owner || media->purpose != storage::MediaPurpose::attachment)
      return core::Error::invalid_input("no such media: " + core::to_string_id(media_ids[i]));
    if (media->post_id && media->post_id != post_id)
      return core::Error::invalid_input("the media is attached to another post already");
    storage::Attachment a = attachment_of(urls, *media);
    a.position = static_cast<int>(i);
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<as::Ref> attachment_objects(const std::vector<storage::Attachment>& attachments) {
  std::vector<as::Ref> out;
  for (const auto& a : attachments) {
    const bool image = a.media_type && a.media_type->starts_with("image/");
    as::Object o = as::make_object(image ? as::Kind::image : as::Kind::document, "");
    o.url = a.url;
    o.media_type = a.media_type;
    o.name = a.description;
    if (a.width && a.height) {
      o.width = *a.width;
      o.height = *a.height;
    }
    o.blurhash = a.blurhash;
    if (a.focus_x && a.focus_y)
      o.focal_point = {*a.focus_x, *a.focus_y};
    out.emplace_back(std::move(o));
  }
  return out;
}

}  // namespace guildhall::federation
