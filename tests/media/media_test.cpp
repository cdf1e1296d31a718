// Upload processing with real files made by libvips: types judged from the bytes, metadata
// stripped, orientation applied, sizes bounded, decompression bombs refused before decoding.
#include "guildhall/media/media.hpp"

#include <filesystem>

#include <gtest/gtest.h>
#include <vips/vips8>

#include "guildhall/media/files.hpp"

using namespace guildhall;
using vips::VImage;

namespace {

std::string blob_string(VipsBlob* blob) {
  std::size_t length = 0;
  const void* data = vips_blob_get(blob, &length);
  std::string out(static_cast<const char*>(data), length);
  vips_area_unref(VIPS_AREA(blob));
  return out;
}

// A width x height gradient (so blurhash and resizing have something to work on).
VImage gradient(int width, int height) {
  static bool initialised = [] { return VIPS_INIT("media_test") == 0; }();
  EXPECT_TRUE(initialised);
  VImage x = VImage::xyz(width, height).extract_band(0);
  VImage r = (x * (255.0 / width)).cast(VIPS_FORMAT_UCHAR);
  VImage g = VImage::black(width, height) + 128;
  VImage b = ((x * -1 + width) * (255.0 / width)).cast(VIPS_FORMAT_UCHAR);
  return r.bandjoin(g.cast(VIPS_FORMAT_UCHAR))
      .bandjoin(b)
      .copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
}

// A JPEG carrying EXIF (an Artist tag and an orientation of 6: rotate 90° clockwise).
std::string jpeg_with_exif(int width, int height) {
  VImage image = gradient(width, height).copy();
  image.set("exif-ifd0-Orientation", "6");
  image.set("orientation", 6);
  image.set("exif-ifd0-Artist", "Secret Person");
  return blob_string(image.jpegsave_buffer(VImage::option()->set("Q", 90)));
}

std::string png(int width, int height) {
  return blob_string(gradient(width, height).pngsave_buffer());
}

// An animated GIF of `frames` frames, each width x height, with a comment that must not survive.
std::string animated_gif(int width, int height, int frames) {
  VImage strip = gradient(width, height);
  for (int i = 1; i < frames; ++i)
    strip = strip.join(gradient(width, height).invert(), VIPS_DIRECTION_VERTICAL);
  strip = strip.copy();
  strip.set("page-height", height);
  strip.set("gif-comment", "Secret Person");
  return blob_string(strip.gifsave_buffer());
}

VImage decode(const std::string& bytes) {
  return VImage::new_from_buffer(bytes.data(), bytes.size(), "");
}

bool has_field(const VImage& image, const char* prefix) {
  gchar** fields = vips_image_get_fields(image.get_image());
  bool found = false;
  for (gchar** f = fields; *f; ++f)
    if (std::string_view(*f).starts_with(prefix))
      found = true;
  g_strfreev(fields);
  return found;
}

}  // namespace

TEST(Sniff, JudgesTheBytesNotTheName) {
  EXPECT_EQ(media::sniff(png(4, 4))->content_type, "image/png");
  EXPECT_EQ(media::sniff(jpeg_with_exif(4, 4))->content_type, "image/jpeg");
  EXPECT_EQ(media::sniff("GIF89a....")->kind, media::Kind::image);
  EXPECT_EQ(media::sniff(std::string("\0\0\0\x18"
                                     "ftypisom\0\0\0\0",
                                     16))
                ->content_type,
            "video/mp4");
  EXPECT_EQ(media::sniff("%PDF-1.7\n")->kind, media::Kind::unknown);
  EXPECT_FALSE(media::sniff("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"));
  EXPECT_FALSE(media::sniff("<!DOCTYPE html><script>alert(1)</script>"));
  EXPECT_FALSE(
      media::sniff(std::string("\0\0\0\x18"
                               "ftypheic\0\0\0\0",
                               16)));  // HEIF image
  EXPECT_FALSE(media::sniff(""));
}

