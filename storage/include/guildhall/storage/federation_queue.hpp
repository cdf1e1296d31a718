#pragma once

// The federation work queues (schema migration 0002), written once for both backends:
//
//   InboxLogRepo       inbox dedupe by activity id (received_activities) and the persisted work
//                      log of accepted activities (inbox_activities), so handlers are replayable
//                      after a crash (security catalogue rule 10, 3.4 commitment 2).
//   DeliveryQueueRepo  the transactional outbox: outgoing activities (outbox_activities), one
//                      delivery row per distinct target inbox (deliveries), and per-host delivery
//                      health (peers) for the circuit breaker (3.4 commitments 1, 3, 4).
//
// Like every repository they live inside a transaction (Tx::inbox_log(), Tx::delivery_queue()),
// so an outgoing activity commits or rolls back with the change that causes it:
//
//   db.transact([&](Tx& tx) -> Result<void> {
//     auto post = tx.posts().create(...);                        // the change
//     auto queued = tx.delivery_queue().enqueue(activity, inboxes);  // its deliveries
//     ...
//   });
//   worker.notify();  // after the commit: start delivering now
//
// Times passed in (`now`) come from the caller's clock (the delivery worker's), so tests drive
// leases and retries with one core::ManualClock. Every call blocks.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guildhall/core/result.hpp"
#include "guildhall/storage/model.hpp"
#include "guildhall/storage/repositories.hpp"

