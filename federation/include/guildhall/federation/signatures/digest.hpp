#pragma once

#include <string>
#include <string_view>

#include "guildhall/core/result.hpp"

namespace guildhall::federation::signatures {

// `Digest: SHA-256=<base64>` (RFC 3230), signed by draft-cavage senders.
std::string digest_header(std::string_view body);
// `Content-Digest: sha-256=:<base64>:` (RFC 9530), signed by RFC 9421 senders.
std::string content_digest_header(std::string_view body);

// Check a received header against the body. Unknown algorithms are ignored, but at least one
// supported entry must be present and every supported entry must match (constant-time compare).
// Digest supports SHA-256 only (what Mastodon accepts); Content-Digest supports sha-256 and
// sha-512. Errors carry the reasons digest_unsupported or digest_mismatch (see reasons.hpp).
core::Result<void> verify_digest_header(std::string_view value, std::string_view body);
core::Result<void> verify_content_digest_header(std::string_view value, std::string_view body);

}  // namespace guildhall::federation::signatures
