#include "actions.hpp"

#include <ostream>

#include "guildhall/federation/outbox/people.hpp"
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
  return fail(Error::invalid_input("unknown action '" + verb +
                                   "': use follow, unfollow, post, edit, delete, like or unlike"));
}

}  // namespace guildhall::server
