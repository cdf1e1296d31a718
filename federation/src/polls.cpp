// Votes and tallies of polls (polls.hpp).
#include "guildhall/federation/polls.hpp"

#include <algorithm>

#include "guildhall/activitystreams/activitystreams.hpp"
#include "guildhall/federation/discovery/posts.hpp"

#include "outbox/common.hpp"

namespace guildhall::federation::polls {

namespace as = activitystreams;
using core::Error;
using core::Result;

Result<std::vector<int>> positions_of(const storage::Poll& poll,
                                      const std::vector<std::string>& names) {
  std::vector<int> out;
  for (const std::string& name : names) {
    auto option = std::find_if(poll.options.begin(), poll.options.end(),
                               [&](const storage::PollOption& o) { return o.name == name; });
    if (option == poll.options.end())
      return Error::invalid_input("no such option in the poll: '" + name + "'");
    out.push_back(option->position);
  }
  return out;
}

Result<void> check_votes(const storage::Poll& poll, const std::vector<storage::PollVote>& earlier,
                         const std::vector<int>& positions, core::TimePoint now) {
  if (poll.end_time && now >= *poll.end_time)
    return Error::invalid_input("Validation failed: The poll has already ended");
  if (positions.empty())
    return Error::invalid_input("Validation failed: choose at least one option");
  for (std::size_t i = 0; i < positions.size(); ++i) {
    if (positions[i] < 0 || static_cast<std::size_t>(positions[i]) >= poll.options.size())
      return Error::invalid_input("Validation failed: no such option in the poll");
    if (std::count(positions.begin(), positions.begin() + static_cast<std::ptrdiff_t>(i),
                   positions[i]) > 0 ||
        std::any_of(earlier.begin(), earlier.end(),
                    [&](const storage::PollVote& v) { return v.position == positions[i]; }))
      return Error::invalid_input("Validation failed: You have already voted on this poll");
  }
  if (!poll.multiple && positions.size() + earlier.size() > 1)
    return Error::invalid_input(earlier.empty()
                                    ? "Validation failed: this poll takes one choice"
                                    : "Validation failed: You have already voted on this poll");
  return {};
}

Result<Ballot> ballot(storage::Tx& tx, storage::Id post_id, storage::Id actor_id,
                      const std::vector<std::string>& options) {
  auto poll = tx.polls().get(post_id);
  if (!poll) {
    if (poll.error().kind == core::ErrorKind::not_found)
      return Error::invalid_input("the post is not a poll");
    return std::move(poll).error();
  }
  auto positions = positions_of(*poll, options);
  if (!positions)
    return std::move(positions).error();
  auto earlier = tx.polls().votes_of(post_id, actor_id);
  if (!earlier)
    return std::move(earlier).error();
  if (auto allowed = check_votes(*poll, *earlier, *positions, tx.now()); !allowed)
    return std::move(allowed).error();
  return Ballot{std::move(*poll), std::move(*positions), earlier->empty()};
}

Result<void> send_tallies(storage::Tx& tx, const Urls& urls, storage::Id post_id) {
  auto post = discovery::find_local_post(tx, urls, post_id);
  if (!post)
    return std::move(post).error();
  if (post->community || !post->poll)
    return {};
  auto inboxes = outbox::detail::follower_inboxes(tx, post->author.id);
  if (!inboxes)
    return std::move(inboxes).error();
  auto voters = tx.polls().voters(post_id);
  if (!voters)
    return std::move(voters).error();
  auto mentioned = tx.client_api().mentions(post_id);
  if (!mentioned)
    return std::move(mentioned).error();
  voters->insert(voters->end(), mentioned->begin(), mentioned->end());
  for (storage::Id id : *voters) {
    auto actor = tx.actors().get(id);
    if (!actor)
      return std::move(actor).error();
    if (!actor->is_local())
      inboxes->push_back(outbox::detail::inbox_of(*actor));
  }
  const storage::Id activity_id = tx.next_id();
  // `updated` stays the last edit's time: Mastodon reads a newer one as an edit, an unchanged one
  // as new counts only.
  auto update = as::make_activity(as::Kind::update, urls.activity(core::to_string_id(activity_id)),
                                  post->author.ap_id, as::Ref(discovery::post_object(*post)));
  update.to = {std::string(as::kPublic)};
  if (post->author.followers_url)
    update.cc = {*post->author.followers_url};
  return outbox::detail::enqueue(tx, activity_id, update, post->author.id, *inboxes);
}

}  // namespace guildhall::federation::polls
