// Polls and events in threads (migration 0008), written once against the driver interface like
// repositories.cpp.

#include "guildhall/storage/community_content.hpp"

#include <array>

#include "community_content_impl.hpp"
#include "repo_context.hpp"

namespace guildhall::storage {

namespace {

constexpr std::array<std::pair<RsvpStatus, std::string_view>, 3> kStatuses{{
    {RsvpStatus::going, "going"},
    {RsvpStatus::maybe, "maybe"},
    {RsvpStatus::not_going, "not_going"},
}};

constexpr std::size_t kMaxOptions = 20;
constexpr std::size_t kMaxOptionBytes = 400;
constexpr std::size_t kMaxLocationBytes = 1000;

}  // namespace

std::string_view to_string(RsvpStatus v) noexcept {
  for (const auto& [status, name] : kStatuses)
    if (status == v)
      return name;
  return "going";
}

bool parse(std::string_view text, RsvpStatus& out) noexcept {
  for (const auto& [status, name] : kStatuses) {
    if (name == text) {
      out = status;
      return true;
    }
  }
  return false;
}

namespace detail {

namespace {

using driver::DriverError;
using driver::Row;

class PollRepoImpl final : public PollRepo {
 public:
  explicit PollRepoImpl(RepoContext x) : x_(x) {}

  Result<Poll> create(const NewPoll& p) override {
    return x_.write([&]() -> Result<Poll> {
      if (p.options.empty() || p.options.size() > kMaxOptions)
        return core::Error::invalid_input("a poll has 1 to 20 options");
      for (const auto& name : p.options)
        if (name.empty() || name.size() > kMaxOptionBytes)
          return core::Error::invalid_input("a poll option has 1 to 400 bytes");
      try {
        x_.q(
            "INSERT INTO polls (post_id, multiple, end_time, hide_totals) VALUES ($1, $2, $3, "
            "$4)",
            {p.post_id, p.multiple, p.end_time, p.hide_totals});
      } catch (const DriverError& e) {
        if (e.error().kind == core::ErrorKind::invalid_input)
          return core::Error::invalid_input("no such post");
        throw;
      }
      for (std::size_t i = 0; i < p.options.size(); ++i)
        x_.q("INSERT INTO poll_options (post_id, position, name) VALUES ($1, $2, $3)",
             {p.post_id, static_cast<std::int64_t>(i), p.options[i]});
      return load(p.post_id);
    });
  }

  Result<Poll> get(Id post_id) override {
    return x_.read([&]() -> Result<Poll> { return load(post_id); });
  }

  Result<PollVote> add_vote(Id post_id, int position, Id actor_id,
                            std::optional<std::string> ap_id) override {
    return x_.write([&]() -> Result<PollVote> {
      try {
        return vote_from(
            x_.q("INSERT INTO poll_votes (id, post_id, position, actor_id, ap_id, created_at) "
                 "VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
                 {x_.ids.next(), post_id, static_cast<std::int64_t>(position), actor_id, ap_id,
                  x_.now()})
                .front());
      } catch (const DriverError& e) {
        if (e.error().kind == core::ErrorKind::already_exists)
          return core::Error::already_exists("voted for this option before");
        if (e.error().kind == core::ErrorKind::invalid_input)
          return core::Error::invalid_input("no such poll option");
        throw;
      }
    });
  }

  Result<std::vector<PollVote>> votes_of(Id post_id, Id actor_id) override {
    return x_.read([&]() -> Result<std::vector<PollVote>> {
      std::vector<PollVote> out;
      for (auto row : x_.q("SELECT * FROM poll_votes WHERE post_id = $1 AND actor_id = $2 ORDER "
                           "BY position",
                           {post_id, actor_id}))
        out.push_back(vote_from(row));
      return out;
    });
  }

  Result<std::vector<Id>> voters(Id post_id) override {
    return x_.read([&]() -> Result<std::vector<Id>> {
      std::vector<Id> out;
      for (auto row : x_.q("SELECT actor_id FROM poll_votes WHERE post_id = $1 GROUP BY actor_id "
                           "ORDER BY min(id)",
                           {post_id}))
        out.push_back(row.i64("actor_id"));
      return out;
    });
  }

