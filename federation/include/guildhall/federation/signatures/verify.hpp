#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guildhall/core/clock.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/federation/signatures/headers.hpp"
#include "guildhall/federation/signatures/keys.hpp"
#include "guildhall/federation/signatures/reasons.hpp"

// Verifying incoming signed requests (inbox POSTs, authorized-fetch GETs).
//
// Typical inbox use:
//
//   VerifyInput in{req.method, req.target, headers, body};
//   auto verified = verify_request(in, resolver, clock, options);
//   if (!verified) { reason_of(verified.error(), r); return respond(http_status(r)); }
//   ... parse the activity ...
//   if (auto ok = check_actor_matches(*verified, activity.actor); !ok) return respond(403);
//
// Nothing here touches the network: the KeyResolver does (and is where blocked domains, negative
// caching and the actor→key back-link check belong, SIG-18 to SIG-21, SIG-28).
namespace guildhall::federation::signatures {

struct VerifyInput {
  std::string method;  // as received ("POST")
  std::string target;  // origin-form as received ("/users/bob/inbox?x=1")
  HeaderMap headers;
  std::string_view body;         // the raw body bytes (empty for GET)
  std::string scheme = "https";  // for RFC 9421 @target-uri / @scheme
};

// What a resolver knows about a key id.
struct ResolvedKey {
  std::string key_id;
  std::string owner;  // the actor id the key belongs to, as established by the resolver
  PublicKey key;
  bool from_cache = false;  // a failure with a cached key triggers one refresh (rotation)
};

class KeyResolver {
 public:
  virtual ~KeyResolver() = default;
  // refresh=true bypasses any cache. Return forbidden for keys we refuse without fetching
  // (blocked domain, suspended actor): verification maps it to key_forbidden (403). Any other
  // error becomes key_unavailable (401). A bad signature under a valid keyId triggers a refresh,
  // so a fetching resolver must rate-limit refreshes per key (catalogue SIG-29: one per 5 min;
  // inside the cool-off, answer from the cache with from_cache=false) and cache failures (SIG-21).
  virtual core::Result<ResolvedKey> resolve(std::string_view key_id, bool refresh) = 0;
};

// Fixed keys for tests and for local actors. `resolve(_, false)` reports from_cache=true, and
// `resolve(_, true)` serves the "refreshed" entry if one was staged with stage_refresh(),
// modelling a peer that rotated its key. Thread-safe.
class InMemoryKeyResolver final : public KeyResolver {
 public:
  void add(std::string key_id, std::string owner, PublicKey key);
  // What a refresh of key_id will return (and then keep serving).
  void stage_refresh(std::string key_id, std::string owner, PublicKey key);
  void block(std::string key_id);  // resolve() answers forbidden
  core::Result<ResolvedKey> resolve(std::string_view key_id, bool refresh) override;

  int calls() const;
  int refreshes() const;

 private:
  struct Entry {
    std::string owner;
    PublicKey key;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> keys_;
  std::map<std::string, Entry, std::less<>> staged_;
  std::map<std::string, bool, std::less<>> blocked_;
  int calls_ = 0;
  int refreshes_ = 0;
};

struct VerifyOptions {
  // Time window (Mastodon's, catalogue SIG-06/07): a signature is valid from created - skew to
  // expires + skew, where expires defaults to created + default_validity and is capped at
  // created + max_validity. A Date-only signature is thus good for about 65 minutes. An explicit
  // expires in the past is refused with no margin.
  std::chrono::seconds clock_skew{std::chrono::hours(1)};
  std::chrono::seconds default_validity{std::chrono::minutes(5)};
  std::chrono::seconds max_validity{std::chrono::hours(12)};

  // Coverage policy (Mastodon's, stricter where the catalogue says so): method and target, the
  // host, a date or created, and the body digest whenever there is a body or the method is POST.
  // Off only for conformance vectors.
  bool require_coverage = true;
  // When set, a signed Host / @authority must equal it (case-insensitive), SIG-15.
  std::string expected_host;
  // Mastodon/GoToSocial quirk (SIG-14): a draft-cavage (request-target) signed without the query
  // string still verifies when the request has one. Off: it would let a captured signature be
  // replayed with any query appended (SIG-13). Inbox POSTs carry no query, so the only cost is
  // signed GETs of paged collections from peers that sign the bare path (Mbin).
  bool allow_target_without_query = false;
  // keyId must be an absolute https URL (http allowed too when allow_http_key_id), with a host and
  // no userinfo, before the resolver is asked (SIG-19/20). Off only for conformance vectors.
  bool check_key_id_url = true;
  bool allow_http_key_id = false;
  // RSA keys outside this range are refused (SIG-30); bounds verification CPU.
  int min_rsa_bits = 2048;
  int max_rsa_bits = 8192;
  bool accept_cavage = true;
  bool accept_rfc9421 = true;
};

enum class SignatureScheme { cavage, rfc9421 };

struct VerifiedSignature {
  std::string key_id;
  // The resolved key's owner, never derived from the keyId string. The inbox must still require
  // owner == activity.actor (check_actor_matches) before any side effect.
  std::string owner;
  SignatureScheme scheme = SignatureScheme::cavage;
  std::string algorithm;                // the label as received, or the one implied by the key
  std::vector<std::string> components;  // covered headers / components, lowercased, in order
  std::string label;                    // RFC 9421 signature label ("sig1"); empty for cavage
  core::TimePoint created;              // (created), created, or the Date header
  bool refreshed_key = false;           // verification needed a key refresh (rotation)
};

// Checks, in order: a signature is present and well formed; the algorithm is allowed; coverage
// policy; the time window; the body digest; the host; then resolves the key (cached first) and
// verifies, refreshing the key once if a cached key fails. Draft-cavage is used for `Signature`
// (or `Authorization: Signature`) without `Signature-Input`; RFC 9421 when `Signature-Input` is
// present. With several RFC 9421 signatures, the first label (in Signature-Input order) that
// meets the coverage policy is verified and the others are ignored; if none meets it, the error
// is the first label's.
core::Result<VerifiedSignature> verify_request(const VerifyInput& input, KeyResolver& resolver,
                                               const core::Clock& clock,
                                               const VerifyOptions& options = {});

// Rule 1 of the catalogue: the signing key's owner must be the activity's actor, exact string
// equality (no normalisation: ids are compared as published). actor_mismatch (403) otherwise.
core::Result<void> check_actor_matches(const VerifiedSignature& verified,
                                       std::string_view activity_actor_id);

// Same scheme, host (case-insensitive, trailing dot ignored) and effective port (default ports
// filled in). URLs that do not parse, are not absolute http(s), or carry userinfo are never the
// same origin as anything.
bool same_origin(std::string_view a, std::string_view b);

// The building blocks, exposed for tests and tooling.
// draft-cavage signing string for `headers` (lowercased names) of a request.
core::Result<std::string> cavage_signing_string(const std::vector<std::string>& headers,
                                                std::string_view method, std::string_view target,
                                                const HeaderMap& request_headers,
                                                std::optional<std::int64_t> created,
                                                std::optional<std::int64_t> expires);

}  // namespace guildhall::federation::signatures
