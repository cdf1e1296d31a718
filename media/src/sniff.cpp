// File signatures of the types we accept. Nothing else is stored, whatever the client says it
// sent: SVG and HTML (script in our origin) never get in.
#include <array>

#include "guildhall/media/media.hpp"

namespace guildhall::media {

namespace {

bool at(std::string_view bytes, std::size_t offset, std::string_view magic) {
  return bytes.size() >= offset + magic.size() && bytes.substr(offset, magic.size()) == magic;
}

// ISO base media (MP4) brands of video and audio; HEIF/AVIF images (brands heic, mif1, avif)
// are not among them.
std::optional<Sniffed> iso_media(std::string_view bytes) {
  if (!at(bytes, 4, "ftyp") || bytes.size() < 12)
    return std::nullopt;
  const std::string_view brand = bytes.substr(8, 4);
  if (brand == "M4A ")
    return Sniffed{"audio/mp4", "m4a", Kind::audio};
  static constexpr std::array<std::string_view, 9> kVideoBrands{
      "isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V "};
  for (auto b : kVideoBrands)
    if (brand == b)
      return Sniffed{"video/mp4", "mp4", Kind::video};
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Kind kind) noexcept {
  switch (kind) {
    case Kind::image:
      return "image";
    case Kind::video:
      return "video";
    case Kind::audio:
      return "audio";
    case Kind::unknown:
      break;
  }
  return "unknown";
}

std::optional<Sniffed> sniff(std::string_view bytes) {
  if (at(bytes, 0, "\xFF\xD8\xFF"))
    return Sniffed{"image/jpeg", "jpg", Kind::image};
  if (at(bytes, 0, "\x89PNG\r\n\x1A\n"))
    return Sniffed{"image/png", "png", Kind::image};
  if (at(bytes, 0, "GIF87a") || at(bytes, 0, "GIF89a"))
    return Sniffed{"image/gif", "gif", Kind::image};
  if (at(bytes, 0, "RIFF") && at(bytes, 8, "WEBP"))
    return Sniffed{"image/webp", "webp", Kind::image};
  if (at(bytes, 0, "RIFF") && at(bytes, 8, "WAVE"))
    return Sniffed{"audio/wav", "wav", Kind::audio};
  if (auto iso = iso_media(bytes))
    return iso;
  if (at(bytes, 0, "\x1A\x45\xDF\xA3"))
    return Sniffed{"video/webm", "webm", Kind::video};
  if (at(bytes, 0, "OggS"))
    return Sniffed{"audio/ogg", "ogg", Kind::audio};
  if (at(bytes, 0, "ID3") || (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0xFF &&
                              (static_cast<unsigned char>(bytes[1]) & 0xE0) == 0xE0))
    return Sniffed{"audio/mpeg", "mp3", Kind::audio};
  if (at(bytes, 0, "%PDF-"))
    return Sniffed{"application/pdf", "pdf", Kind::unknown};
  return std::nullopt;
}

const std::vector<std::string>& supported_content_types() {
  static const std::vector<std::string> types = {
      "image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4",      "video/webm",
      "audio/mp4",  "audio/wav", "audio/ogg", "audio/mpeg", "application/pdf"};
  return types;
}

}  // namespace guildhall::media
