#pragma once

#include <cstddef>
#include <string>

namespace guildhall::core {

// Cryptographically secure random bytes (OpenSSL's DRBG is used by federation; core keeps to
// getrandom(2) so it stays dependency-free). Throws on failure: running without entropy is fatal.
void random_bytes(void* out, std::size_t size);
// URL-safe base64 without padding of `bytes` random bytes: tokens, secrets, nonces.
std::string random_token(std::size_t bytes = 32);

}  // namespace guildhall::core
