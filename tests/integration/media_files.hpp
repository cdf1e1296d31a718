#pragma once

// Upload bodies for the media tests: a real PNG made without an imaging library, and a
// multipart/form-data body around fields and a file.

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace guildhall::testrig {

// A real RGB PNG of width x height (a gradient) with stored (uncompressed) deflate blocks, so no
// imaging or zlib library is needed. `claimed_*` overrides the header's size (a bomb's lie).
inline std::string png_file(int width, int height, int claimed_width = 0, int claimed_height = 0) {
  const auto crc32 = [](const std::string& data) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (unsigned char byte : data) {
      c ^= byte;
      for (int k = 0; k < 8; ++k)
        c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
  };
  const auto be32 = [](std::uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                       static_cast<char>(v >> 8), static_cast<char>(v)};
  };
  const auto chunk = [&](const std::string& kind, const std::string& data) {
    return be32(static_cast<std::uint32_t>(data.size())) + kind + data + be32(crc32(kind + data));
  };
  std::string raw;
  for (int y = 0; y < height; ++y) {
    raw += '\0';
    for (int x = 0; x < width; ++x)
      raw += {static_cast<char>(x * 255 / width), static_cast<char>(128),
              static_cast<char>(255 - x * 255 / width)};
  }
  std::string deflate = "\x78\x01";
  std::uint32_t a = 1, b = 0;
  for (unsigned char byte : raw) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  for (std::size_t at = 0; at < raw.size(); at += 65535) {
    const std::size_t n = std::min<std::size_t>(65535, raw.size() - at);
    deflate += static_cast<char>(at + n == raw.size() ? 1 : 0);
    deflate += {static_cast<char>(n & 0xFF), static_cast<char>(n >> 8),
                static_cast<char>(~n & 0xFF), static_cast<char>((~n >> 8) & 0xFF)};
    deflate += raw.substr(at, n);
  }
  deflate += be32((b << 16) | a);
  const auto w = static_cast<std::uint32_t>(claimed_width ? claimed_width : width);
  const auto h = static_cast<std::uint32_t>(claimed_height ? claimed_height : height);
  return "\x89PNG\r\n\x1A\n" + chunk("IHDR", be32(w) + be32(h) + std::string("\x08\x02\0\0\0", 5)) +
         chunk("IDAT", deflate) + chunk("IEND", "");
}

// A multipart/form-data body: `fields`, then `file` under `file_field` (when not empty).
struct Multipart {
  std::string body;
  std::map<std::string, std::string> headers;
};
inline Multipart multipart(const std::vector<std::pair<std::string, std::string>>& fields,
                           const std::string& file_field = "", const std::string& file = "",
                           const std::string& claimed_type = "image/png") {
  const std::string boundary = "GuildhallTestBoundary7MA4YWxk";
  std::string body;
  for (const auto& [name, value] : fields)
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" +
            value + "\r\n";
  if (!file_field.empty())
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + file_field +
            "\"; filename=\"upload.bin\"\r\nContent-Type: " + claimed_type + "\r\n\r\n" + file +
            "\r\n";
  body += "--" + boundary + "--\r\n";
  return {body, {{"Content-Type", "multipart/form-data; boundary=" + boundary}}};
}

}  // namespace guildhall::testrig
