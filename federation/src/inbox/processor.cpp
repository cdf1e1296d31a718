#include "guildhall/federation/inbox/processor.hpp"

#include <algorithm>
#include <random>
#include <utility>

#include <spdlog/spdlog.h>

#include "guildhall/activitystreams/parse.hpp"

#include "handlers/handler.hpp"

namespace guildhall::federation::inbox {

namespace as = guildhall::activitystreams;

namespace {

std::string random_owner() {
  std::random_device rd;
  std::uniform_int_distribution<unsigned long long> dist;
  return "inbox:" + std::to_string(dist(rd));
}

// Failures a later attempt may fix; the others (forbidden, malformed) are final.
bool is_transient(core::ErrorKind kind) {
  return kind == core::ErrorKind::unavailable || kind == core::ErrorKind::conflict ||
         kind == core::ErrorKind::internal;
}

}  // namespace

InboxProcessor::InboxProcessor(storage::Database& db, Urls urls, const core::Clock& clock,
                               ProcessorOptions options)
    : db_(db), urls_(std::move(urls)), clock_(clock), options_(std::move(options)) {
  if (options_.owner.empty())
    options_.owner = random_owner();
  options_.batch = std::max<std::size_t>(options_.batch, 1);
}

InboxProcessor::~InboxProcessor() {
  stop();
}

void InboxProcessor::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable())
    return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void InboxProcessor::notify() {
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
  }
  wake_.notify_one();
}

void InboxProcessor::stop() {
  std::thread thread;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    thread = std::move(thread_);
  }
  wake_.notify_one();
  if (thread.joinable())
    thread.join();
}

ProcessorStats InboxProcessor::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void InboxProcessor::run() {
  {
    std::lock_guard lock(mutex_);
    worker_ = std::this_thread::get_id();
  }
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_)
        return;
      notified_ = false;
    }
    process_due();
    if (clock_.now() - last_maintenance_ >= options_.maintenance_interval) {
      last_maintenance_ = clock_.now();
      if (auto pruned = prune(); !pruned) {
        std::lock_guard lock(mutex_);
        ++stats_.db_errors;
      }
    }
    std::unique_lock lock(mutex_);
    // The timeout is the poll for due retries and rows other processes accepted, not a sync.
    wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_ || notified_; });
    if (stopping_)
      return;
  }
}

core::Result<std::int64_t> InboxProcessor::prune() {
  const core::TimePoint before = clock_.now() - options_.retention;
  return db_.transact([&](storage::Tx& tx) { return tx.inbox_log().prune(before); });
}

std::size_t InboxProcessor::process_due() {
  std::size_t handled = 0;
  for (;;) {
    {
      // Stopping: claim nothing more. A batch already claimed is finished (below), so no lease is
      // left to run out and delay those activities by the lease time.
      std::lock_guard lock(mutex_);
      if (stopping_ && std::this_thread::get_id() == worker_)
        return handled;
    }
    auto claimed = db_.transact([&](storage::Tx& tx) {
      return tx.inbox_log().claim(options_.owner, clock_.now(), options_.batch, options_.lease);
    });
    if (!claimed) {
      std::lock_guard lock(mutex_);
      ++stats_.db_errors;
      spdlog::warn("inbox.claim_failed error=\"{}\"", claimed.error().message);
      return handled;
    }
    if (claimed->empty())
      return handled;
    for (const storage::InboxActivity& item : *claimed) {
      handle_one(item);
      ++handled;
    }
  }
}

