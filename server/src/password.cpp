#include "guildhall/server/password.hpp"

#include <argon2.h>

#include "guildhall/core/random.hpp"

namespace guildhall::server {

namespace {
constexpr std::uint32_t kTimeCost = 2;
constexpr std::uint32_t kMemoryKiB = 19 * 1024;
constexpr std::uint32_t kParallelism = 1;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
constexpr std::size_t kMaxPasswordBytes = 1024;  // argon2 accepts more; bounds CPU per attempt
}  // namespace

core::Result<void> check_password_policy(std::string_view password) {
  if (password.size() < 8)
    return core::Error::invalid_input("password must be at least 8 characters");
  if (password.size() > kMaxPasswordBytes)
    return core::Error::invalid_input("password must be at most 1024 bytes");
  return {};
}

core::Result<std::string> hash_password(std::string_view password) {
  if (password.size() > kMaxPasswordBytes)
    return core::Error::invalid_input("password too long");
  unsigned char salt[kSaltBytes];
  core::random_bytes(salt, sizeof salt);
  const std::size_t encoded_len =
      argon2_encodedlen(kTimeCost, kMemoryKiB, kParallelism, kSaltBytes, kHashBytes, Argon2_id);
  std::string encoded(encoded_len, '\0');
  const int rc =
      argon2id_hash_encoded(kTimeCost, kMemoryKiB, kParallelism, password.data(), password.size(),
                            salt, sizeof salt, kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK)
    return core::Error::internal(argon2_error_message(rc));
  encoded.resize(encoded.find('\0'));
  return encoded;
}

bool verify_password(std::string_view password, const std::string& encoded_hash) {
  if (password.size() > kMaxPasswordBytes || !encoded_hash.starts_with("$argon2id$"))
    return false;
  return argon2id_verify(encoded_hash.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace guildhall::server
