#pragma once

// Uploaded files (images, video, audio, PDF): what they are, judged from their bytes and never
// from the client's Content-Type, and what we keep of them.
//
//   auto processed = media::process(bytes, media::Purpose::attachment, limits);  // CPU-bound
//   if (!processed) ... 422 with processed.error().message ...
//
// Images (JPEG, PNG, WebP, GIF) are decoded with libvips only after their header passed the pixel
// limit (a decompression bomb never allocates), turned upright (EXIF orientation), shrunk to fit,
// re-encoded without any metadata (EXIF, GPS, XMP, ICC) and get a preview and a blurhash. Other
// allowed types (MP4, WebM, MP3, Ogg, WAV, PDF) are kept byte for byte. Everything else, SVG and
// HTML above all, is refused.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guildhall/core/result.hpp"

namespace guildhall::media {

// The Mastodon attachment types.
enum class Kind { image, video, audio, unknown };
std::string_view to_string(Kind kind) noexcept;

struct Limits {
  std::size_t max_image_bytes = 16u << 20;  // an image file as uploaded
  std::size_t max_file_bytes = 40u << 20;   // video, audio, PDF
  std::int64_t max_pixels = 33'177'600;  // width x height (x frames) of a decoded image: 7680x4320
  int max_dimension = 3840;              // longest side kept of an attachment
  int preview_dimension = 640;           // longest side of the preview
};

// What the bytes are, from their signature.
struct Sniffed {
  std::string content_type;  // "image/jpeg"
  std::string extension;     // "jpg", without the dot
  Kind kind = Kind::unknown;
};
// nullopt: not a type we accept.
std::optional<Sniffed> sniff(std::string_view bytes);
// Every content type sniff() can answer, for the instance's `supported_mime_types`.
const std::vector<std::string>& supported_content_types();

// What an upload is for: attachments keep their shape; an avatar is cropped square, a header
// shrunk to a banner.
enum class Purpose { attachment, avatar, header };

struct Rendition {
  std::string bytes;
  std::string content_type;
  std::string extension;
  std::optional<int> width{};  // images only
  std::optional<int> height{};
};

struct Processed {
  Kind kind = Kind::unknown;
  Rendition file{};
  std::optional<Rendition> preview{};  // images
  std::optional<std::string> blurhash{};
};

// CPU-bound and blocking: run it on the blocking pool. invalid_input (shown to the client) for an
// unknown type, a file over its size limit, an image over the pixel limit or one that does not
// decode; avatars and headers must be images.
core::Result<Processed> process(std::string_view bytes, Purpose purpose, const Limits& limits);

// The blurhash (blurha.sh) of `width` x `height` RGB pixels (3 bytes each, row by row) with
// `x_components` x `y_components` (1..9 each) cosine components.
std::string blurhash(const std::uint8_t* rgb, int width, int height, int x_components,
                     int y_components);

}  // namespace guildhall::media
