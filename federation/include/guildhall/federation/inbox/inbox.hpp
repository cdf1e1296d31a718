#pragma once

// The inbound pipeline: one POST to an inbox becomes, after every check has passed, one row in
// the persisted inbox log (storage::InboxLogRepo). Handlers run later from that log
// (InboxProcessor), so a crash between the 202 and the handling replays the activity.
//
//   Inbox inbox(db, resolver, peers, urls, clock, {});
//   auto receipt = inbox.receive(request);   // BLOCKING: the resolver may fetch a key
//   status = receipt ? 202 : inbox::http_status(receipt.error());
//
// Order of checks (nothing is written before the last one passed): body size, content type,
// recipient exists, HTTP signature (keys of refused hosts are never resolved), federation policy
// on the signer, bounded parse, signer == actor, origins (activity id, embedded objects), then
// dedupe by activity id and persist, in one transaction.

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "guildhall/core/clock.hpp"
#include "guildhall/core/id.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/federation/policy.hpp"
#include "guildhall/federation/signatures/headers.hpp"
#include "guildhall/federation/signatures/verify.hpp"
#include "guildhall/federation/urls.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::federation::inbox {

struct InboxRequest {
  std::string method;  // "POST"
  std::string target;  // origin-form as received ("/users/bob/inbox")
  signatures::HeaderMap headers;
  std::string body;
  // The inbox posted to: Urls::shared_inbox() for /inbox, else the local actor's id
  // ("https://us.example/users/bob", "https://us.example/c/devs").
  std::string recipient;
};

struct Receipt {
  std::string activity_id;
  bool duplicate = false;  // seen before: nothing was stored, no side effect
  bool ignored = false;    // a type we do not handle: accepted, not stored
  core::Id log_id = 0;     // the inbox_activities row (0 when duplicate or ignored)
};

struct InboxOptions {
  std::size_t max_body_bytes = 1024 * 1024;  // also the route's body_limit
  signatures::VerifyOptions verify{};        // expected_host is filled from Urls if empty
  // Known local inboxes are remembered this long, saving a database round trip per request (a
  // deleted actor's inbox keeps accepting for at most this long; its handlers then find it gone).
  std::chrono::seconds recipient_cache_ttl{60};
  std::size_t recipient_cache_size = 10'000;  // cleared when full (rule 6: bounded state)
  // Called after an activity was persisted (outside the transaction): connect it to
  // InboxProcessor::notify() so handling starts without waiting for the next poll.
  std::function<void()> on_accepted{};
  // Called with the signer's host once its signature verified and the policy let it in: connect
  // it to DeliveryWorker::peer_alive() so a peer that was down gets its backlog now. Must not
  // block.
  std::function<void(const std::string& host)> on_signer_verified{};
};

class Inbox {
 public:
  // Everything passed must outlive the Inbox. Thread-safe: receive() runs on any pool thread.
  Inbox(storage::Database& db, signatures::KeyResolver& resolver, const PeerPolicy& peers,
        Urls urls, const core::Clock& clock, InboxOptions options = {});

  // BLOCKING (database, and the resolver may fetch a key). Errors carry a reason code at the start
  // of the message ("unsupported_media_type: ...", "digest_mismatch: ..."); answer with
  // http_status(error).
  core::Result<Receipt> receive(const InboxRequest& request);

 private:
  // nullopt: no such local inbox; else whether it is a group's.
  core::Result<std::optional<bool>> local_recipient(const std::string& recipient);

  storage::Database& db_;
  signatures::KeyResolver& resolver_;
  const PeerPolicy& peers_;
  Urls urls_;
  const core::Clock& clock_;
  InboxOptions options_;
  struct CachedRecipient {
    bool group = false;
    core::TimePoint until{};
  };
  std::mutex cache_mutex_;
  std::unordered_map<std::string, CachedRecipient> recipients_;
};

// The status an inbox answers for a receive() error: the signature reasons' table
// (signatures::http_status), 415 for an unsupported media type, else core::http_status(kind).
int http_status(const core::Error& error) noexcept;

// The reason code at the start of an error message ("actor_mismatch"), for the reject log line.
std::string reason_code(const core::Error& error);

// Content types an inbox accepts: application/activity+json, application/ld+json (any profile),
// application/json; parameters and case ignored.
bool is_activity_content_type(std::string_view content_type);

}  // namespace guildhall::federation::inbox