  Result<Poll> recount(Id post_id) override {
    return x_.write([&]() -> Result<Poll> {
      x_.q(
          "UPDATE poll_options SET votes = (SELECT COUNT(*) FROM poll_votes v WHERE v.post_id = "
          "poll_options.post_id AND v.position = poll_options.position) WHERE post_id = $1",
          {post_id});
      x_.q(
          "UPDATE polls SET voters_count = (SELECT COUNT(DISTINCT actor_id) FROM poll_votes v "
          "WHERE v.post_id = polls.post_id) WHERE post_id = $1",
          {post_id});
      return load(post_id);
    });
  }

  Result<Poll> set_tallies(Id post_id, const std::vector<std::int64_t>& votes,
                           std::int64_t voters_count) override {
    return x_.write([&]() -> Result<Poll> {
      auto poll = load(post_id);
      if (!poll)
        return poll;
      for (std::size_t i = 0; i < votes.size() && i < poll->options.size(); ++i)
        x_.q("UPDATE poll_options SET votes = $3 WHERE post_id = $1 AND position = $2",
             {post_id, static_cast<std::int64_t>(i), std::max<std::int64_t>(votes[i], 0)});
      x_.q("UPDATE polls SET voters_count = $2 WHERE post_id = $1",
           {post_id, std::max<std::int64_t>(voters_count, 0)});
      return load(post_id);
    });
  }

  Result<std::vector<Poll>> close_ended(std::size_t limit) override {
    return x_.write([&]() -> Result<std::vector<Poll>> {
      std::vector<Id> ended;
      for (auto row : x_.q("SELECT post_id FROM polls WHERE closed_id IS NULL AND end_time IS NOT "
                           "NULL AND end_time <= $1 ORDER BY end_time, post_id LIMIT $2",
                           {x_.now(), static_cast<std::int64_t>(limit)}))
        ended.push_back(row.i64("post_id"));
      std::vector<Poll> out;
      for (Id post_id : ended) {
        const Id closed_id = x_.ids.next();
        x_.q("UPDATE polls SET closed_id = $2 WHERE post_id = $1", {post_id, closed_id});
        x_.record(ChangeKind::poll_closed, closed_id);
        auto poll = load(post_id);
        if (!poll)
          return std::move(poll).error();
        out.push_back(std::move(*poll));
      }
      return out;
    });
  }

 private:
  static PollVote vote_from(const Row& r) {
    PollVote v;
    v.id = r.i64("id");
    v.post_id = r.i64("post_id");
    v.position = static_cast<int>(r.i64("position"));
    v.actor_id = r.i64("actor_id");
    v.ap_id = r.opt_text("ap_id");
    v.created_at = r.time("created_at");
    return v;
  }

  Result<Poll> load(Id post_id) {
    auto rows = x_.q("SELECT * FROM polls WHERE post_id = $1", {post_id});
    if (rows.empty())
      return core::Error::not_found("not a poll");
    Poll p;
    p.post_id = post_id;
    p.multiple = rows.front().boolean("multiple");
    p.end_time = rows.front().opt_time("end_time");
    p.voters_count = rows.front().i64("voters_count");
    p.hide_totals = rows.front().boolean("hide_totals");
    p.closed_id = rows.front().opt_i64("closed_id");
    for (auto row :
         x_.q("SELECT * FROM poll_options WHERE post_id = $1 ORDER BY position", {post_id}))
      p.options.push_back(
          {static_cast<int>(row.i64("position")), row.text("name"), row.i64("votes")});
    return p;
  }

  RepoContext x_;
};

class EventRepoImpl final : public EventRepo {
 public:
  explicit EventRepoImpl(RepoContext x) : x_(x) {}

  Result<Event> put(const Event& e) override {
    return x_.write([&]() -> Result<Event> {
      if (e.end_time && *e.end_time < e.start_time)
        return core::Error::invalid_input("an event cannot end before it starts");
      if ((e.location_name && e.location_name->size() > kMaxLocationBytes) ||
          (e.location_address && e.location_address->size() > kMaxLocationBytes))
        return core::Error::invalid_input("a location has at most 1000 bytes");
      try {
        return event_from(
            x_.q("INSERT INTO events (post_id, start_time, end_time, location_name, "
                 "location_address) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (post_id) DO UPDATE "
                 "SET start_time = excluded.start_time, end_time = excluded.end_time, "
                 "location_name = excluded.location_name, location_address = "
                 "excluded.location_address RETURNING *",
                 {e.post_id, e.start_time, e.end_time, e.location_name, e.location_address})
                .front());
      } catch (const DriverError& err) {
        if (err.error().kind == core::ErrorKind::invalid_input)
          return core::Error::invalid_input("no such post");
        throw;
      }
    });
  }