namespace guildhall::storage {

// ---------------------------------------------------------------------------------------------
// inbox

enum class InboxState { pending, done, failed };
std::string_view to_string(InboxState v) noexcept;
bool parse(std::string_view text, InboxState& out) noexcept;

struct NewInboxActivity {
  std::string ap_id{};    // the activity's id
  std::string actor{};    // the activity's actor (ActivityPub id)
  std::string signer{};   // the keyId's owner that signed the request (same as actor, rule 1)
  std::string payload{};  // the JSON as received
  std::optional<std::string> payload_hash{};
};

struct InboxActivity {
  Id id = 0;
  std::string ap_id{};
  std::string actor{};
  std::string signer{};
  std::string payload{};
  InboxState state = InboxState::pending;
  int attempts = 0;  // handler runs that failed
  TimePoint next_attempt_at{};
  std::optional<std::string> last_error{};
  std::optional<std::string> lease_owner{};
  std::optional<TimePoint> lease_until{};
  TimePoint created_at{};
  TimePoint updated_at{};
};

class InboxLogRepo {
 public:
  virtual ~InboxLogRepo() = default;
  // Records an activity id as received. Returns false if it already was: the inbox still answers
  // 202 but does nothing else (duplicate deliveries are normal: peers retry).
  virtual Result<bool> record_received(std::string_view ap_id, std::string_view actor,
                                       std::optional<std::string> payload_hash = std::nullopt) = 0;
  virtual Result<bool> was_received(std::string_view ap_id) = 0;
  // record_received plus the work item, in one step: nullopt for a duplicate (no work queued).
  virtual Result<std::optional<InboxActivity>> accept(const NewInboxActivity& activity) = 0;
  // Leases up to `limit` due pending items, oldest first. A lease that runs out (the process died)
  // makes the item claimable again: handlers must be idempotent (they are re-run after a crash).
  virtual Result<std::vector<InboxActivity>> claim(std::string_view owner, TimePoint now,
                                                   std::size_t limit,
                                                   std::chrono::milliseconds lease) = 0;
  virtual Result<void> complete(Id id) = 0;  // state done; not_found if missing
  // retry_at set: stays pending and is retried then; nullopt: failed for good.
  virtual Result<void> fail(Id id, std::string_view error, std::optional<TimePoint> retry_at) = 0;
  virtual Result<InboxActivity> get(Id id) = 0;
  virtual Result<std::int64_t> count_pending() = 0;
  // Deletes received ids and finished (done/failed) work items older than `before`; returns how
  // many rows went. Pending items are kept whatever their age.
  virtual Result<std::int64_t> prune(TimePoint before) = 0;
};

// ---------------------------------------------------------------------------------------------
// outbox and deliveries

struct NewOutboxActivity {
  std::optional<Id> id{};  // nullopt: a fresh Snowflake (pass one if ap_id embeds it)
  std::string ap_id{};
  Id actor_id = 0;        // the local actor whose key signs the deliveries
  std::string payload{};  // the serialized activity, sent as is
};

struct OutboxActivity {
  Id id = 0;
  std::string ap_id{};
  Id actor_id = 0;
  std::string payload{};
  TimePoint created_at{};
};

struct EnqueueResult {
  OutboxActivity activity{};
  std::size_t deliveries = 0;  // distinct inboxes queued
};

enum class DeliveryState { pending, failed };
std::string_view to_string(DeliveryState v) noexcept;
bool parse(std::string_view text, DeliveryState& out) noexcept;

struct Delivery {
  Id id = 0;
  Id activity_id = 0;
  std::string inbox_url{};
  std::string host{};  // lowercase host[:port] of inbox_url: the FIFO and circuit-breaker key
  DeliveryState state = DeliveryState::pending;
  int attempts = 0;  // failed attempts so far
  TimePoint next_attempt_at{};
  std::optional<std::string> last_error{};
  std::optional<int> last_status{};
  std::optional<std::string> lease_owner{};
  std::optional<TimePoint> lease_until{};
  TimePoint created_at{};
};

// A claimed delivery with what the transport needs to sign and send it, so the HTTP side never
// has to touch the database.
struct DeliveryJob {
  Id id = 0;
  Id activity_id = 0;
  std::string activity_ap_id{};
  Id actor_id = 0;
  std::string inbox_url{};
  std::string host{};
  std::string payload{};
  int attempts = 0;  // failed attempts before this one
  TimePoint created_at{};
  TimePoint lease_until{};
  std::optional<std::string> key_id{};           // the actor's public key id
  std::optional<std::string> private_key_pem{};  // the actor's signing key
};

struct ClaimRequest {
  std::string owner{};  // unique per worker; several processes may share one database
  TimePoint now{};
  std::size_t limit = 100;  // at most this many jobs in total
  // At most this many leased (in-flight) deliveries per host, counting every owner's. A host with
  // a failure streak gets 1 (one probe at a time); a host whose circuit is open gets none.
  std::size_t per_host_limit = 32;
  std::chrono::milliseconds lease{std::chrono::minutes(5)};
};

struct DeliveryFailure {
  Id id = 0;
  std::string owner{};     // only the lease holder's report counts
  bool permanent = false;  // true: state failed, never retried; false: retried at next_attempt_at
  std::optional<int> status{};
  std::string error{};
  TimePoint next_attempt_at{};
};

struct PeerState {
  std::string host{};
  int consecutive_failures = 0;
  int circuit_trips = 0;                          // trips since the last success
  std::optional<TimePoint> circuit_open_until{};  // set while tripped; cleared by a success
  std::optional<TimePoint> last_success_at{};
  std::optional<TimePoint> last_failure_at{};
  std::optional<int> last_status{};
  std::optional<std::string> last_error{};
  // Set when a failing host was seen up again (record_success, retry_host_now). Its pending
  // deliveries created before then are its outage backlog: claimed one at a time, in order.
  std::optional<TimePoint> recovered_at{};
};

// The circuit breaker's shape (the delivery worker passes its configuration).
struct CircuitPolicy {
  int failure_threshold = 10;  // consecutive failures that trip it
  std::chrono::milliseconds base_cooldown{std::chrono::minutes(1)};  // first trip
  std::chrono::milliseconds max_cooldown{std::chrono::hours(1)};     // doubling up to this
};

struct PeerFailure {
  std::string host{};
  TimePoint now{};
  int failures = 1;  // consecutive failures being reported (a batch of results)
  std::optional<int> status{};
  std::string error{};
};

struct HostDepth {
  std::string host{};
  std::int64_t pending = 0;
};

struct QueueDepth {
  std::int64_t pending = 0;      // deliveries not yet done (in flight included)
  std::int64_t leased = 0;       // of which in flight (lease not expired at `now`)
  std::int64_t failed = 0;       // given up, kept for inspection
  std::vector<HostDepth> hosts;  // pending per host, largest first
};

class DeliveryQueueRepo {
 public:
  virtual ~DeliveryQueueRepo() = default;
  // Stores the activity and one pending delivery per distinct inbox URL (shared inboxes passed
  // once per follower collapse to one row), with multi-row INSERTs in the caller's transaction.
  // invalid_input for an inbox that is not an http(s) URL with a host, or no actor; already_exists
  // for a known ap_id.
  virtual Result<EnqueueResult> enqueue(const NewOutboxActivity& activity,
                                        const std::vector<std::string>& inbox_urls) = 0;
  virtual Result<OutboxActivity> get_activity(Id id) = 0;

