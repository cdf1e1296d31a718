#include "actions.hpp"

#include <ostream>

#include "guildhall/federation/community_service.hpp"
#include "guildhall/federation/outbox/people.hpp"
#include "guildhall/federation/policy.hpp"

#include "federation_runtime.hpp"

namespace guildhall::server {

namespace {

using core::Error;
using core::Result;
using storage::Id;

Result<void> expect_args(const std::vector<std::string>& args, std::size_t n, const char* usage) {
  if (args.size() != n)
    return Error::invalid_input(std::string("usage: ") + usage);
  return {};
}

// ---------------------------------------------------------------------------------------------
// Options after `thread GROUP TITLE BODY`, for communities here and elsewhere alike:
// language=xx, question (Q&A), poll=A|B|C with multiple and ends=RFC3339, event=RFC3339 with
// until=RFC3339, place=NAME and address=TEXT.
Result<void> parse_thread_options(const std::vector<std::string>& args, std::size_t from,
                                  federation::outbox::ThreadInput& in) {
  auto time_of = [](const std::string& text, const char* what) -> Result<core::TimePoint> {
    core::TimePoint t;
    if (!core::parse_rfc3339(text, t))
      return Error::invalid_input(std::string(what) + " needs an RFC 3339 time such as " +
                                  "2026-12-01T18:00:00Z");
    return t;
  };
  auto event = [&]() -> federation::outbox::EventInput& {
    if (!in.event)
      in.event.emplace();
    return *in.event;
  };
  auto poll = [&]() -> federation::outbox::PollInput& {
    if (!in.poll)
      in.poll.emplace();
    return *in.poll;
  };
  for (std::size_t i = from; i < args.size(); ++i) {
    const std::string& a = args[i];
    const auto value = a.substr(a.find('=') + 1);
    if (a == "question") {
      in.is_question = true;
    } else if (a == "multiple") {
      poll().multiple = true;
    } else if (a.starts_with("language=")) {
      in.language = value;
    } else if (a.starts_with("poll=")) {
      auto& options = poll().options;
      for (std::size_t start = 0; start <= value.size();) {
        const auto bar = std::min(value.find('|', start), value.size());
        options.push_back(value.substr(start, bar - start));
        start = bar + 1;
      }
    } else if (a.starts_with("ends=")) {
      auto t = time_of(value, "ends=");
      if (!t)
        return std::move(t).error();
      poll().end_time = *t;
    } else if (a.starts_with("event=")) {
      auto t = time_of(value, "event=");
      if (!t)
        return std::move(t).error();
      event().start_time = *t;
    } else if (a.starts_with("until=")) {
      auto t = time_of(value, "until=");
      if (!t)
        return std::move(t).error();
      event().end_time = *t;
    } else if (a.starts_with("place=")) {
      event().location_name = value;
    } else if (a.starts_with("address=")) {
      event().location_address = value;
    } else {
      return Error::invalid_input("unknown thread option '" + a + "'");
    }
  }
  if (in.event && in.event->start_time == core::TimePoint{})
    return Error::invalid_input("an event needs event=START");
  return {};
}

// accept-answer|unaccept-answer COMMENT, vote POLL OPTION..., rsvp EVENT going|maybe|no|withdraw:
// routed by federation::CommunityService wherever the community is hosted.
std::optional<Result<std::string>> thread_kind_action(federation::CommunityService& communities,
                                                      Id me, const std::string& verb,
                                                      const std::vector<std::string>& args,
                                                      const storage::Post& post) {
  using Out = Result<std::string>;
  auto done = [](Result<void> r, std::string what) -> Out {
    if (!r)
      return std::move(r).error();
    return what;
  };
  if (verb == "accept-answer" || verb == "unaccept-answer") {
    if (args.size() != 1)
      return Out(Error::invalid_input("usage: act USER " + verb + " COMMENT"));
    const bool chosen = verb == "accept-answer";
    return done(communities.choose_answer(me, post.id, chosen),
                (chosen ? "accepted answer " : "unaccepted answer ") + post.ap_id);
  }
  if (verb == "vote") {
    if (args.size() < 2)
      return Out(Error::invalid_input("usage: act USER vote POLL OPTION [OPTION...]"));
    return done(communities.vote(me, post.id, {args.begin() + 1, args.end()}),
                "voted in " + post.ap_id);
  }
  if (verb == "rsvp") {
    std::optional<storage::RsvpStatus> status;
    if (args.size() == 2 && args[1] == "no")
      status = storage::RsvpStatus::not_going;
    else if (args.size() == 2 && args[1] != "withdraw") {
      storage::RsvpStatus parsed{};
      if (!storage::parse(args[1], parsed))
        return Out(Error::invalid_input("usage: act USER rsvp EVENT going|maybe|no|withdraw"));
      status = parsed;
    } else if (args.size() != 2) {
      return Out(Error::invalid_input("usage: act USER rsvp EVENT going|maybe|no|withdraw"));
    }
    return done(communities.rsvp(me, post.id, status),
                "answered " + std::string(status ? storage::to_string(*status) : "withdraw") +
                    " to " + post.ap_id);
  }
  return std::nullopt;
}

const std::vector<std::string> kThreadKindVerbs = {"accept-answer", "unaccept-answer", "vote",
                                                   "rsvp"};

// Community verbs, through federation::CommunityService whichever instance hosts the community.

// key=value settings; unknown keys are an error so a typo never passes silently.
Result<federation::outbox::CommunitySettingsInput> parse_settings(
    const std::vector<std::string>& args, std::size_t first) {
  federation::outbox::CommunitySettingsInput in;
  for (std::size_t i = first; i < args.size(); ++i) {
    const auto eq = args[i].find('=');
    if (eq == std::string::npos)
      return Error::invalid_input("expected key=value, got '" + args[i] + "'");
    const std::string key = args[i].substr(0, eq), value = args[i].substr(eq + 1);
    if (key == "title") {
      in.title = value;
    } else if (key == "description") {
      in.description = value;
    } else if (key == "welcome") {
      in.welcome = value;
    } else if (key == "rule") {
      if (!in.rules)
        in.rules.emplace();
      in.rules->push_back(value);
    } else if (key == "visibility") {
      storage::CommunityVisibility v;
      if (!storage::parse(value, v))
        return Error::invalid_input("visibility is public, private or local_only");
      in.visibility = v;
    } else if (key == "join") {
      storage::JoinPolicy v;
      if (!storage::parse(value, v))
        return Error::invalid_input("join is open or approval");
      in.join_policy = v;
    } else if (key == "posting") {
      storage::PostingPolicy v;
      if (!storage::parse(value, v))
        return Error::invalid_input("posting is members or moderators");
      in.posting_policy = v;
    } else if (key == "languages") {
      std::vector<std::string> tags;
      for (std::size_t start = 0; start <= value.size();) {
        const auto comma = std::min(value.find(',', start), value.size());
        if (comma > start)
          tags.push_back(value.substr(start, comma - start));
        start = comma + 1;
      }
      in.languages = std::move(tags);
    } else {
      return Error::invalid_input("unknown setting '" + key +
                                  "': use title, description, welcome, rule, visibility, join, "
                                  "posting or languages");
    }
  }
  return in;
}

Result<storage::ReactionKind> parse_reaction(const std::string& text, std::string& emoji) {
  if (text == "like")
    return storage::ReactionKind::like;
  if (text == "dislike")
    return storage::ReactionKind::dislike;
  emoji = text;
  return storage::ReactionKind::emoji;
}

// Runs a community verb; nullopt when `verb` is not one (the person verbs handle it).
std::optional<Result<std::string>> community_action(federation::CommunityService& communities,
                                                    Id me, const std::string& verb,
                                                    const std::vector<std::string>& args) {
  auto group_arg = [&](std::size_t i) { return communities.find_community(args[i]); };
  auto need = [&](std::size_t min, std::size_t max, const char* usage) -> Result<void> {
    if (args.size() < min || args.size() > max)
      return Error::invalid_input(std::string("usage: act USER ") + usage);
    return {};
  };
  using Out = Result<std::string>;
  auto done = [](Result<void> r, std::string what) -> Out {
    if (!r)
      return std::move(r).error();
    return what;
  };

  if (verb == "community-create") {
    if (auto ok = need(2, 20, "community-create HANDLE TITLE [key=value...]"); !ok)
      return Out(ok.error());
    auto settings = parse_settings(args, 2);
    if (!settings)
      return Out(settings.error());
    settings->title = args[1];
    auto created = communities.create(me, federation::outbox::community_input(args[0], *settings));
    if (!created)
      return Out(created.error());
    return Out("created community " + created->actor.ap_id);
  }
  if (verb == "community-set") {
    if (auto ok = need(2, 20, "community-set GROUP key=value..."); !ok)
      return Out(ok.error());
    auto group = group_arg(0);
    if (!group)
      return Out(group.error());
    auto settings = parse_settings(args, 1);
    if (!settings)
      return Out(settings.error());
    auto updated = communities.update_settings(me, group->actor.id, *settings);
    if (!updated)
      return Out(updated.error());
    return Out("updated " + updated->actor.ap_id);
  }
  if (verb == "join" || verb == "leave" || verb == "modlog") {
    if (auto ok = need(1, 1, "join|leave|modlog GROUP"); !ok)
      return Out(ok.error());
    auto group = group_arg(0);
    if (!group)
      return Out(group.error());
    if (verb == "leave")
      return done(communities.leave(me, group->actor.id), "left " + group->actor.ap_id);
    if (verb == "modlog") {
      auto log = communities.moderation_log(me, group->actor.id, {.limit = 200});
      if (!log)
        return Out(log.error());
      std::string text;
      for (const auto& e : *log) {
        text += core::to_string_id(e.id) + " " + std::string(storage::to_string(e.action)) +
                " by " + core::to_string_id(e.moderator_id);
        if (e.target_actor_id)
          text += " actor " + core::to_string_id(*e.target_actor_id);
        if (e.target_post_id)
          text += " post " + core::to_string_id(*e.target_post_id);
        if (e.reason)
          text += " reason \"" + *e.reason + "\"";
        text += "\n";
      }
      return Out(text.empty() ? "no moderation actions yet" : text.substr(0, text.size() - 1));
    }
    auto joined = communities.join(me, group->actor.id);
    if (!joined)
      return Out(joined.error());
    return Out("joined " + group->actor.ap_id + " (" +
               std::string(storage::to_string(joined->membership.state)) + ")");
  }
  if (verb == "approve" || verb == "reject" || verb == "ban" || verb == "unban" || verb == "mod" ||
      verb == "unmod") {
    if (auto ok = need(2, 4, "approve|reject|ban|unban|mod|unmod GROUP PERSON [REASON] [DAYS]");
        !ok)
      return Out(ok.error());
    auto group = group_arg(0);
    if (!group)
      return Out(group.error());
    auto person = communities.find_person(args[1]);
    if (!person)
      return Out(person.error());
    const Id g = group->actor.id;
    if (verb == "approve") {
      auto m = communities.approve(me, g, person->id);
      if (!m)
        return Out(m.error());
      return Out("approved " + person->ap_id);
    }
    if (verb == "reject")
      return done(communities.reject(me, g, person->id), "rejected " + person->ap_id);
    if (verb == "unban")
      return done(communities.unban(me, g, person->id), "unbanned " + person->ap_id);
    if (verb == "mod" || verb == "unmod")
      return done(communities.set_moderator(me, g, person->id, verb == "mod"),
                  verb + " " + person->ap_id);
    std::optional<std::string> reason;
    if (args.size() > 2)
      reason = args[2];
    std::optional<core::TimePoint> until;
    if (args.size() > 3) {
      int days = 0;
      try {
        days = std::stoi(args[3]);
      } catch (const std::exception&) {
        days = 0;
      }
      if (days <= 0)
        return Out(Error::invalid_input("DAYS must be a positive number"));
      until = core::SystemClock::instance().now() + std::chrono::hours(24 * days);
    }
    return done(communities.ban(me, g, person->id, reason, until), "banned " + person->ap_id);
  }
  if (verb == "reports") {
    if (auto ok = need(1, 1, "reports GROUP"); !ok)
      return Out(ok.error());
    auto group = group_arg(0);
    if (!group)
      return Out(group.error());
    auto open = communities.reports(me, group->actor.id, true, {.limit = 200});
    if (!open)
      return Out(open.error());
    std::string text;
    for (const auto& r : *open) {
      text += "report " + core::to_string_id(r.id) + " by " + core::to_string_id(r.reporter_id);
      if (r.post_id)
        text += " post " + core::to_string_id(*r.post_id);
      if (r.reason)
        text += " reason \"" + *r.reason + "\"";
      text += "\n";
    }
    return Out(text.empty() ? "no open reports" : text.substr(0, text.size() - 1));
  }
  if (verb == "resolve") {
    if (auto ok = need(1, 1, "resolve REPORT_ID"); !ok)
      return Out(ok.error());
    Id report = 0;
    if (!core::parse_id(args[0], report))
      return Out(Error::invalid_input("REPORT_ID is the number `reports` lists"));
    auto resolved = communities.resolve_report(me, report);
    if (!resolved)
      return Out(resolved.error());
    return Out("resolved report " + args[0]);
  }
  if (verb == "thread") {
    if (auto ok = need(3, 12, "thread GROUP TITLE BODY [OPTIONS...]"); !ok)
      return Out(ok.error());
    auto group = group_arg(0);
    if (!group)
      return Out(group.error());
    federation::outbox::ThreadInput in{.title = args[1], .markdown = args[2]};
    if (auto ok = parse_thread_options(args, 3, in); !ok)
      return Out(ok.error());
    auto post = communities.post_thread(me, group->actor.id, in);
    if (!post)
      return Out(post.error());
    return Out("posted " + core::to_string_id(post->id) + " " + post->ap_id);
  }

  // Verbs on a post of a community.
  static const std::vector<std::string> kPostVerbs = {"comment", "react", "unreact", "remove",
                                                      "restore", "lock",  "unlock",  "pin",
                                                      "unpin",   "report"};
  const bool community_post_verb =
      std::find(kPostVerbs.begin(), kPostVerbs.end(), verb) != kPostVerbs.end() ||
      std::find(kThreadKindVerbs.begin(), kThreadKindVerbs.end(), verb) != kThreadKindVerbs.end();
  const bool shared_verb = verb == "edit" || verb == "delete" || verb == "like" || verb == "unlike";
  if (!community_post_verb && !shared_verb)
    return std::nullopt;
  if (args.empty())
    return Out(Error::invalid_input("usage: act USER " + verb + " POST ..."));
  auto post = communities.find_post(args[0]);
  if (!post) {
    if (shared_verb)
      return std::nullopt;  // the person verbs report it
    return Out(post.error());
  }
  if (!post->community_id) {
    if (shared_verb)
      return std::nullopt;  // a person's own post
    return Out(Error::invalid_input("post " + args[0] + " is not in a community"));
  }
  const Id p = post->id;
  if (auto kind_verb = thread_kind_action(communities, me, verb, args, *post))
    return kind_verb;
  if (verb == "comment" || verb == "edit") {
    if (auto ok = need(2, 3, "comment|edit POST BODY [TITLE]"); !ok)
      return Out(ok.error());
    auto made =
        verb == "comment"
            ? communities.comment(me, p, {.markdown = args[1]})
            : communities.edit(me, p,
                               {.title = args.size() > 2 ? std::optional(args[2]) : std::nullopt,
                                .markdown = args[1]});
    if (!made)
      return Out(made.error());
    return Out((verb == "comment" ? "posted " + core::to_string_id(made->id) + " "
                                  : std::string("edited ")) +
               made->ap_id);
  }
  if (verb == "react" || verb == "unreact" || verb == "like" || verb == "unlike") {
    std::string emoji;
    auto kind = verb == "like" || verb == "unlike"
                    ? Result<storage::ReactionKind>(storage::ReactionKind::like)
                    : (args.size() == 2 ? parse_reaction(args[1], emoji)
                                        : Result<storage::ReactionKind>(Error::invalid_input(
                                              "usage: act USER react|unreact POST "
                                              "like|dislike|EMOJI")));
    if (!kind)
      return Out(kind.error());
    const bool add = verb == "react" || verb == "like";
    return done(
        add ? communities.react(me, p, *kind, emoji) : communities.unreact(me, p, *kind, emoji),
        (verb.ends_with("e") ? verb + "d " : verb + "ed ") + post->ap_id);
  }
  if (verb == "delete")
    return done(communities.delete_post(me, p), "deleted " + post->ap_id);
  if (verb == "report")
    return done(communities.report(me, p, args.size() > 1 ? std::optional(args[1]) : std::nullopt),
                "reported " + post->ap_id);
  if (verb == "remove")
    return done(
        communities.remove_post(me, p, args.size() > 1 ? std::optional(args[1]) : std::nullopt),
        "removed " + post->ap_id);
  if (verb == "restore")
    return done(communities.restore_post(me, p), "restored " + post->ap_id);
  if (verb == "lock" || verb == "unlock")
    return done(communities.lock(me, p, verb == "lock"), verb + "ed " + post->ap_id);
  return done(communities.pin(me, p, verb == "pin"), verb + "ned " + post->ap_id);
}

}  // namespace

int run_action(const Config& config, storage::Database& db, const std::string& user,
               const std::string& verb, const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err) {
  auto fail = [&](const Error& e) {
    err << "error: " << e.message << "\n";
    return 1;
  };
  auto actor = db.read([&](storage::Tx& tx) { return tx.users().get_by_handle(user); });
  if (!actor)
    return fail(Error::not_found("'" + user + "' is not a local user"));
  const Id me = actor->actor.id;

  federation::FederationMode mode = federation::FederationMode::open;
  federation::parse(config.federation.mode, mode);
  federation::PeerPolicy peers(mode);
  if (auto r = peers.reload(db); !r)
    return fail(r.error());
  auto runtime = FederationRuntime::create(config, db, peers);
  if (!runtime)
    return fail(runtime.error());
  const federation::Urls urls(config.public_origin());
  federation::outbox::People people(db, urls);
  federation::CommunityService communities(db, urls, &(*runtime)->groups(), &(*runtime)->actors());
  auto handled = community_action(communities, me, verb, args);
  if (handled) {
    if (!*handled)
      return fail(handled->error());
    out << **handled << "\n";
    return 0;
  }

  if (verb == "follow" || verb == "unfollow") {
    if (auto ok = expect_args(args, 1, "act USER follow|unfollow name@host"); !ok)
      return fail(ok.error());
    auto target = communities.find_person(args[0]);
    if (!target)
      return fail(target.error());
    if (verb == "unfollow") {
      if (auto r = people.unfollow(me, target->id); !r)
        return fail(r.error());
      out << user << " unfollowed " << target->ap_id << "\n";
      return 0;
    }
    auto follow = people.follow(me, target->id);
    if (!follow)
      return fail(follow.error());
    out << user << " follows " << target->ap_id << " (" << storage::to_string(follow->state)
        << ")\n";
    return 0;
  }
  if (verb == "post") {
    if (auto ok = expect_args(args, 1, "act USER post TEXT"); !ok)
      return fail(ok.error());
    auto post = people.publish_note(me, {.markdown = args[0]});
    if (!post)
      return fail(post.error());
    out << "posted " << post->id << " " << post->ap_id << "\n";
    return 0;
  }
  if (verb == "edit") {
    if (auto ok = expect_args(args, 2, "act USER edit POST TEXT"); !ok)
      return fail(ok.error());
    auto post = communities.find_post(args[0]);
    if (!post)
      return fail(post.error());
    auto edited = people.edit_note(me, post->id, {.markdown = args[1]});
    if (!edited)
      return fail(edited.error());
    out << "edited " << edited->ap_id << "\n";
    return 0;
  }
  if (verb == "delete" || verb == "like" || verb == "unlike") {
    if (auto ok = expect_args(args, 1, "act USER delete|like|unlike POST"); !ok)
      return fail(ok.error());
    auto post = communities.find_post(args[0]);
    if (!post)
      return fail(post.error());
    auto done = verb == "delete" ? people.delete_note(me, post->id)
                : verb == "like" ? people.like(me, post->id)
                                 : people.unlike(me, post->id);
    if (!done)
      return fail(done.error());
    out << verb << "d " << post->ap_id << "\n";
    return 0;
  }
  return fail(Error::invalid_input(
      "unknown action '" + verb +
      "': use follow, unfollow, post, edit, delete, like, unlike, community-create, "
      "community-set, join, leave, approve, reject, thread, comment, react, unreact, remove, "
      "restore, lock, unlock, pin, unpin, ban, unban, mod, unmod, report, reports, resolve, "
      "accept-answer, unaccept-answer, vote, rsvp or modlog"));
}

}  // namespace guildhall::server
