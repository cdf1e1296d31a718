// Mastodon API: polls. A poll's id is its post's id. GET /api/v1/polls/{id} and
// POST /api/v1/polls/{id}/votes (`choices[]`: option indexes); the poll[...] of a new status is
// read here too (poll_param). A person's poll votes through outbox::People, a community's
// through CommunityService, as the community API does.
#include <algorithm>
#include <charconv>

#include "guildhall/federation/polls.hpp"

#include "../api/endpoint.hpp"
#include "../api/entities.hpp"
#include "../api/lists.hpp"

namespace guildhall::server::api {

namespace {

using core::Error;
using core::Result;
using http::Response;
using http::Verb;
using storage::Id;
using storage::Tx;

std::size_t utf8_characters(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

Response poll_response(Call& call, Id post_id) {
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto post = live_post(tx, call.reader(), post_id);
    if (!post)
      return std::move(post).error();
    json poll = poll_json(tx, *post, call.viewer());
    if (poll.is_null())
      return Error::not_found("Record not found");
    return poll;
  });
}

Response get_poll(Call& call) {
  return poll_response(call, path_id(call).value());
}

// Mastodon's rules, checked before anything is sent: the poll is open, the caller has not voted,
// and the choices are options of it (one for a single-choice poll). The service checks again in
// its transaction (polls::check_votes).
Response vote(Call& call) {
  const Id id = path_id(call).value();
  std::vector<int> positions;
  for (const auto& choice : list_param(call.params, "choices")) {
    int position = -1;
    const auto [end, ec] = std::from_chars(choice.data(), choice.data() + choice.size(), position);
    if (ec != std::errc() || end != choice.data() + choice.size())
      return api_error(422, "Validation failed: choices must be option indexes");
    positions.push_back(position);
  }
  struct Target {
    storage::Post post;
    std::vector<std::string> options;
  };
  auto target = call.app().db.read([&](Tx& tx) -> Result<Target> {
    auto post = live_post(tx, call.reader(), id);
    if (!post)
      return std::move(post).error();
    auto poll = tx.polls().get(post->id);
    if (!poll)
      return poll.error().kind == core::ErrorKind::not_found ? Error::not_found("Record not found")
                                                             : std::move(poll).error();
    auto earlier = tx.polls().votes_of(post->id, call.me());
    if (!earlier)
      return std::move(earlier).error();
    if (!earlier->empty())  // Mastodon takes one ballot per person, multiple-choice or not
      return Error::invalid_input("Validation failed: You have already voted on this poll");
    if (auto allowed = federation::polls::check_votes(*poll, {}, positions, tx.now()); !allowed)
      return std::move(allowed).error();
    Target out{std::move(*post), {}};
    for (int position : positions)
      out.options.push_back(poll->options[static_cast<std::size_t>(position)].name);
    return out;
  });
  if (!target)
    return from_error(target.error());
  auto done = target->post.community_id
                  ? call.ctx.communities.vote(call.me(), target->post.id, target->options)
                  : call.ctx.people.vote(call.me(), target->post.id, target->options);
  if (!done)
    return from_error(done.error());
  return poll_response(call, target->post.id);
}

}  // namespace

Result<std::optional<federation::outbox::PollInput>> poll_param(const json& params,
                                                                core::TimePoint now) {
  const auto it = params.find("poll");
  if (it == params.end() || it->is_null())
    return std::optional<federation::outbox::PollInput>{};
  if (!it->is_object())
    return Error::invalid_input("poll must have options[] and expires_in");
  federation::outbox::PollInput poll;
  poll.options = list_param(*it, "options");
  if (poll.options.size() < 2 || poll.options.size() > federation::polls::kMaxOptions)
    return Error::invalid_input("Validation failed: a poll has 2 to " +
                                std::to_string(federation::polls::kMaxOptions) + " options");
  for (const auto& option : poll.options)
    if (option.empty() || utf8_characters(option) > kMaxPollOptionCharacters)
      return Error::invalid_input("Validation failed: a poll option has 1 to " +
                                  std::to_string(kMaxPollOptionCharacters) + " characters");
  const auto expires_in = string_param(*it, "expires_in");
  std::int64_t seconds = 0;
  if (!expires_in ||
      std::from_chars(expires_in->data(), expires_in->data() + expires_in->size(), seconds).ptr !=
          expires_in->data() + expires_in->size())
    return Error::invalid_input("Validation failed: poll[expires_in] is a number of seconds");
  if (seconds < kMinPollExpirySeconds || seconds > kMaxPollExpirySeconds)
    return Error::invalid_input("Validation failed: a poll lasts " +
                                std::to_string(kMinPollExpirySeconds) + " to " +
                                std::to_string(kMaxPollExpirySeconds) + " seconds");
  poll.end_time = now + std::chrono::seconds(seconds);
  poll.multiple = bool_param(*it, "multiple").value_or(false);
  poll.hide_totals = bool_param(*it, "hide_totals").value_or(false);
  return std::optional<federation::outbox::PollInput>(std::move(poll));
}

void register_mastodon_polls(http::Router& router, const std::shared_ptr<ApiContext>& ctx) {
  const RouteTable table{router, ctx};
  table.add(Verb::get, "/api/v1/polls/{id}", "api_polls_get", public_access(), get_poll);
  table.add(Verb::post, "/api/v1/polls/{id}/votes", "api_polls_vote", user_scope("write:statuses"),
            vote);
}

}  // namespace guildhall::server::api
