#pragma once

#include <string>
#include <string_view>

#include "guildhall/core/result.hpp"
#include "guildhall/federation/signatures/headers.hpp"
#include "guildhall/federation/signatures/structured_fields.hpp"

// Shared between signing and verification; not part of the public API.
namespace guildhall::federation::signatures::detail {

struct MessageView {
  std::string_view method;
  std::string_view target;  // origin-form
  std::string_view scheme;
  const HeaderMap& headers;
};

// RFC 9421 §2.5: the signature base for the covered components in `params` (an inner list of
// component identifiers with the signature parameters). Errors carry reasons.
core::Result<std::string> rfc9421_signature_base(const sf::InnerList& params,
                                                 const MessageView& message);

// @authority as RFC 9421 §2.2.3 wants it: the Host value lowercased, default port removed.
std::string normalized_authority(std::string_view host, std::string_view scheme);

}  // namespace guildhall::federation::signatures::detail