  Result<Event> get(Id post_id) override {
    return x_.read([&]() -> Result<Event> {
      auto rows = x_.q("SELECT * FROM events WHERE post_id = $1", {post_id});
      if (rows.empty())
        return core::Error::not_found("not an event");
      return event_from(rows.front());
    });
  }

  Result<Rsvp> set_rsvp(Id post_id, Id actor_id, RsvpStatus status,
                        std::optional<std::string> ap_id) override {
    return x_.write([&]() -> Result<Rsvp> {
      try {
        return rsvp_from(
            x_.q("INSERT INTO event_rsvps (id, post_id, actor_id, status, ap_id, created_at) "
                 "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (post_id, actor_id) DO UPDATE SET "
                 "status = excluded.status, ap_id = excluded.ap_id, created_at = "
                 "excluded.created_at RETURNING *",
                 {x_.ids.next(), post_id, actor_id, to_string(status), ap_id, x_.now()})
                .front());
      } catch (const DriverError& err) {
        if (err.error().kind == core::ErrorKind::invalid_input)
          return core::Error::invalid_input("not an event, or no such person");
        throw;
      }
    });
  }

  Result<bool> remove_rsvp(Id post_id, Id actor_id) override {
    return x_.write([&]() -> Result<bool> {
      return !x_.q("DELETE FROM event_rsvps WHERE post_id = $1 AND actor_id = $2 RETURNING id",
                   {post_id, actor_id})
                  .empty();
    });
  }

  Result<std::optional<Rsvp>> rsvp_of(Id post_id, Id actor_id) override {
    return x_.read([&]() -> Result<std::optional<Rsvp>> {
      auto rows = x_.q("SELECT * FROM event_rsvps WHERE post_id = $1 AND actor_id = $2",
                       {post_id, actor_id});
      if (rows.empty())
        return std::optional<Rsvp>();
      return std::optional<Rsvp>(rsvp_from(rows.front()));
    });
  }

  Result<RsvpCounts> counts(Id post_id) override {
    return x_.read([&]() -> Result<RsvpCounts> {
      RsvpCounts c;
      for (auto row : x_.q("SELECT status, COUNT(*) AS n FROM event_rsvps WHERE post_id = $1 "
                           "GROUP BY status",
                           {post_id})) {
        RsvpStatus s = RsvpStatus::going;
        if (!parse(row.text("status"), s))
          continue;
        (s == RsvpStatus::going   ? c.going
         : s == RsvpStatus::maybe ? c.maybe
                                  : c.not_going) = row.i64("n");
      }
      return c;
    });
  }

 private:
  static Event event_from(const Row& r) {
    return {r.i64("post_id"), r.time("start_time"), r.opt_time("end_time"),
            r.opt_text("location_name"), r.opt_text("location_address")};
  }
  static Rsvp rsvp_from(const Row& r) {
    Rsvp v;
    v.id = r.i64("id");
    v.post_id = r.i64("post_id");
    v.actor_id = r.i64("actor_id");
    if (!parse(r.text("status"), v.status))
      throw DriverError(core::Error::internal("storage: unexpected rsvp status"));
    v.ap_id = r.opt_text("ap_id");
    v.created_at = r.time("created_at");
    return v;
  }

  RepoContext x_;
};

}  // namespace

std::unique_ptr<PollRepo> make_poll_repo(driver::Connection& connection, core::IdGenerator& ids,
                                         const core::Clock& clock) {
  return std::make_unique<PollRepoImpl>(RepoContext{connection, ids, clock});
}

std::unique_ptr<EventRepo> make_event_repo(driver::Connection& connection, core::IdGenerator& ids,
                                           const core::Clock& clock) {
  return std::make_unique<EventRepoImpl>(RepoContext{connection, ids, clock});
}

}  // namespace detail

}  // namespace guildhall::storage
