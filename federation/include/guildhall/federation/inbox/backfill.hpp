#pragma once

// Backfill of a remote community a local person just joined (FEP-1b12 groups publish their latest
// activities in `outbox`, Lemmy about 20 Announce(Create(Page))): the latest threads are fetched
// and stored, so the community is not empty until someone posts (lemmy#2241, mbin#351); then the
// comments of each thread from its FEP-7888 `context` collection (FEP-f228's collection of posts).
// A comment that arrives for a thread we do not have backfills that thread the same way
// (thread_of), or, without a context, by walking `inReplyTo` up.
//
// Bounded (catalogue rule 6): at most `max_threads` threads and `max_pages` collection pages per
// collection, `max_comments` comments per thread, `max_depth` parents walked. Every object is
// fetched from its own origin unless the collection embeds it from that origin (rule 3), through
// the ObjectSource (egress: SSRF rules, policy, size limits); its author is made sure of through
// the ActorSource; the community's rules (thread addressed to the group, parent in the community)
// are the inbox's (store_community_post). BLOCKING (network, then one short transaction per
// object): run it off the I/O threads, e.g. from ProcessorOptions::on_joined and
// on_orphan_reply, which the processor calls after its transaction committed.

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "guildhall/core/clock.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/federation/inbox/processor.hpp"
#include "guildhall/federation/urls.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::federation::inbox {

struct BackfillOptions {
  std::size_t max_threads = 20;
  std::size_t max_pages = 3;
  std::size_t max_comments = 50;  // per thread
  std::size_t max_depth = 8;      // parents walked up from a comment without a context
  // A thread's context is fetched again for another orphan only after this (bursts of comments
  // on one unknown thread make one backfill).
  std::chrono::seconds recent_context{60};
};

class CommunityBackfill {
 public:
  // Every reference must outlive this; `actors` may be null (authors must then be stored).
  CommunityBackfill(storage::Database& db, Urls urls, const core::Clock& clock,
                    ObjectSource& objects, ActorSource* actors, BackfillOptions options = {});

  // Threads stored (already known ones are not counted). not_found for an unknown community,
  // invalid_input for a local one.
  core::Result<std::size_t> run(storage::Id community_id);

  // The thread of `reply`, a comment in the community whose parent we do not have: its context
  // collection (the thread and its comments, oldest first), else its parents up to the thread;
  // then the reply itself. Posts stored (known ones are not counted).
  core::Result<std::size_t> thread_of(storage::Id community_id,
                                      const activitystreams::Object& reply);

 private:
  // Stores one thread or comment of `group` (fetched from its origin unless `trusted_origin`, the
  // origin the object came from, is its own). True when a new post was stored.
  bool store(const storage::CommunityView& group, const activitystreams::Ref& ref,
             const std::string& trusted_origin);
  // The items of a collection and its pages on the collection's own origin, at most `limit`.
  std::vector<activitystreams::Ref> collect(const activitystreams::Object& collection,
                                            std::size_t limit);
  // The comments of a thread from its context collection; posts stored.
  std::size_t comments_of(const storage::CommunityView& group, const std::string& context_url);
  bool recently_backfilled(const std::string& context_url);

  storage::Database& db_;
  Urls urls_;
  const core::Clock& clock_;
  ObjectSource& objects_;
  ActorSource* actors_;
  BackfillOptions options_;
  std::mutex mutex_;
  std::map<std::string, core::TimePoint> recent_;  // context -> when it was backfilled
};

}  // namespace guildhall::federation::inbox
