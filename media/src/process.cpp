// Image processing with libvips (its C++ binding). Untrusted input: only the loaders of the types
// sniff() accepted are reachable (libvips' "untrusted" loaders are blocked), the header's size is
// checked before any pixel is decoded, and truncated or corrupt files are errors.
#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <stdexcept>

#include <vips/vips8>

#include "guildhall/media/media.hpp"

namespace guildhall::media {

namespace {

using vips::VImage;

constexpr int kAvatarSize = 400;
constexpr int kHeaderWidth = 1500;
constexpr int kHeaderHeight = 500;
constexpr int kBlurhashSample = 32;
constexpr int kJpegQuality = 85;

void init_vips() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (VIPS_INIT("guildhall") != 0)
      throw std::runtime_error("libvips failed to initialise");
    vips_block_untrusted_set(TRUE);
    vips_cache_set_max(0);    // never keep decoded uploads around
    vips_concurrency_set(1);  // the blocking pool already runs uploads in parallel
  });
}

core::Error refused(std::string message) {
  return core::Error::invalid_input(std::move(message));
}

std::string take_blob(VipsBlob* blob) {
  std::size_t length = 0;
  const void* data = vips_blob_get(blob, &length);
  std::string out(static_cast<const char*>(data), length);
  vips_area_unref(VIPS_AREA(blob));
  return out;
}

// Re-encoded without metadata in `extension`'s format (jpg, png, webp, gif). An animated GIF is a
// strip of frames `page-height` high; its rendition reports one frame's size.
Rendition encode(const VImage& image, const std::string& extension) {
  Rendition r;
  r.extension = extension;
  r.width = image.width();
  r.height = image.height();
  if (extension == "jpg") {
    r.content_type = "image/jpeg";
    r.bytes = take_blob(image.jpegsave_buffer(VImage::option()
                                                  ->set("Q", kJpegQuality)
                                                  ->set("strip", true)
                                                  ->set("optimize_coding", true)));
  } else if (extension == "gif") {
    r.content_type = "image/gif";
    r.height = image.get_typeof("page-height") != 0 ? image.get_int("page-height") : r.height;
    r.bytes = take_blob(image.gifsave_buffer(VImage::option()->set("strip", true)));
  } else if (extension == "webp") {
    r.content_type = "image/webp";
    r.bytes = take_blob(
        image.webpsave_buffer(VImage::option()->set("Q", kJpegQuality)->set("strip", true)));
  } else {
    r.content_type = "image/png";
    r.bytes = take_blob(image.pngsave_buffer(VImage::option()->set("strip", true)));
  }
  return r;
}

// Fits the image into box x box (never enlarging).
VImage fit(const VImage& image, int box) {
  if (std::max(image.width(), image.height()) <= box)
    return image;
  return image.thumbnail_image(box,
                               VImage::option()->set("height", box)->set("size", VIPS_SIZE_DOWN));
}

std::string blurhash_of(const VImage& image) {
  VImage small = fit(image, kBlurhashSample);
  if (small.bands() < 3 || (small.bands() == 2 && small.has_alpha()))  // grey: to RGB
    small = small.colourspace(VIPS_INTERPRETATION_sRGB);
  if (small.has_alpha())
    small = small.flatten(VImage::option()->set("background", std::vector<double>{255, 255, 255}));
  if (small.bands() > 3)
    small = small.extract_band(0, VImage::option()->set("n", 3));
  small = small.cast(VIPS_FORMAT_UCHAR);
  std::size_t size = 0;
  void* pixels = small.write_to_memory(&size);
  if (size != static_cast<std::size_t>(small.width()) * small.height() * 3) {
    g_free(pixels);
    return "";
  }
  const int x = small.width() >= small.height() ? 4 : 3;
  const int y = small.width() >= small.height() ? 3 : 4;
  std::string hash =
      blurhash(static_cast<const std::uint8_t*>(pixels), small.width(), small.height(), x, y);
  g_free(pixels);
  return hash;
}

