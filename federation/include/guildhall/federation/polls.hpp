#pragma once

// Polls wherever they live. One rule for a person's votes, used by a community's host
// (groups/), a member's instance (outbox::RemoteCommunities), people's own polls
// (outbox::People) and the votes the inbox receives for them; and a local person's poll on the
// wire once its tallies changed. How a poll looks on the wire is groups/thread_kinds.hpp.
// BLOCKING (storage): inside the caller's transaction.

#include <string>
#include <vector>

#include "guildhall/core/clock.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/federation/urls.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::federation::polls {

// What a poll made here may have (the Mastodon API advertises them in /api/v1/instance).
constexpr std::size_t kMaxOptions = 20;
constexpr std::size_t kMaxOptionBytes = 200;

// The positions of the options named, in the order named; invalid_input for a name the poll
// does not have.
core::Result<std::vector<int>> positions_of(const storage::Poll& poll,
                                            const std::vector<std::string>& names);

// Whether someone who cast `earlier` may add votes for `positions` now: invalid_input when the
// poll has ended, nothing or an unknown option is chosen, an option is chosen twice or was chosen
// before, or a one-choice poll would get a second choice.
core::Result<void> check_votes(const storage::Poll& poll,
                               const std::vector<storage::PollVote>& earlier,
                               const std::vector<int>& positions, core::TimePoint now);

// A person's votes as asked for, checked: the poll of `post_id`, the positions of the options
// named, and whether they voted in it before. invalid_input when the post is not a poll or
// check_votes refuses.
struct Ballot {
  storage::Poll poll;
  std::vector<int> positions;
  bool first = true;  // no earlier votes of this person
};
core::Result<Ballot> ballot(storage::Tx& tx, storage::Id post_id, storage::Id actor_id,
                            const std::vector<std::string>& options);

// The author's Update of a local person's poll (the Question as served, with its tallies), queued
// to the author's remote followers, the people it mentions and its remote voters: the inboxes
// Mastodon sends a poll's new counts to. Nothing for a post in a community (its group announces).
core::Result<void> send_tallies(storage::Tx& tx, const Urls& urls, storage::Id post_id);

}  // namespace guildhall::federation::polls
