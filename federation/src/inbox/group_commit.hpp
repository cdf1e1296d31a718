#pragma once

// Group commit for the inbox log: concurrent Inbox::receive calls (one per blocking-pool thread)
// persist their activities in one transaction and one commit (one fsync), instead of one each.
// Leader/follower, no timer: a caller that finds fewer than max_concurrent commits running takes
// every row waiting at that moment (at most max_batch) and commits them; callers arriving
// meanwhile wait and form the next batch. A lone caller commits alone at once.
//
// The batch is written with InboxLogRepo::accept_many (two multi-row INSERTs): duplicates, also
// within the batch, are answered as duplicates; a failed statement or commit fails every row of
// its batch, and each caller answers an error its peer retries.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

#include "guildhall/core/result.hpp"
#include "guildhall/storage/database.hpp"
#include "guildhall/storage/federation_queue.hpp"

namespace guildhall::federation::inbox::detail {

class InboxGroupCommit {
 public:
  using Accepted = core::Result<std::optional<storage::InboxActivity>>;

  explicit InboxGroupCommit(storage::Database& db, std::size_t max_batch = 64,
                            std::size_t max_concurrent = 2)
      : db_(db), max_batch_(max_batch), max_concurrent_(max_concurrent) {}

  // BLOCKING. As InboxLogRepo::accept in a transaction of its own: the stored row, or nullopt for
  // an id seen before.
  Accepted accept(const storage::NewInboxActivity& row);

  // Commits so far, and rows they carried (tests, metrics).
  std::size_t commits() const;
  std::size_t rows() const;

 private:
  struct Waiter {
    const storage::NewInboxActivity* row = nullptr;
    std::optional<Accepted> result;
  };
  void commit(const std::deque<Waiter*>& batch);

  storage::Database& db_;
  const std::size_t max_batch_;
  // Batches written at once: while one commits (fsync), the next one's statements run.
  const std::size_t max_concurrent_;
  mutable std::mutex mutex_;
  std::condition_variable done_;
  std::deque<Waiter*> waiting_;
  std::size_t committing_ = 0;  // batches being written now
  std::size_t commits_ = 0;
  std::size_t rows_ = 0;
};

}  // namespace guildhall::federation::inbox::detail