void InboxProcessor::handle_one(const storage::InboxActivity& item) {
  core::Result<void> outcome;
  std::string note;
  bool enqueued = false;
  std::optional<storage::Id> joined;
  std::optional<storage::Id> orphan_community;
  std::optional<as::Object> orphan_reply;
  detail::AnnouncePrep prep;

  auto parsed = as::parse(item.payload);
  if (!parsed) {
    outcome = std::move(parsed).error();
  } else {
    // Make sure the actor is stored, outside any transaction (this may fetch). A failure is not
    // final by itself: a stored copy still serves (a Delete of a gone actor must go through),
    // and without one the transaction below asks for a retry.
    if (options_.actors) {
      const bool self_update =
          parsed->kind == as::Kind::update && parsed->object_ref().id() == item.actor;
      auto ensured =
          self_update ? options_.actors->refresh(item.actor) : options_.actors->ensure(item.actor);
      if (!ensured)
        spdlog::debug("inbox.actor_unavailable id={} actor={} error=\"{}\"", item.ap_id, item.actor,
                      ensured.error().message);
    }
    // An object sent by id only, or a group's Announce of something from another origin: fetched
    // from its origin, outside any transaction (ORI-13).
    auto by_id = detail::resolve_object_by_id(urls_, *parsed, options_.objects);
    if (!by_id)
      outcome = std::move(by_id).error();
    else if (*by_id)
      parsed = std::move(**by_id);
    prep = detail::prepare_announce(db_, urls_, *parsed, options_.objects, options_.actors);
    if (outcome.ok()) {
      auto done = db_.transact([&](storage::Tx& tx) -> core::Result<void> {
        auto actor = tx.actors().get_by_ap_id(item.actor);
        if (!actor) {
          if (actor.error().kind == core::ErrorKind::not_found)
            return core::Error::unavailable("actor not known yet");
          return std::move(actor).error();
        }
        if (!actor->is_local() && !actor->suspended_at &&
            (!actor->deleted_at || parsed->kind == as::Kind::delete_)) {
          detail::HandlerContext ctx{tx, *parsed, *actor, urls_, clock_, false, {}};
          ctx.fetched = prep.fetched ? &*prep.fetched : nullptr;
          ctx.moderators = prep.moderators ? &*prep.moderators : nullptr;
          ctx.group_document = prep.group_document ? &*prep.group_document : nullptr;
          auto r = detail::dispatch(ctx);
          if (!r)
            return r;
          note = std::move(ctx.note);
          enqueued = ctx.enqueued;
          joined = ctx.joined_community;
          orphan_community = ctx.orphan_community;
          orphan_reply = std::move(ctx.orphan_reply);
        } else {
          note = "actor is local, suspended or deleted";
        }
        // Done in the same transaction as the effects: they commit exactly once.
        return tx.inbox_log().complete(item.id);
      });
      outcome = std::move(done);
    }
  }

  if (outcome.ok()) {
    if (!note.empty())
      spdlog::debug("inbox.ignored id={} type={} note=\"{}\"", item.ap_id,
                    parsed ? std::string(parsed->type_name()) : "", note);
    {
      std::lock_guard lock(mutex_);
      ++stats_.handled;
    }
    if (enqueued && options_.on_enqueued)
      options_.on_enqueued();
    if (joined && options_.on_joined)
      options_.on_joined(*joined);
    if (orphan_community && orphan_reply && options_.on_orphan_reply)
      options_.on_orphan_reply(*orphan_community, *orphan_reply);
    return;
  }

  const core::Error& error = outcome.error();
  std::optional<core::TimePoint> retry_at;
  if (is_transient(error.kind) && item.attempts + 1 < options_.max_attempts) {
    const int shift = std::min(item.attempts, 10);
    retry_at = clock_.now() + options_.retry_base * (1 << shift);
  }
  auto failed = db_.transact(
      [&](storage::Tx& tx) { return tx.inbox_log().fail(item.id, error.message, retry_at); });
  std::lock_guard lock(mutex_);
  if (!failed)
    ++stats_.db_errors;
  if (retry_at)
    ++stats_.retried;
  else
    ++stats_.failed;
  spdlog::info("inbox.handler_failed id={} error=\"{}\" retry={}", item.ap_id, error.message,
               retry_at.has_value());
}

}  // namespace guildhall::federation::inbox
