#pragma once

// Signed GETs: who is asking for one of our ActivityPub documents (config
// `federation.authorized_fetch`, and later private communities, which only answer instances
// holding members).
//
//   FetchAuthorizer authorizer(keys, peers, clock, options);
//   auto signer = authorizer.authorize(request, /*required=*/true);   // BLOCKING
//   if (!signer) answer fetch_status(signer.error()) with the message;
//   else if (*signer) ... (*signer)->actor, (*signer)->host ...
//
// The checks are the inbox's (signatures::verify_request with the same time window, host and
// coverage rules; a GET needs no digest), the key is refused without resolving it when its host is
// refused by the federation policy, and so is a key whose owner lives on a refused host.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "guildhall/core/clock.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/federation/policy.hpp"
#include "guildhall/federation/signatures/headers.hpp"
#include "guildhall/federation/signatures/verify.hpp"

namespace guildhall::federation {

// What a verified signature tells us about the requester.
struct VerifiedSigner {
  std::string actor;   // the key's owner (an actor id), as established by the key resolver
  std::string key_id;  // as sent
  std::string host;    // lowercase host[:port] of `actor`: the instance asking
};

// Refuses keys on hosts the federation policy refuses before `inner` is asked, so a refused
// instance never makes us fetch anything (catalogue SIG-28); verify_request maps the forbidden
// answer to key_forbidden (403).
class PolicyKeyResolver final : public signatures::KeyResolver {
 public:
  PolicyKeyResolver(signatures::KeyResolver& inner, const PeerPolicy& peers)
      : inner_(inner), peers_(peers) {}
  core::Result<signatures::ResolvedKey> resolve(std::string_view key_id, bool refresh) override;

 private:
  signatures::KeyResolver& inner_;
  const PeerPolicy& peers_;
};

// The signer's host when the policy lets its instance in; else forbidden "instance_refused: ...".
// The key's host was checked before resolving; its owner may live elsewhere (a key document).
core::Result<std::string> allowed_signer_host(const signatures::VerifiedSignature& verified,
                                              const PeerPolicy& peers);

struct SignedGet {
  std::string method = "GET";  // GET or HEAD, as received
  std::string target;          // origin-form as received ("/users/alice/outbox?page=2")
  signatures::HeaderMap headers;
};

struct FetchAuthorizerOptions {
  signatures::VerifyOptions verify{};  // expected_host: our host[:port]
  std::string scheme = "https";        // our scheme, for RFC 9421 @target-uri
  // Called with the signer's host after a signature verified (the peer is alive: its pending
  // deliveries need not wait out their backoff). Must not block.
  std::function<void(const std::string& host)> on_signer_verified{};
};

class FetchAuthorizer {
 public:
  // resolver and peers must outlive the authorizer. Thread-safe.
  FetchAuthorizer(signatures::KeyResolver& resolver, const PeerPolicy& peers,
                  const core::Clock& clock, FetchAuthorizerOptions options);

  // BLOCKING (the resolver may fetch the key). Not `required`: nullopt without looking at any
  // signature (verifying costs a key fetch; public documents do not need it). `required`: the
  // verified signer, or an error whose reason code starts the message — signature_missing (401),
  // any verification failure (the signatures reasons table: 400/401/403), instance_refused (403).
  core::Result<std::optional<VerifiedSigner>> authorize(const SignedGet& request,
                                                        bool required) const;

 private:
  signatures::KeyResolver& resolver_;
  const PeerPolicy& peers_;
  const core::Clock& clock_;
  FetchAuthorizerOptions options_;
};

// The status for an authorize() error (the signatures reasons table; 403 for instance_refused).
int fetch_status(const core::Error& error) noexcept;

}  // namespace guildhall::federation
