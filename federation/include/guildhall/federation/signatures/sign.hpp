#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "guildhall/core/clock.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/federation/signatures/keys.hpp"

namespace guildhall::federation::signatures {

// An outgoing request to sign. Only what the signature covers is needed; the caller sends the
// returned headers along with its own.
struct SignRequestInput {
  std::string method;  // "POST", "GET"
  std::string target;  // origin-form: path plus query, "/users/bob/inbox"
  std::string host;  // the Host header we will send: "remote.example" (with ":port" if not default)
  // Other headers the request will carry. Content-Type and Accept, when present, are signed too
  // (as Mastodon does); nothing else is.
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::string_view> body;  // present for POST; the Digest covers it
  std::string key_id;                    // "https://us.example/users/alice#main-key"
  PrivateKey key;
  // draft-cavage label: "rsa-sha256" (what every peer accepts) or "hs2019" (required for Ed25519).
  std::string cavage_algorithm = "rsa-sha256";
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// draft-cavage-http-signatures-12 as the fediverse speaks it. Returns the headers to add: Date,
// Digest (when there is a body) and Signature. Signs `(request-target) host date` plus `digest`,
// `content-type`, `accept` when present.
core::Result<HeaderList> sign_request(const SignRequestInput& input, const core::Clock& clock);

// RFC 9421 (for peers that take it, e.g. Mastodon 4.5+ and Fedify). Returns Content-Digest (when
// there is a body), Signature-Input and Signature with label "sig1", covering "@method"
// "@target-uri" ["content-digest"] with created, keyid and alg. `scheme` builds @target-uri.
core::Result<HeaderList> sign_request_rfc9421(const SignRequestInput& input,
                                              const core::Clock& clock,
                                              std::string_view scheme = "https");

}  // namespace guildhall::federation::signatures
