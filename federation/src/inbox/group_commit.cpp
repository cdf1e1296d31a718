#include "group_commit.hpp"

#include <exception>
#include <vector>

namespace guildhall::federation::inbox::detail {

InboxGroupCommit::Accepted InboxGroupCommit::accept(const storage::NewInboxActivity& row) {
  Waiter me;
  me.row = &row;
  std::unique_lock lock(mutex_);
  waiting_.push_back(&me);
  for (;;) {
    if (me.result)
      return std::move(*me.result);
    if (committing_ >= max_concurrent_ || waiting_.empty()) {
      done_.wait(lock);
      continue;
    }
    // Leader: commit what is waiting now (this caller's row is among it unless more than
    // max_batch were ahead of it; then it goes in the next round).
    ++committing_;
    std::deque<Waiter*> batch;
    while (!waiting_.empty() && batch.size() < max_batch_) {
      batch.push_back(waiting_.front());
      waiting_.pop_front();
    }
    lock.unlock();
    try {
      commit(batch);
    } catch (const std::exception& e) {  // never leave the followers waiting forever
      std::lock_guard guard(mutex_);
      for (Waiter* waiter : batch)
        if (!waiter->result)
          waiter->result = Accepted(core::Error::internal(e.what()));
    }
    lock.lock();
    --committing_;
    ++commits_;
    rows_ += batch.size();
    done_.notify_all();
  }
}

void InboxGroupCommit::commit(const std::deque<Waiter*>& batch) {
  std::vector<storage::NewInboxActivity> rows;
  rows.reserve(batch.size());
  for (const Waiter* waiter : batch)
    rows.push_back(*waiter->row);
  // Two multi-row statements and one commit for the whole batch.
  auto committed = db_.transact([&](storage::Tx& tx) { return tx.inbox_log().accept_many(rows); });
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < batch.size(); ++i)
    batch[i]->result =
        committed ? Accepted(std::move((*committed)[i])) : Accepted(committed.error());
}

std::size_t InboxGroupCommit::commits() const {
  std::lock_guard lock(mutex_);
  return commits_;
}

std::size_t InboxGroupCommit::rows() const {
  std::lock_guard lock(mutex_);
  return rows_;
}

}  // namespace guildhall::federation::inbox::detail
