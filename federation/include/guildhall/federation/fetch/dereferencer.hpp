#pragma once

// Fetching remote ActivityPub documents (catalogue rule 2): every GET goes through the egress
// client, is signed by our instance actor on every redirect hop (authorized-fetch peers require
// it), is refused before any network I/O when the federation policy or our own domain says so, and
// is trusted only when the response is AS2 and its `id` has the origin of the final URL.
//
//   fetch::Dereferencer deref(client, &policy, fetch::InstanceSigner::from_pem(key_id,
//   pem).value(),
//                             {.local_host = "guild.example"});
//   auto doc = deref.fetch("https://peer.example/users/alice");   // blocks: worker threads only
//
// EVERY CALL BLOCKS (EgressClient::request_blocking): the client's executor must be run by other
// threads, and these calls must never run on one of them.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "guildhall/activitystreams/object.hpp"
#include "guildhall/core/clock.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/federation/egress/client.hpp"
#include "guildhall/federation/egress/url.hpp"
#include "guildhall/federation/signatures/keys.hpp"

namespace guildhall::federation {
class PeerPolicy;
}

namespace guildhall::federation::fetch {

// What we ask for and what we accept (ORI-09).
inline constexpr std::string_view kAcceptActivityJson =
    R"(application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams")";
inline constexpr std::string_view kAcceptJrd = "application/jrd+json, application/json";

// application/activity+json (any parameters), or application/ld+json without a profile or with
// the AS2 profile (Mastodon accepts bare ld+json; a foreign profile is refused).
bool is_activity_json(std::string_view content_type);
// application/jrd+json or application/json (WebFinger).
bool is_jrd_json(std::string_view content_type);

// The key every fetch is signed with: our instance actor's.
struct InstanceSigner {
  std::string key_id;  // "https://guild.example/actor#main-key"
  signatures::PrivateKey key;
  static core::Result<InstanceSigner> from_pem(std::string key_id, std::string_view private_pem);
};

struct DereferencerOptions {
  // Our own authority ("guild.example", with ":port" if not default): never fetched (ORI-16).
  std::string local_host;
  // Response bodies beyond this are too_large (SSRF-11); AS2 documents are small.
  std::size_t max_body = 1024 * 1024;
  // When a document's id is not the URL it was served from (same origin, or it is refused), fetch
  // the id once more and require that copy to name itself (catalogue ORI-08). Off: accept the
  // first copy and use its id.
  bool confirm_canonical_id = true;
  // Scheme used for WebFinger URLs built from a bare host: "https"; "http" only in tests.
  std::string webfinger_scheme = "https";
};

struct Fetched {
  activitystreams::Object object;
  egress::Url final_url;  // after redirects
  // object.id; differs from the requested URL when the peer canonicalised it (same origin only).
  std::string id;
};

// Thread-safe: one instance serves every worker thread.
//
// Errors: forbidden (policy, our own domain, a redirect to either), invalid_input (bad URL, not
// AS2, unparseable, `id` missing or on another origin than the final URL, a 4xx other than
// 404/410), not_found (404, 410), unavailable (network, 5xx, 429), too_large.
class Dereferencer {
 public:
  // `policy` may be null (everyone allowed). `signer` nullopt: unsigned GETs (tests, tooling).
  // `client` and `policy` must outlive this.
  Dereferencer(egress::EgressClient& client, const PeerPolicy* policy,
               std::optional<InstanceSigner> signer, DereferencerOptions options,
               const core::Clock& clock = core::SystemClock::instance());

  // GET `url` as AS2 and validate it (see above), confirming a canonical id that differs from
  // the final URL with a second GET (confirm_canonical_id). Blocking.
  core::Result<Fetched> fetch(std::string_view url) const;

  // GET `url` expecting JSON of one of the `accept`ed media types (WebFinger, NodeInfo): the same
  // policy checks, bounded JSON parse, no id check. Signed only when `sign`. Blocking.
  core::Result<nlohmann::json> fetch_json(std::string_view url, std::string_view accept,
                                          bool sign) const;

  // The policy/own-domain check applied before any network I/O and on every redirect hop.
  core::Result<egress::Url> check_url(std::string_view url) const;
  bool is_local(std::string_view authority) const;
  bool allowed(const egress::Url& url) const;

  const DereferencerOptions& options() const { return options_; }
  const core::Clock& clock() const { return clock_; }

 private:
  core::Result<Fetched> fetch_once(std::string_view url) const;
  core::Result<egress::EgressResponse> get(const egress::Url& url, std::string_view accept,
                                           bool sign) const;

  egress::EgressClient& client_;
  const PeerPolicy* policy_;
  std::optional<InstanceSigner> signer_;
  DereferencerOptions options_;
  const core::Clock& clock_;
};

}  // namespace guildhall::federation::fetch
