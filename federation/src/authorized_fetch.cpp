#include "guildhall/federation/authorized_fetch.hpp"

#include <utility>

#include "guildhall/federation/signatures/reasons.hpp"
#include "guildhall/storage/federation_queue.hpp"

namespace guildhall::federation {

namespace sig = guildhall::federation::signatures;

core::Result<sig::ResolvedKey> PolicyKeyResolver::resolve(std::string_view key_id, bool refresh) {
  std::optional<std::string> host = storage::inbox_host(key_id);
  if (!host || !peers_.allows(*host))
    return core::Error::forbidden("instance refused by federation policy");
  return inner_.resolve(key_id, refresh);
}

core::Result<std::string> allowed_signer_host(const sig::VerifiedSignature& verified,
                                              const PeerPolicy& peers) {
  std::optional<std::string> host = storage::inbox_host(verified.owner);
  if (!host || !peers.allows(*host))
    return core::Error::forbidden("instance_refused: instance refused by federation policy");
  return std::move(*host);
}

FetchAuthorizer::FetchAuthorizer(sig::KeyResolver& resolver, const PeerPolicy& peers,
                                 const core::Clock& clock, FetchAuthorizerOptions options)
    : resolver_(resolver), peers_(peers), clock_(clock), options_(std::move(options)) {}

core::Result<std::optional<VerifiedSigner>> FetchAuthorizer::authorize(const SignedGet& request,
                                                                       bool required) const {
  if (!required)
    return std::optional<VerifiedSigner>();
  PolicyKeyResolver resolver(resolver_, peers_);
  sig::VerifyInput in{request.method, request.target, request.headers, {}, options_.scheme};
  auto verified = sig::verify_request(in, resolver, clock_, options_.verify);
  if (!verified)
    return std::move(verified).error();
  auto host = allowed_signer_host(*verified, peers_);
  if (!host)
    return std::move(host).error();
  if (options_.on_signer_verified)
    options_.on_signer_verified(*host);
  return std::optional<VerifiedSigner>(
      VerifiedSigner{std::move(verified->owner), std::move(verified->key_id), std::move(*host)});
}

int fetch_status(const core::Error& error) noexcept {
  sig::Reason reason;
  if (sig::reason_of(error, reason))
    return sig::http_status(reason);
  return core::http_status(error.kind);
}

}  // namespace guildhall::federation