TEST(Process, JpegIsTurnedUprightAndLosesItsMetadata) {
  const std::string original = jpeg_with_exif(300, 200);
  ASSERT_TRUE(has_field(decode(original), "exif-"));
  auto processed = media::process(original, media::Purpose::attachment, {});
  ASSERT_TRUE(processed.ok()) << processed.error().message;
  EXPECT_EQ(processed->kind, media::Kind::image);
  EXPECT_EQ(processed->file.content_type, "image/jpeg");
  EXPECT_EQ(processed->file.extension, "jpg");
  // Orientation 6: the stored image is upright, so 200 wide and 300 high.
  EXPECT_EQ(processed->file.width, 200);
  EXPECT_EQ(processed->file.height, 300);
  const VImage stored = decode(processed->file.bytes);
  EXPECT_EQ(stored.width(), 200);
  EXPECT_FALSE(has_field(stored, "exif-"));
  EXPECT_EQ(processed->file.bytes.find("Secret Person"), std::string::npos);
  ASSERT_TRUE(processed->preview);
  EXPECT_EQ(processed->preview->width, 200);  // already small: the preview is the same size
  ASSERT_TRUE(processed->blurhash);
  EXPECT_EQ(processed->blurhash->size(), 2u + 4u + 2u * (3 * 4 - 1));
}

TEST(Process, LargeImagesAreShrunkAndGetASmallPreview) {
  media::Limits limits;
  limits.max_dimension = 1000;
  limits.preview_dimension = 100;
  auto processed = media::process(png(2000, 500), media::Purpose::attachment, limits);
  ASSERT_TRUE(processed.ok()) << processed.error().message;
  EXPECT_EQ(processed->file.content_type, "image/png");
  EXPECT_EQ(processed->file.width, 1000);
  EXPECT_EQ(processed->file.height, 250);
  ASSERT_TRUE(processed->preview);
  EXPECT_EQ(processed->preview->width, 100);
  EXPECT_EQ(processed->preview->height, 25);
  EXPECT_EQ(decode(processed->preview->bytes).width(), 100);
}

TEST(Process, AnimatedGifsStayAnimatedWithAStillPreview) {
  media::Limits limits;
  limits.max_dimension = 100;
  limits.preview_dimension = 50;
  auto processed = media::process(animated_gif(200, 120, 3), media::Purpose::attachment, limits);
  ASSERT_TRUE(processed.ok()) << processed.error().message;
  EXPECT_EQ(processed->file.content_type, "image/gif");
  EXPECT_EQ(processed->file.width, 100);
  EXPECT_EQ(processed->file.height, 60);
  VImage out = VImage::new_from_buffer(processed->file.bytes.data(), processed->file.bytes.size(),
                                       "", VImage::option()->set("n", -1));
  EXPECT_EQ(out.get_int("n-pages"), 3);
  EXPECT_EQ(out.get_int("page-height"), 60);
  EXPECT_EQ(processed->file.bytes.find("Secret Person"), std::string::npos);
  ASSERT_TRUE(processed->preview);
  EXPECT_EQ(processed->preview->content_type, "image/png");
  EXPECT_EQ(processed->preview->width, 50);
  EXPECT_EQ(processed->preview->height, 30);
  EXPECT_TRUE(processed->blurhash);

  // Beyond the pixel budget for all frames, and as an avatar, a GIF becomes its first frame.
  limits.max_pixels = 200 * 120 * 2;
  auto still = media::process(animated_gif(200, 120, 3), media::Purpose::attachment, limits);
  ASSERT_TRUE(still.ok()) << still.error().message;
  EXPECT_EQ(still->file.content_type, "image/png");
  auto avatar = media::process(animated_gif(200, 120, 3), media::Purpose::avatar, {});
  ASSERT_TRUE(avatar.ok()) << avatar.error().message;
  EXPECT_EQ(avatar->file.content_type, "image/png");
}

TEST(Process, AvatarsAreCroppedSquareWithoutPreview) {
  auto processed = media::process(png(900, 600), media::Purpose::avatar, {});
  ASSERT_TRUE(processed.ok()) << processed.error().message;
  EXPECT_EQ(processed->file.width, 400);
  EXPECT_EQ(processed->file.height, 400);
  EXPECT_FALSE(processed->preview);
  auto not_image = media::process("%PDF-1.7\n", media::Purpose::avatar, {});
  ASSERT_FALSE(not_image.ok());
  EXPECT_EQ(not_image.error().kind, core::ErrorKind::invalid_input);
}