  // Leases due deliveries: per host only the oldest pending rows in id order (a row waiting for
  // its retry holds back every later row of its host: FIFO per peer), never for a host whose
  // circuit is open, and within the per-host limit. Returned in id order. PostgreSQL takes the
  // rows FOR UPDATE SKIP LOCKED so concurrent claimers never get the same row; SQLite's single
  // writer makes the claim atomic.
  virtual Result<std::vector<DeliveryJob>> claim(const ClaimRequest& request) = 0;
  // Delivered: the rows are deleted. Ids not found are ignored (another owner finished them).
  virtual Result<std::size_t> complete(const std::vector<Id>& ids) = 0;
  // Records a failed attempt (attempts + 1, status, error) and clears the lease. Returns false if
  // the row is gone or leased by someone else (our lease ran out; the result is dropped).
  virtual Result<bool> fail(const DeliveryFailure& failure) = 0;
  // Clean shutdown: gives back every lease `owner` holds so others can claim them at once.
  virtual Result<std::size_t> release(std::string_view owner) = 0;
  // Marks pending rows created before `before` failed ("expired"): the retention window for a
  // dead peer's backlog. Returns how many.
  virtual Result<std::size_t> expire(TimePoint before) = 0;
  // Deletes outbox activities created before `before` that have no pending delivery (their failed
  // rows go with them). Returns how many activities.
  virtual Result<std::size_t> prune(TimePoint before) = 0;
  virtual Result<Delivery> get(Id id) = 0;
  virtual Result<std::vector<Delivery>> list_for_activity(Id activity_id) = 0;
  virtual Result<QueueDepth> depth(TimePoint now) = 0;

  // Peer health. A success clears the failure streak and the circuit, and when the host had been
  // failing makes its waiting backlog due now (the peer is back: deliver without waiting out each
  // row's backoff).
  virtual Result<PeerState> record_success(std::string_view host, TimePoint now) = 0;
  // Adds failures to the streak; at the policy's threshold the circuit trips (open until now +
  // base_cooldown * 2^(trips - 1), capped). Failures reported while it is open do not re-trip it.
  virtual Result<PeerState> record_failure(const PeerFailure& failure,
                                           const CircuitPolicy& policy) = 0;
  // not_found for a host never recorded.
  virtual Result<PeerState> get_peer(std::string_view host) = 0;
  // Evidence the host is up (it just sent us an activity): close its circuit and make its backlog
  // due now; the backlog is then drained in order (recovered_at). Returns how many deliveries
  // were rescheduled.
  virtual Result<std::size_t> retry_host_now(std::string_view host, TimePoint now) = 0;
};

// Lowercase host[:port] of an http(s) URL; nullopt if the URL has no such authority.
std::optional<std::string> inbox_host(std::string_view url);

}  // namespace guildhall::storage
