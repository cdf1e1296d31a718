#pragma once

// Uploaded media (schema migration 0011): one row per file a local person uploaded, for a post
// (until attached it is theirs alone; unattached uploads older than a day are cleaned up), as an
// avatar or as a profile header. A local community's icon and banner are its avatar and header,
// owned by the community's actor. The files live under `media.dir`, named by `file_name` and
// `preview_name`; storage never builds URLs. A post's attachments (model.hpp) point back at the
// upload they show with `media_id`: that link is what "attached" means.
//
// Lives inside a transaction: Tx::media(). Every call blocks.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "guildhall/core/result.hpp"
#include "guildhall/storage/model.hpp"
#include "guildhall/storage/repositories.hpp"

namespace guildhall::storage {

enum class MediaPurpose { attachment, avatar, header };
// The spelling stored in the database (model.cpp keeps every enum's table).
std::string_view to_string(MediaPurpose v) noexcept;
bool parse(std::string_view text, MediaPurpose& out) noexcept;

struct Media {
  Id id = 0;
  Id owner_id = 0;
  MediaPurpose purpose = MediaPurpose::attachment;
  std::string kind{};  // image, video, audio, unknown (Mastodon's attachment types)
  std::string content_type{};
  std::string file_name{};
  std::int64_t size_bytes = 0;
  std::optional<int> width{};
  std::optional<int> height{};
  std::optional<std::string> preview_name{};  // same content type as the file
  std::optional<int> preview_width{};
  std::optional<int> preview_height{};
  std::optional<std::string> blurhash{};
  std::optional<std::string> description{};  // alt text
  std::optional<double> focus_x{};
  std::optional<double> focus_y{};
  TimePoint created_at{};
  std::optional<Id> post_id{};  // the post showing it (read from its attachment), if any
};

struct NewMedia {
  Id owner_id = 0;
  MediaPurpose purpose = MediaPurpose::attachment;
  std::string kind{};
  std::string content_type{};
  std::string file_name{};
  std::int64_t size_bytes = 0;
  std::optional<int> width{};
  std::optional<int> height{};
  std::optional<std::string> preview_name{};
  std::optional<int> preview_width{};
  std::optional<int> preview_height{};
  std::optional<std::string> blurhash{};
  std::optional<std::string> description{};
  std::optional<double> focus_x{};
  std::optional<double> focus_y{};
};

struct MediaUpdate {
  Nullable<std::string> description{};
  std::optional<std::pair<double, double>> focus{};
};

class MediaRepo {
 public:
  virtual ~MediaRepo() = default;
  // invalid_input for an unknown owner or a focus outside -1..1; already_exists for a file name
  // in use.
  virtual Result<Media> create(const NewMedia& media) = 0;
  virtual Result<Media> get(Id id) = 0;
  // The upload whose file or preview is `file_name`; not_found otherwise.
  virtual Result<Media> by_file_name(std::string_view file_name) = 0;
  virtual Result<Media> update(Id id, const MediaUpdate& update) = 0;
  // Deletes the row of an upload that was never used (its use was refused); not_found when absent.
  virtual Result<void> remove(Id id) = 0;
  // Deletes uploads for posts that no post shows and that were made before `cutoff`, and avatars
  // and headers older than their owner's newest of the same purpose; at most `limit` rows. Returns
  // them, so the caller removes their files.
  virtual Result<std::vector<Media>> remove_unused(TimePoint cutoff, std::size_t limit) = 0;
};

}  // namespace guildhall::storage
