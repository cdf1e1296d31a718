#include "guildhall/storage/database.hpp"

namespace guildhall::storage {

const std::vector<MigrationInfo>& known_migrations(Backend) {
  static const std::vector<MigrationInfo> none;
  return none;
}

core::Result<std::unique_ptr<Database>> open_database(std::string_view, const DatabaseOptions&) {
  return core::Error::unavailable("storage is not implemented yet");
}

}  // namespace guildhall::storage
