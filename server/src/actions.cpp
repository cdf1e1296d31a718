#include "actions.hpp"

#include <ostream>

#include "guildhall/federation/outbox/communities.hpp"
#include "guildhall/federation/outbox/people.hpp"
#include "guildhall/federation/outbox/remote_communities.hpp"
#include "guildhall/federation/policy.hpp"

#include "federation_runtime.hpp"

namespace guildhall::server {

namespace {

using core::Error;
using core::Result;
using storage::Id;

// A person given as name@host (remote: WebFinger), a bare local handle, or an actor URL.
Result<storage::Actor> find_person(FederationRuntime& fed, storage::Database& db,
                                   const std::string& who) {
  if (who.starts_with("https://") || who.starts_with("http://"))
    return fed.actors().get(who);
  if (who.find('@') != std::string::npos)
    return fed.actors().resolve_handle(who);
  return db.read([&](storage::Tx& tx) { return tx.actors().get_local_by_handle(who); });
}

// A post given as its local id or its ActivityPub id.
Result<storage::Post> find_post(storage::Database& db, const std::string& ref) {
  return db.read([&](storage::Tx& tx) -> Result<storage::Post> {
    if (Id id = 0; core::parse_id(ref, id))
      return tx.posts().get(id);
    return tx.posts().get_by_ap_id(ref);
  });
}

Result<void> expect_args(const std::vector<std::string>& args, std::size_t n, const char* usage) {
  if (args.size() != n)
    return Error::invalid_input(std::string("usage: ") + usage);
  return {};
}

// --- communities ------------------------------------------------------------------------------
// join, leave, thread, comment, upvote, downvote, unvote, react, unreact, report; edit, delete,
// like and unlike of a community post go here too. One facade over the two services: a community
// hosted here goes to Communities (the group engine), one hosted elsewhere to RemoteCommunities.
// nullopt: not a community action.
struct CommunityServices {
  federation::outbox::Communities& local;
  federation::outbox::RemoteCommunities& remote;
};

std::optional<int> run_community_action(FederationRuntime& fed, storage::Database& db,
                                        const CommunityServices& services, Id me,
                                        const std::string& verb,
                                        const std::vector<std::string>& args, std::ostream& out,
                                        std::ostream& err) {
  using storage::ReactionKind;
  auto fail = [&](const Error& e) {
    err << "error: " << e.message << "\n";
    return 1;
  };
  auto done = [&](const Result<void>& r, const std::string& what) {
    if (!r)
      return fail(r.error());
    out << what << "\n";
    return 0;
  };
  if (verb == "join" || verb == "leave" || verb == "thread") {
    const bool thread = verb == "thread";
    if (auto ok = thread ? expect_args(args, 3, "act USER thread name@host TITLE TEXT")
                         : expect_args(args, 1, "act USER join|leave name@host");
        !ok)
      return fail(ok.error());
    auto group = fed.groups().resolve(args[0]);
    if (!group)
      return fail(group.error());
    const Id community = group->actor.id;
    const bool local = group->actor.is_local();
    if (verb == "leave")
      return done(
          local ? services.local.leave(me, community) : services.remote.leave(me, community),
          "left " + group->actor.ap_id);
    if (thread) {
      federation::outbox::ThreadInput input{.title = args[1], .markdown = args[2]};
      auto post = local ? services.local.post_thread(me, community, input)
                        : services.remote.post_thread(me, community, input);
      if (!post)
        return fail(post.error());
      out << "posted " << post->id << " " << post->ap_id << "\n";
      return 0;
    }
    Result<storage::Membership> membership = Error::internal("not joined");
    if (local) {
      auto joined = services.local.join(me, community);
      membership = joined ? Result<storage::Membership>(joined->membership)
                          : Result<storage::Membership>(joined.error());
    } else {
      membership = services.remote.join(me, community);
    }
    if (!membership)
      return fail(membership.error());
    out << "joined " << group->actor.ap_id << " (" << storage::to_string(membership->state)
        << ")\n";
    return 0;
  }
  const bool post_verb = verb == "comment" || verb == "upvote" || verb == "downvote" ||
                         verb == "unvote" || verb == "react" || verb == "unreact" ||
                         verb == "report" || verb == "edit" || verb == "delete" || verb == "like" ||
                         verb == "unlike";
  if (!post_verb || args.empty())
    return std::nullopt;
  auto post = find_post(db, args[0]);
  if (!post)
    return fail(post.error());
  // Posts outside communities keep the person-level verbs (People).
  if (!post->community_id)
    return std::nullopt;
  auto group = db.read([&](storage::Tx& tx) { return tx.actors().get(*post->community_id); });
  if (!group)
    return fail(group.error());
  const bool local = group->is_local();
  const Id id = post->id;
  const std::string& ap_id = post->ap_id;
  auto react = [&](ReactionKind kind, const std::string& emoji) {
    return local ? services.local.react(me, id, kind, emoji)
                 : services.remote.react(me, id, kind, emoji);
  };
  auto unreact = [&](ReactionKind kind, const std::string& emoji) {
    return local ? services.local.unreact(me, id, kind, emoji)
                 : services.remote.unreact(me, id, kind, emoji);
  };
  if (verb == "comment" || verb == "report" || verb == "react" || verb == "unreact") {
    if (auto ok = expect_args(args, 2, "act USER comment|report|react|unreact POST TEXT"); !ok)
      return fail(ok.error());
    if (verb == "report") {
      if (local)
        return fail(Error::invalid_input("reports in communities hosted here: not yet"));
      return done(services.remote.report(me, id, args[1]), "reported " + ap_id);
    }
    if (verb == "react")
      return done(react(ReactionKind::emoji, args[1]), "reacted " + args[1] + " to " + ap_id);
    if (verb == "unreact")
      return done(unreact(ReactionKind::emoji, args[1]), "unreacted " + args[1] + " to " + ap_id);
    federation::outbox::CommentInput input{.markdown = args[1]};
    auto comment =
        local ? services.local.comment(me, id, input) : services.remote.comment(me, id, input);
    if (!comment)
      return fail(comment.error());
    out << "commented " << comment->id << " " << comment->ap_id << "\n";
    return 0;
  }
  if (verb == "edit") {
    if (args.size() != 2 && args.size() != 3)
      return fail(Error::invalid_input("usage: act USER edit POST [TITLE] TEXT"));
    federation::outbox::EditInput input{.markdown = args.back()};
    if (args.size() == 3)
      input.title = args[1];
    auto edited = local ? services.local.edit(me, id, input) : services.remote.edit(me, id, input);
    if (!edited)
      return fail(edited.error());
    out << "edited " << edited->ap_id << "\n";
    return 0;
  }
  if (auto ok = expect_args(args, 1, "act USER upvote|downvote|unvote|delete POST"); !ok)
    return fail(ok.error());
  if (verb == "delete")
    return done(local ? services.local.delete_post(me, id) : services.remote.remove(me, id),
                "deleted " + ap_id);
  if (verb == "upvote" || verb == "like")
    return done(react(ReactionKind::like, ""), "upvoted " + ap_id);
  if (verb == "downvote")
    return done(react(ReactionKind::dislike, ""), "downvoted " + ap_id);
  // unvote / unlike: whichever vote there is goes.
  if (auto up = unreact(ReactionKind::like, ""); !up)
    return fail(up.error());
  return done(unreact(ReactionKind::dislike, ""), "unvoted " + ap_id);
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
  federation::outbox::People people(db, federation::Urls(config.public_origin()));
  federation::outbox::Communities local_communities(db, federation::Urls(config.public_origin()));
  federation::outbox::RemoteCommunities remote_communities(
      db, federation::Urls(config.public_origin()));
  if (auto handled = run_community_action(**runtime, db, {local_communities, remote_communities},
                                          me, verb, args, out, err))
    return *handled;

  if (verb == "follow" || verb == "unfollow") {
    if (auto ok = expect_args(args, 1, "act USER follow|unfollow name@host"); !ok)
      return fail(ok.error());
    auto target = find_person(**runtime, db, args[0]);
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
    auto post = find_post(db, args[0]);
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
    auto post = find_post(db, args[0]);
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
  return fail(
      Error::invalid_input("unknown action '" + verb +
                           "': use follow, unfollow, post, edit, delete, like, unlike, join, "
                           "leave, thread, comment, upvote, downvote, unvote, react, "
                           "unreact or report"));
}

}  // namespace guildhall::server
