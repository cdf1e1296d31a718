#include "guildhall/federation/signatures/verify.hpp"

#include "handler.hpp"

namespace guildhall::federation::inbox::detail {

namespace {
template <typename T>
core::Result<std::optional<T>> optional_row(core::Result<T> r) {
  if (r.ok())
    return std::optional<T>(std::move(r).value());
  if (r.error().kind == core::ErrorKind::not_found)
    return std::optional<T>();
  return std::move(r).error();
}
}  // namespace

core::Result<std::optional<storage::Actor>> find_actor(storage::Tx& tx, std::string_view ap_id) {
  if (ap_id.empty())
    return std::optional<storage::Actor>();
  return optional_row(tx.actors().get_by_ap_id(ap_id));
}

core::Result<std::optional<storage::Post>> find_post(storage::Tx& tx, std::string_view ap_id) {
  if (ap_id.empty())
    return std::optional<storage::Post>();
  return optional_row(tx.posts().get_by_ap_id(ap_id));
}

core::Result<std::optional<storage::Follow>> find_follow(storage::Tx& tx, storage::Id follower,
                                                         storage::Id followee) {
  return optional_row(tx.follows().get(follower, followee));
}

std::string tombstone_key(std::string_view object_id) {
  return "tombstone:" + std::string(object_id);
}

bool same_origin_ids(std::string_view a, std::string_view b) {
  return signatures::same_origin(a.substr(0, a.find('#')), b.substr(0, b.find('#')));
}

core::Result<void> log_host_decision(storage::Tx& tx, storage::Id community_id,
                                     storage::Id moderator_id, storage::ModerationAction action,
                                     storage::Id person_id, std::optional<std::string> reason,
                                     std::optional<core::TimePoint> expires_at) {
  auto logged = tx.moderation_log().add({.community_id = community_id,
                                         .moderator_id = moderator_id,
                                         .action = action,
                                         .target_actor_id = person_id,
                                         .target_post_id = std::nullopt,
                                         .reason = std::move(reason),
                                         .expires_at = expires_at});
  if (!logged)
    return std::move(logged).error();
  return {};
}

bool is_post_kind(as::Kind kind) noexcept {
  return kind == as::Kind::note || kind == as::Kind::page || kind == as::Kind::article ||
         kind == as::Kind::question || kind == as::Kind::event;
}

core::Result<void> dispatch(HandlerContext& ctx) {
  auto group = handle_group_activity(ctx);
  if (!group)
    return std::move(group).error();
  if (*group)
    return {};
  switch (ctx.activity.kind) {
    case as::Kind::follow:
      return handle_follow(ctx);
    case as::Kind::accept:
      return handle_accept(ctx);
    case as::Kind::reject:
      return handle_reject(ctx);
    case as::Kind::undo:
      return handle_undo(ctx);
    case as::Kind::create:
      return handle_create(ctx);
    case as::Kind::update:
      return handle_update(ctx);
    case as::Kind::delete_:
      return handle_delete(ctx);
    case as::Kind::like:
    case as::Kind::dislike:
    case as::Kind::emoji_react:
      return handle_reaction(ctx);
    case as::Kind::announce:
      return handle_announce(ctx);
    case as::Kind::block:
      return handle_block(ctx);
    case as::Kind::flag:
      return handle_flag(ctx);
    case as::Kind::resolve:
      return handle_resolve(ctx);
    default:
      return ctx.ignore("unhandled type");
  }
}

}  // namespace guildhall::federation::inbox::detail
