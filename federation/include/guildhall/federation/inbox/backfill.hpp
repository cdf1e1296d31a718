#pragma once

// Backfill of a remote community a local person just joined (FEP-1b12 groups publish their latest
// activities in `outbox`, Lemmy about 20 Announce(Create(Page))): the latest threads are fetched
// and stored, so the community is not empty until someone posts (lemmy#2241, mbin#351).
//
// Bounded (catalogue rule 6): at most `max_threads` threads and `max_pages` collection pages.
// Every thread is fetched from its own origin unless the outbox embeds it from the group's origin
// (rule 3), and its author is made sure of through the ActorSource. BLOCKING (network, then one
// short transaction per thread): run it off the I/O threads, e.g. from
// ProcessorOptions::on_joined, which the processor calls after the Accept committed.

#include <cstddef>

#include "guildhall/core/clock.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/federation/inbox/processor.hpp"
#include "guildhall/federation/urls.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::federation::inbox {

struct BackfillOptions {
  std::size_t max_threads = 20;
  std::size_t max_pages = 3;
};

class CommunityBackfill {
 public:
  // Every reference must outlive this; `actors` may be null (authors must then be stored).
  CommunityBackfill(storage::Database& db, Urls urls, const core::Clock& clock,
                    ObjectSource& objects, ActorSource* actors, BackfillOptions options = {});

  // Threads stored (already known ones are not counted). not_found for an unknown community,
  // invalid_input for a local one.
  core::Result<std::size_t> run(storage::Id community_id);

 private:
  storage::Database& db_;
  Urls urls_;
  const core::Clock& clock_;
  ObjectSource& objects_;
  ActorSource* actors_;
  BackfillOptions options_;
};

}  // namespace guildhall::federation::inbox
