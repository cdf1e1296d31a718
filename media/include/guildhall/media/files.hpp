#pragma once

// The directory media files live in (`media.dir`). Names are ours (random, see new_name), so a
// name from a request is checked against that shape before it touches the file system: no path
// can leave the directory. Blocking file I/O: run it on the blocking pool.

#include <filesystem>
#include <string>
#include <string_view>

#include "guildhall/core/result.hpp"

namespace guildhall::media {

class FileStore {
 public:
  explicit FileStore(std::filesystem::path dir);

  const std::filesystem::path& dir() const noexcept { return dir_; }

  // A fresh random file name: 26 characters of [a-z0-9], then "-suffix" if given, then
  // ".extension".
  static std::string new_name(std::string_view extension, std::string_view suffix = {});
  // Whether `name` has the shape new_name gives.
  static bool valid_name(std::string_view name) noexcept;

  // Creates the directory if needed and writes the file atomically (a temporary file renamed).
  core::Result<void> write(std::string_view name, std::string_view bytes) const;
  // not_found for a missing file or an invalid name.
  core::Result<std::string> read(std::string_view name) const;
  // Removes the file if it exists; errors are ignored (a leftover file is harmless).
  void remove(std::string_view name) const noexcept;

 private:
  std::filesystem::path dir_;
};

}  // namespace guildhall::media
