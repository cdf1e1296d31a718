// Uploaded media (migration 0011), written once against the driver interface like
// repositories.cpp.

#include "guildhall/storage/media.hpp"

#include <cmath>

#include "media_impl.hpp"

namespace guildhall::storage {

namespace {

constexpr std::size_t kMaxDescriptionBytes = 1500 * 4;  // Mastodon: 1500 characters

bool valid_focus(const std::optional<double>& v) {
  return !v || (std::isfinite(*v) && *v >= -1 && *v <= 1);
}

}  // namespace

namespace detail {

namespace {

using driver::DriverError;
using driver::Row;

std::optional<int> opt_int(const Row& r, std::string_view column) {
  if (auto v = r.opt_i64(column))
    return static_cast<int>(*v);
  return std::nullopt;
}

// The columns of media plus the post showing it.
constexpr std::string_view kSelect =
    "SELECT m.*, (SELECT a.post_id FROM attachments a WHERE a.media_id = m.id LIMIT 1) AS "
    "attached_post_id FROM media m";

Media media_from(const Row& r) {
  Media m;
  m.id = r.i64("id");
  m.owner_id = r.i64("owner_id");
  if (!parse(r.text("purpose"), m.purpose))
    throw DriverError(core::Error::internal("storage: unexpected value in column purpose"));
  m.kind = r.text("kind");
  m.content_type = r.text("content_type");
  m.file_name = r.text("file_name");
  m.size_bytes = r.i64("size_bytes");
  m.width = opt_int(r, "width");
  m.height = opt_int(r, "height");
  m.preview_name = r.opt_text("preview_name");
  m.preview_width = opt_int(r, "preview_width");
  m.preview_height = opt_int(r, "preview_height");
  m.blurhash = r.opt_text("blurhash");
  m.description = r.opt_text("description");
  m.focus_x = r.opt_f64("focus_x");
  m.focus_y = r.opt_f64("focus_y");
  m.created_at = r.time("created_at");
  m.post_id = r.opt_i64("attached_post_id");
  return m;
}

class MediaRepoImpl final : public MediaRepo {
 public:
  explicit MediaRepoImpl(RepoContext x) : x_(x) {}

  Result<Media> create(const NewMedia& m) override {
    return x_.write([&]() -> Result<Media> {
      if (!valid_focus(m.focus_x) || !valid_focus(m.focus_y))
        return core::Error::invalid_input("focus must be two numbers between -1.0 and 1.0");
      if (m.description && m.description->size() > kMaxDescriptionBytes)
        return core::Error::invalid_input("description is too long");
      const Id id = x_.ids.next();
      try {
        x_.q(
            "INSERT INTO media (id, owner_id, purpose, kind, content_type, file_name, size_bytes, "
            "width, height, preview_name, preview_width, preview_height, blurhash, description, "
            "focus_x, focus_y, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
            "$12, $13, $14, $15, $16, $17)",
            {id, m.owner_id, std::string(to_string(m.purpose)), m.kind, m.content_type, m.file_name,
             m.size_bytes, m.width, m.height, m.preview_name, m.preview_width, m.preview_height,
             m.blurhash, m.description, m.focus_x, m.focus_y, x_.now()});
      } catch (const DriverError& e) {
        if (e.error().kind == core::ErrorKind::already_exists)
          return core::Error::already_exists("this media file name is in use");
        if (e.error().kind == core::ErrorKind::invalid_input)
          return core::Error::invalid_input("no such owner");
        throw;
      }
      return load("m.id = $1", {id});
    });
  }

  Result<Media> get(Id id) override {
    return x_.read([&] { return load("m.id = $1", {id}); });
  }

  Result<Media> by_file_name(std::string_view file_name) override {
    return x_.read(
        [&] { return load("m.file_name = $1 OR m.preview_name = $1", {std::string(file_name)}); });
  }

  Result<Media> update(Id id, const MediaUpdate& u) override {
    return x_.write([&]() -> Result<Media> {
      if (u.description && *u.description && (*u.description)->size() > kMaxDescriptionBytes)
        return core::Error::invalid_input("description is too long");
      if (u.focus && (!valid_focus(u.focus->first) || !valid_focus(u.focus->second)))
        return core::Error::invalid_input("focus must be two numbers between -1.0 and 1.0");
      if (u.description)
        x_.q("UPDATE media SET description = $1 WHERE id = $2", {*u.description, id});
      if (u.focus)
        x_.q("UPDATE media SET focus_x = $1, focus_y = $2 WHERE id = $3",
             {u.focus->first, u.focus->second, id});
      return load("m.id = $1", {id});
    });
  }

  Result<void> remove(Id id) override {
    return x_.write([&]() -> Result<void> {
      if (x_.q("DELETE FROM media WHERE id = $1 RETURNING id", {id}).empty())
        return core::Error::not_found("media not found");
      return {};
    });
  }

  Result<std::vector<Media>> remove_unused(TimePoint cutoff, std::size_t limit) override {
    return x_.write([&]() -> Result<std::vector<Media>> {
      const auto rows = x_.q(
          std::string(kSelect) +
              " WHERE m.created_at < $1 AND ((m.purpose = 'attachment' AND NOT EXISTS (SELECT 1 "
              "FROM attachments a WHERE a.media_id = m.id)) OR (m.purpose <> 'attachment' AND "
              "EXISTS (SELECT 1 FROM media n WHERE n.owner_id = m.owner_id AND n.purpose = "
              "m.purpose AND n.id > m.id))) ORDER BY m.id LIMIT $2",
          {cutoff, static_cast<std::int64_t>(limit)});
      std::vector<Media> out;
      for (auto row : rows) {
        out.push_back(media_from(row));
        x_.q("DELETE FROM media WHERE id = $1", {out.back().id});
      }
      return out;
    });
  }

 private:
  Result<Media> load(std::string_view where, const driver::Params& params) {
    auto rows = x_.q(std::string(kSelect) + " WHERE " + std::string(where), params);
    if (rows.empty())
      return core::Error::not_found("media not found");
    return media_from(rows.front());
  }

  RepoContext x_;
};

}  // namespace

std::unique_ptr<MediaRepo> make_media_repo(const RepoContext& context) {
  return std::make_unique<MediaRepoImpl>(context);
}

}  // namespace detail

}  // namespace guildhall::storage