TEST(Process, RefusesBombsOversizedFilesAndUnknownTypes) {
  media::Limits limits;
  limits.max_pixels = 1000 * 1000;
  // A 4000x4000 PNG of one colour compresses to a few kB: the header alone is refused.
  const std::string bomb =
      blob_string(VImage::black(4000, 4000)
                      .cast(VIPS_FORMAT_UCHAR)
                      .pngsave_buffer(VImage::option()->set("compression", 9)));
  ASSERT_LT(bomb.size(), 200u * 1024);
  auto refused = media::process(bomb, media::Purpose::attachment, limits);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, core::ErrorKind::invalid_input);
  EXPECT_NE(refused.error().message.find("pixels"), std::string::npos);

  limits = {};
  limits.max_image_bytes = 1024;
  auto too_big = media::process(png(200, 200), media::Purpose::attachment, limits);
  ASSERT_FALSE(too_big.ok());
  EXPECT_NE(too_big.error().message.find("larger than"), std::string::npos);

  auto svg =
      media::process("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", media::Purpose::attachment, {});
  ASSERT_FALSE(svg.ok());
  EXPECT_NE(svg.error().message.find("not supported"), std::string::npos);

  std::string truncated = png(64, 64);
  truncated.resize(truncated.size() / 2);
  auto broken = media::process(truncated, media::Purpose::attachment, {});
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().kind, core::ErrorKind::invalid_input);
}

TEST(Process, OtherAllowedTypesAreKeptAsSent) {
  const std::string pdf = "%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n";
  auto processed = media::process(pdf, media::Purpose::attachment, {});
  ASSERT_TRUE(processed.ok()) << processed.error().message;
  EXPECT_EQ(processed->kind, media::Kind::unknown);
  EXPECT_EQ(processed->file.bytes, pdf);
  EXPECT_EQ(processed->file.content_type, "application/pdf");
  EXPECT_FALSE(processed->preview);
  EXPECT_FALSE(processed->blurhash);
}

TEST(Blurhash, EncodesComponentsAndTheAverageColour) {
  std::vector<std::uint8_t> red(8 * 8 * 3);
  for (std::size_t i = 0; i < red.size(); i += 3)
    red[i] = 255;
  const std::string hash = media::blurhash(red.data(), 8, 8, 4, 3);
  ASSERT_EQ(hash.size(), 2u + 4u + 2u * (4 * 3 - 1));
  EXPECT_EQ(hash[0], 'L');               // (4 - 1) + (3 - 1) * 9 = 21
  EXPECT_EQ(hash.substr(2, 4), "TI:j");  // the DC term: #FF0000 in base 83
  std::vector<std::uint8_t> blue(red.size());
  for (std::size_t i = 2; i < blue.size(); i += 3)
    blue[i] = 255;
  EXPECT_EQ(media::blurhash(blue.data(), 8, 8, 4, 3).substr(2, 4), "0036");  // #0000FF
  EXPECT_EQ(media::blurhash(red.data(), 8, 8, 1, 1), "00TI:j");              // DC only
}

TEST(FileStore, WritesReadsAndRefusesForeignNames) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("guildhall-media-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  media::FileStore store(dir / "media");
  const std::string name = media::FileStore::new_name("png");
  const std::string preview = media::FileStore::new_name("png", "small");
  EXPECT_TRUE(media::FileStore::valid_name(name));
  EXPECT_TRUE(media::FileStore::valid_name(preview));
  EXPECT_NE(name, media::FileStore::new_name("png"));
  ASSERT_TRUE(store.write(name, "bytes").ok());
  EXPECT_EQ(store.read(name).value(), "bytes");
  for (const char* bad : {"../guildhall.db", "a.png", "/etc/passwd", ".hidden.png", ""})
    EXPECT_FALSE(media::FileStore::valid_name(bad)) << bad;
  EXPECT_EQ(store.read("../media/" + name).error().kind, core::ErrorKind::not_found);
  store.remove(name);
  EXPECT_EQ(store.read(name).error().kind, core::ErrorKind::not_found);
  std::filesystem::remove_all(dir);
}
