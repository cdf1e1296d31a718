#pragma once

#include <string>
#include <string_view>

#include "guildhall/core/result.hpp"

namespace guildhall::server {

// argon2id in PHC string form ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash"), OWASP's
// recommended minimum; the parameters travel inside the string so they can be raised later.
core::Result<std::string> hash_password(std::string_view password);
bool verify_password(std::string_view password, const std::string& encoded_hash);

// Length and content rules for new passwords; returns a message for the user on failure.
core::Result<void> check_password_policy(std::string_view password);

}  // namespace guildhall::server
