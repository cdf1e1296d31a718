#include "media_store.hpp"

#include <algorithm>

namespace guildhall::server {

namespace {

constexpr std::size_t kMultipartOverhead = 64 * 1024;
constexpr std::size_t kCleanupBatch = 200;

media::Purpose processing_purpose(storage::MediaPurpose purpose) {
  switch (purpose) {
    case storage::MediaPurpose::avatar:
      return media::Purpose::avatar;
    case storage::MediaPurpose::header:
      return media::Purpose::header;
    case storage::MediaPurpose::attachment:
      break;
  }
  return media::Purpose::attachment;
}

}  // namespace

MediaStore::MediaStore(const Config& config) : files_(config.media_directory()) {
  limits_.max_image_bytes = static_cast<std::size_t>(config.media.max_image_bytes);
  limits_.max_file_bytes = static_cast<std::size_t>(config.media.max_file_bytes);
  limits_.max_pixels = config.media.max_pixels;
}

std::size_t MediaStore::upload_body_limit() const noexcept {
  return std::max(limits_.max_image_bytes, limits_.max_file_bytes) + kMultipartOverhead;
}

void MediaStore::remove_files(const storage::Media& media) const {
  files_.remove(media.file_name);
  if (media.preview_name)
    files_.remove(*media.preview_name);
}

core::Result<storage::Media> MediaStore::store(storage::Database& db, storage::Id owner,
                                               const Upload& upload) const {
  auto processed = media::process(upload.bytes, processing_purpose(upload.purpose), limits_);
  if (!processed)
    return std::move(processed).error();
  storage::NewMedia row;
  row.owner_id = owner;
  row.purpose = upload.purpose;
  row.kind = std::string(media::to_string(processed->kind));
  row.content_type = processed->file.content_type;
  row.file_name = media::FileStore::new_name(processed->file.extension);
  row.size_bytes = static_cast<std::int64_t>(processed->file.bytes.size());
  row.width = processed->file.width;
  row.height = processed->file.height;
  if (processed->preview) {
    row.preview_name = media::FileStore::new_name(processed->preview->extension, "small");
    row.preview_width = processed->preview->width;
    row.preview_height = processed->preview->height;
  }
  row.blurhash = processed->blurhash;
  row.description = upload.description;
  if (upload.focus) {
    row.focus_x = upload.focus->first;
    row.focus_y = upload.focus->second;
  }
  const auto remove_files = [&] {
    files_.remove(row.file_name);
    if (row.preview_name)
      files_.remove(*row.preview_name);
  };
  if (auto written = files_.write(row.file_name, processed->file.bytes); !written)
    return std::move(written).error();
  if (processed->preview) {
    if (auto written = files_.write(*row.preview_name, processed->preview->bytes); !written) {
      remove_files();
      return std::move(written).error();
    }
  }
  auto stored = db.transact([&](storage::Tx& tx) { return tx.media().create(row); });
  if (!stored)
    remove_files();
  return stored;
}

core::Result<void> MediaStore::discard(storage::Database& db, const storage::Media& media) const {
  if (auto removed = db.transact([&](storage::Tx& tx) { return tx.media().remove(media.id); });
      !removed)
    return removed;
  remove_files(media);
  return {};
}

core::Result<std::size_t> MediaStore::remove_unused(storage::Database& db,
                                                    storage::TimePoint cutoff) const {
  std::size_t removed = 0;
  for (;;) {
    auto batch = db.transact(
        [&](storage::Tx& tx) { return tx.media().remove_unused(cutoff, kCleanupBatch); });
    if (!batch)
      return std::move(batch).error();
    // The rows are gone (committed) before their files: a file without a row is never served.
    for (const auto& m : *batch)
      remove_files(m);
    removed += batch->size();
    if (batch->size() < kCleanupBatch)
      return removed;
  }
}

}  // namespace guildhall::server
