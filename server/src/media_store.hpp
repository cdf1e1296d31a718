#pragma once

// Uploads end to end: the bytes processed (media::process), the files written under media.dir and
// the row stored (storage/media.hpp), so a failure anywhere leaves neither file nor row behind;
// and the cleanup of uploads nobody uses. Shared by the client API (uploads, avatars, headers,
// community icons and banners, serving) and the housekeeping thread. Blocking: run on the blocking
// pool.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "guildhall/core/result.hpp"
#include "guildhall/media/files.hpp"
#include "guildhall/media/media.hpp"
#include "guildhall/server/config.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::server {

struct Upload {
  std::string_view bytes;
  storage::MediaPurpose purpose = storage::MediaPurpose::attachment;
  std::optional<std::string> description{};
  std::optional<std::pair<double, double>> focus{};
};

class MediaStore {
 public:
  explicit MediaStore(const Config& config);

  const media::FileStore& files() const noexcept { return files_; }
  const media::Limits& limits() const noexcept { return limits_; }
  // The largest request body an upload route needs (a multipart body around the largest file).
  std::size_t upload_body_limit() const noexcept;

  // invalid_input (422) for what media::process refuses, or a description over 1500 characters.
  core::Result<storage::Media> store(storage::Database& db, storage::Id owner,
                                     const Upload& upload) const;

  // Deletes an upload whose use was refused (its row, then its files), so nothing stays behind.
  core::Result<void> discard(storage::Database& db, const storage::Media& media) const;

  // Deletes the rows and files of uploads unused since before `cutoff` (MediaRepo::remove_unused),
  // in batches; returns how many.
  core::Result<std::size_t> remove_unused(storage::Database& db, storage::TimePoint cutoff) const;

 private:
  void remove_files(const storage::Media& media) const;

  media::FileStore files_;
  media::Limits limits_;
};

}  // namespace guildhall::server
