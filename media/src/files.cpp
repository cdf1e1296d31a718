#include "guildhall/media/files.hpp"

#include <fstream>
#include <iterator>
#include <system_error>

#include "guildhall/core/random.hpp"

namespace guildhall::media {

namespace {

constexpr std::size_t kRandomChars = 26;  // 26 base-36 characters: about 134 bits

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

FileStore::FileStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

std::string FileStore::new_name(std::string_view extension, std::string_view suffix) {
  unsigned char raw[kRandomChars];
  core::random_bytes(raw, sizeof raw);
  std::string name;
  for (unsigned char b : raw)
    name += "abcdefghijklmnopqrstuvwxyz0123456789"[b % 36];
  if (!suffix.empty())
    name += "-" + std::string(suffix);
  return name + "." + std::string(extension);
}

bool FileStore::valid_name(std::string_view name) noexcept {
  // random part, optional "-suffix", ".extension": [a-z0-9] only between the separators.
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot < kRandomChars || dot + 1 >= name.size() ||
      name.size() > 64)
    return false;
  const std::string_view stem = name.substr(0, dot);
  for (std::size_t i = 0; i < stem.size(); ++i)
    if (!name_char(stem[i]) && !(stem[i] == '-' && i == kRandomChars))
      return false;
  for (char c : name.substr(dot + 1))
    if (!name_char(c))
      return false;
  return true;
}

core::Result<void> FileStore::write(std::string_view name, std::string_view bytes) const {
  if (!valid_name(name))
    return core::Error::invalid_input("invalid media file name");
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec)
    return core::Error::unavailable("cannot create the media directory: " + ec.message());
  const auto final_path = dir_ / std::string(name);
  const auto temporary = dir_ / ("." + std::string(name) + ".part");
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::filesystem::remove(temporary, ec);
      return core::Error::unavailable("cannot write a media file");
    }
  }
  std::filesystem::rename(temporary, final_path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    return core::Error::unavailable("cannot store a media file");
  }
  return {};
}

core::Result<std::string> FileStore::read(std::string_view name) const {
  if (!valid_name(name))
    return core::Error::not_found("no such file");
  std::ifstream in(dir_ / std::string(name), std::ios::binary);
  if (!in)
    return core::Error::not_found("no such file");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void FileStore::remove(std::string_view name) const noexcept {
  if (!valid_name(name))
    return;
  std::error_code ec;
  std::filesystem::remove(dir_ / std::string(name), ec);
}

}  // namespace guildhall::media