// An animated GIF attachment stays animated: all frames decoded (their total was bounded by the
// header check) and shrunk frame by frame, re-encoded as GIF without metadata. Its preview is
// the first frame, still, as clients show previews.
core::Result<Processed> process_animation(std::string_view bytes, const Limits& limits,
                                          int frame_width, int frame_height) {
  const int longest = std::max(frame_width, frame_height);
  const int box = std::min(longest, limits.max_dimension);
  // libvips reads the blob lazily: it lives until the renditions are encoded.
  const auto unref = [](VipsBlob* b) { vips_area_unref(VIPS_AREA(b)); };
  std::unique_ptr<VipsBlob, decltype(unref)> blob(
      vips_blob_new(nullptr, bytes.data(), bytes.size()), unref);
  VImage frames = VImage::thumbnail_buffer(blob.get(), box,
                                           VImage::option()
                                               ->set("height", box)
                                               ->set("size", VIPS_SIZE_DOWN)
                                               ->set("option_string", "n=-1,fail_on=error"));
  VImage first = frames.crop(
      0, 0, frames.width(),
      frames.get_typeof("page-height") != 0 ? frames.get_int("page-height") : frames.height());
  Processed out;
  out.kind = Kind::image;
  out.file = encode(frames, "gif");
  out.preview = encode(fit(first, limits.preview_dimension), "png");
  if (std::string hash = blurhash_of(first); !hash.empty())
    out.blurhash = std::move(hash);
  return out;
}

core::Result<Processed> process_image(std::string_view bytes, const Sniffed& type, Purpose purpose,
                                      const Limits& limits) {
  init_vips();
  try {
    // Reads the header only: nothing is decoded before the pixel count is known.
    VImage image = VImage::new_from_buffer(bytes.data(), bytes.size(), "",
                                           VImage::option()->set("fail_on", VIPS_FAIL_ON_ERROR));
    std::int64_t frames = 1;
    if (image.get_typeof("n-pages") != 0)
      frames = std::max(1, image.get_int("n-pages"));
    const std::int64_t pixels = static_cast<std::int64_t>(image.width()) * image.height();
    if (pixels > limits.max_pixels || pixels * frames > limits.max_pixels * 4)
      return refused("the image has too many pixels (at most " + std::to_string(limits.max_pixels) +
                     ")");
    // An animation decodes every frame: it stays animated only within the plain pixel budget.
    if (frames > 1 && type.extension == "gif" && purpose == Purpose::attachment &&
        pixels * frames <= limits.max_pixels)
      return process_animation(bytes, limits, image.width(), image.height());
    image = image.autorot();
    if (image.interpretation() != VIPS_INTERPRETATION_sRGB &&
        image.interpretation() != VIPS_INTERPRETATION_B_W)
      image = image.colourspace(VIPS_INTERPRETATION_sRGB);
    if (image.format() != VIPS_FORMAT_UCHAR)
      image = image.colourspace(VIPS_INTERPRETATION_sRGB).cast(VIPS_FORMAT_UCHAR);
    switch (purpose) {
      case Purpose::avatar:
        image = image.thumbnail_image(
            kAvatarSize,
            VImage::option()->set("height", kAvatarSize)->set("crop", VIPS_INTERESTING_CENTRE));
        break;
      case Purpose::header:
        image = image.thumbnail_image(
            kHeaderWidth,
            VImage::option()->set("height", kHeaderHeight)->set("crop", VIPS_INTERESTING_CENTRE));
        break;
      case Purpose::attachment:
        image = fit(image, limits.max_dimension);
        break;
    }
    // Other GIFs (one frame, or an avatar or header) become a still PNG.
    const std::string extension = type.extension == "gif" ? "png" : type.extension;
    Processed out;
    out.kind = Kind::image;
    out.file = encode(image, extension);
    if (purpose == Purpose::attachment)
      out.preview = encode(fit(image, limits.preview_dimension), extension);
    if (std::string hash = blurhash_of(image); !hash.empty())
      out.blurhash = std::move(hash);
    return out;
  } catch (const vips::VError&) {
    vips_error_clear();
    return refused("the image could not be decoded");
  }
}

}  // namespace

core::Result<Processed> process(std::string_view bytes, Purpose purpose, const Limits& limits) {
  if (bytes.empty())
    return refused("the file is empty");
  const auto type = sniff(bytes);
  if (!type)
    return refused(
        "this file type is not supported (allowed: JPEG, PNG, GIF, WebP, MP4, WebM, "
        "MP3, Ogg, WAV, PDF)");
  if (purpose != Purpose::attachment && type->kind != Kind::image)
    return refused("avatars and headers must be images");
  if (type->kind == Kind::image) {
    if (bytes.size() > limits.max_image_bytes)
      return refused("the image is larger than " + std::to_string(limits.max_image_bytes) +
                     " bytes");
    return process_image(bytes, *type, purpose, limits);
  }
  if (bytes.size() > limits.max_file_bytes)
    return refused("the file is larger than " + std::to_string(limits.max_file_bytes) + " bytes");
  Processed out;
  out.kind = type->kind;
  out.file.bytes = std::string(bytes);
  out.file.content_type = type->content_type;
  out.file.extension = type->extension;
  return out;
}

}  // namespace guildhall::media
