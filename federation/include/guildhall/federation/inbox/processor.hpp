#pragma once

// Runs the handlers over the persisted inbox log (storage::InboxLogRepo): claims pending rows,
// dispatches each by type, and marks it done IN THE SAME TRANSACTION as the handler's writes, so
// an activity's effects commit exactly once. A process that dies mid-way leaves the row leased;
// when the lease runs out another processor (or this one after a restart) claims it again.
//
//   InboxProcessor processor(db, urls, clock, {.on_enqueued = [&] { worker.notify(); }});
//   processor.start();                 // its own thread
//   inbox_options.on_accepted = [&] { processor.notify(); };
//   ...
//   processor.stop();
//
// Tests drive it without a thread: process_due() handles everything claimable now.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "guildhall/activitystreams/object.hpp"
#include "guildhall/core/clock.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/federation/urls.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::federation::inbox {

// Makes sure a remote actor is in the actors table (fetching and storing it if unknown), BLOCKING.
// Implemented by the fetch part's RemoteActors; called before the handler's transaction opens so
// no network wait happens inside a transaction. Optional: without one, an unknown actor fails the
// item (retried later, in case key resolution stores it meanwhile).
class ActorSource {
 public:
  virtual ~ActorSource() = default;
  virtual core::Result<storage::Actor> ensure(std::string_view actor_id) = 0;
  // Refetches from the origin: called for an Update of the actor itself (profile or key change).
  // The embedded copy in the Update is never stored (catalogue rule 2).
  virtual core::Result<storage::Actor> refresh(std::string_view actor_id) {
    return ensure(actor_id);
  }
};

// Fetches a document (an activity or a post) from its origin, BLOCKING; the answer's id must be
// the requested one or a same-origin canonical id (fetch::Dereferencer checks it). Used for what a
// group Announces by id, or embeds from another origin (catalogue rule 3, ORI-13): called before
// the handler's transaction opens. Optional: without one such Announces are ignored.
class ObjectSource {
 public:
  virtual ~ObjectSource() = default;
  virtual core::Result<activitystreams::Object> fetch(std::string_view id) = 0;
};

struct ProcessorOptions {
  std::string owner;  // lease owner, unique per processor; empty: "inbox:<random>"
  std::size_t batch = 32;
  std::chrono::milliseconds lease{std::chrono::minutes(5)};
  // Real time between looks at the log when nothing calls notify() (due retries, other
  // processes' rows).
  std::chrono::milliseconds poll_interval{std::chrono::seconds(2)};
  int max_attempts = 8;  // a failing item is retried with backoff, then failed for good
  std::chrono::seconds retry_base{30};
  // Received ids and finished rows are kept this long (dedupe window, and the Delete-before-Create
  // tombstones), then pruned by the processor's thread every maintenance_interval (clock time).
  std::chrono::hours retention{24 * 7};
  std::chrono::minutes maintenance_interval{10};
  // Called after a transaction that queued deliveries committed: connect to
  // DeliveryWorker::notify().
  std::function<void()> on_enqueued{};
  ActorSource* actors = nullptr;
  ObjectSource* objects = nullptr;
  // Called after the Accept of a local person's Follow of a remote community committed (on the
  // processor's thread): the place to backfill the community's latest threads (CommunityBackfill).
  std::function<void(storage::Id community_id)> on_joined{};
  // Called after a transaction that met a comment whose parent we do not have, in a remote
  // community a local person follows (on the processor's thread; `reply` is the comment as
  // trusted by the handler): the place to backfill its thread (CommunityBackfill::thread_of).
  std::function<void(storage::Id community_id, const activitystreams::Object& reply)>
      on_orphan_reply{};
};

struct ProcessorStats {
  std::uint64_t handled = 0;    // completed (including ignored)
  std::uint64_t retried = 0;    // failed, retry scheduled
  std::uint64_t failed = 0;     // failed for good
  std::uint64_t db_errors = 0;  // claim/complete/fail calls that failed
};

class InboxProcessor {
 public:
  // db and clock must outlive the processor.
  InboxProcessor(storage::Database& db, Urls urls, const core::Clock& clock,
                 ProcessorOptions options = {});
  ~InboxProcessor();  // stop()
  InboxProcessor(const InboxProcessor&) = delete;
  InboxProcessor& operator=(const InboxProcessor&) = delete;

  void start();   // one thread: claim, handle, repeat
  void notify();  // new work: look now instead of at the next poll
  void stop();    // claims nothing more, finishes the batch in hand, joins; idempotent

  // Claims and handles everything due now, in batches, on the calling thread. Returns how many
  // items were handled (completed or failed). Use either this or start(), not both at once.
  std::size_t process_due();

  // The retention sweep (inbox_log().prune(now - retention)); run() calls it periodically.
  // Returns how many rows went.
  core::Result<std::int64_t> prune();

  ProcessorStats stats() const;

 private:
  void run();
  void handle_one(const storage::InboxActivity& item);

  storage::Database& db_;
  Urls urls_;
  const core::Clock& clock_;
  ProcessorOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool notified_ = false;
  bool stopping_ = false;
  std::thread thread_;
  std::thread::id worker_{};
  core::TimePoint last_maintenance_{};  // the thread run() is on, so only it stops mid-batch
  ProcessorStats stats_;
};

}  // namespace guildhall::federation::inbox
