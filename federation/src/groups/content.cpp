// Threads, comments, edits, deletions and reactions in a community hosted here.
#include <algorithm>

#include "guildhall/content/html.hpp"
#include "guildhall/federation/groups/thread_kinds.hpp"
#include "guildhall/federation/signatures/verify.hpp"

#include "../inbox/handlers/post_fields.hpp"
#include "internal.hpp"

namespace guildhall::federation::groups::detail {

namespace {

using inbox::detail::post_fields;

constexpr std::size_t kMaxTitleChars = 200;  // Lemmy's limit; its peers refuse longer titles

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool is_content_kind(as::Kind kind) noexcept {
  return kind == as::Kind::note || kind == as::Kind::page || kind == as::Kind::article ||
         kind == as::Kind::question || kind == as::Kind::event;
}

// Only the author creates or edits a post, and a remote one only on its own origin (catalogue 2.2:
// the group cannot vouch for more than its sender's server does).
Result<void> check_authored(const GroupContext& ctx, const as::Object& object) {
  if (object.id.empty())
    return Error::invalid_input("object without an id");
  auto author = object.author();
  if (!author)
    return Error::invalid_input("object without one author");
  if (*author != ctx.actor.ap_id)
    return Error::forbidden("owner_mismatch: attributedTo is not the actor");
  if (!ctx.actor.is_local()) {
    const std::string_view id = object.id;
    if (!signatures::same_origin(id.substr(0, id.find('#')), ctx.actor.ap_id))
      return Error::forbidden("origin_mismatch: object is not on the actor's origin");
  }
  return {};
}

Result<void> check_language(const storage::CommunityView& group,
                            const std::optional<std::string>& language) {
  const auto& allowed = group.community.languages;
  if (!language || allowed.empty())
    return {};
  if (std::find(allowed.begin(), allowed.end(), *language) == allowed.end())
    return Error::invalid_input("this community does not take posts in language '" + *language +
                                "'");
  return {};
}

std::optional<std::string> markdown_source(const as::Object& object) {
  if (object.source && object.source->media_type == "text/markdown" &&
      !object.source->content.empty())
    return object.source->content;
  return std::nullopt;
}

// The bare object of a Create/Update, for the plain Announce(Page) that microblogs read.
const json* wire_object(const GroupContext& ctx) {
  auto it = ctx.wire.find("object");
  if (it == ctx.wire.end() || !it->is_object())
    return nullptr;
  return &*it;
}

}  // namespace

Result<Applied> apply_create(GroupContext& ctx) {
  const as::Object* object = ctx.activity.object_ref().get();
  if (!object)
    return ctx.ignore("object not embedded (needs a fetch)");
  if (!is_content_kind(object->kind))
    return ctx.ignore("create of an unhandled object type");
  if (auto ok = check_authored(ctx, *object); !ok)
    return std::move(ok).error();
  auto existing = find_post(ctx.tx, object->id);
  if (!existing)
    return std::move(existing).error();
  if (*existing)
    return ctx.ignore("already stored");

  std::optional<storage::Post> parent;
  if (!object->in_reply_to.id().empty()) {
    auto p = find_post(ctx.tx, object->in_reply_to.id());
    if (!p)
      return std::move(p).error();
    // Deliveries overtake each other: the parent may still be on its way, so the processor
    // retries (a transient error) instead of dropping the reply.
    if (!*p)
      return core::Error::unavailable("reply to a post we do not have (yet)");
    if (auto in = check_in_group(ctx.group, **p); !in)
      return std::move(in).error();
    parent = std::move(*p);
  }
  auto standing = standing_of(ctx.tx, ctx.group, ctx.actor);
  if (!standing)
    return std::move(standing).error();
  if (auto ok = check_may_contribute(ctx.group, *standing, !parent); !ok)
    return std::move(ok).error();
  if (parent && is_poll_vote(*object, *parent) && ctx.tx.polls().get(parent->id).ok())
    return apply_poll_vote(ctx, *object, *parent);
  if (parent) {
    auto thread = ctx.tx.posts().get(parent->thread_id);
    if (!thread)
      return std::move(thread).error();
    if (thread->locked && !standing->moderator)
      return Error::forbidden("the thread is locked");
    if (thread->deleted_at || thread->removed_at)
      return Error::forbidden("the thread was deleted or removed");
  }

  inbox::detail::PostFields f = post_fields(*object);
  if (!parent && !f.title) {
    // A microblog post to the group (Mastodon, Pleroma): the title is its first line without the
    // leading @group mention.
    std::string title = content::derive_title(f.content_html);
    if (!title.empty())
      f.title = std::move(title);
  }
  if (!parent && (!f.title || f.title->empty()))
    return Error::invalid_input("a thread needs a title");
  if (f.title && code_points(*f.title) > kMaxTitleChars)
    return Error::invalid_input("a title may have at most 200 characters");
  if (auto ok = check_language(ctx.group, f.language); !ok)
    return std::move(ok).error();

  storage::NewPost post;
  post.id = ctx.options.new_post_id;
  post.ap_id = object->id;
  post.author_id = ctx.actor.id;
  post.community_id = ctx.group.actor.id;
  if (parent) {
    post.parent_id = parent->id;
  } else {
    post.title = f.title;
    post.context_url = f.context_url;
    post.link_url = f.link_url;
  }
  post.content_source = markdown_source(*object);
  post.content_html = std::move(f.content_html);
  post.summary = f.summary;
  post.language = f.language;
  post.sensitive = f.sensitive;
  post.url = f.url;
  post.is_local = ctx.actor.is_local();
  post.is_question = !parent && f.is_question;
  const core::TimePoint now = ctx.tx.now();
  post.published_at = std::min(object->published.value_or(now), now);  // JS-11
  post.attachments = ctx.options.attachments ? *ctx.options.attachments : std::move(f.attachments);
  auto created = ctx.tx.posts().create(post);
  if (!created)
    return std::move(created).error();
  ctx.out.post = *created;
  if (!parent)
    if (auto shaped = store_new_shape(ctx.tx, *created, *object); !shaped)
      return std::move(shaped).error();

  if (auto a = announce(ctx, "Create"); !a)
    return std::move(a).error();
  if (!parent) {
    if (const json* bare = wire_object(ctx); bare)
      if (auto a = announce_object(ctx, *bare); !a)
        return std::move(a).error();
  }
  return ctx.done();
}

Result<Applied> apply_update(GroupContext& ctx) {
  const as::Object* object = ctx.activity.object_ref().get();
  if (!object)
    return ctx.ignore("object not embedded (needs a fetch)");
  if (object->kind == as::Kind::group)
    return ctx.ignore("the group is edited by its managers here, not by Update(Group)");
  if (!is_content_kind(object->kind))
    return ctx.ignore("update of an unhandled object type");
  if (auto ok = check_authored(ctx, *object); !ok)
    return std::move(ok).error();
  auto existing = find_post(ctx.tx, object->id);
  if (!existing)
    return std::move(existing).error();
  if (!*existing)
    return ctx.ignore("update of an unknown post");
  const storage::Post& post = **existing;
  if (auto in = check_in_group(ctx.group, post); !in)
    return std::move(in).error();
  if (post.author_id != ctx.actor.id)
    return Error::forbidden("owner_mismatch: only the author can edit a post");
  if (post.deleted_at || post.removed_at)
    return Error::forbidden("the post was deleted or removed");
  auto standing = standing_of(ctx.tx, ctx.group, ctx.actor);
  if (!standing)
    return std::move(standing).error();
  if (standing->banned)
    return Error::forbidden("you are banned from this community");
  const core::TimePoint now = ctx.tx.now();
  const core::TimePoint edited = std::min(object->updated.value_or(now), now);
  if (post.updated_at && object->updated && edited <= *post.updated_at)
    return ctx.ignore("stale update");

  inbox::detail::PostFields f = post_fields(*object);
  if (auto ok = check_language(ctx.group, f.language); !ok)
    return std::move(ok).error();
  if (!post.is_thread())
    f.title.reset();
  storage::PostEdit edit = inbox::detail::post_edit(std::move(f), edited);
  if (ctx.options.attachments)
    edit.attachments = *ctx.options.attachments;
  edit.content_source = std::optional<std::string>(markdown_source(*object));
  auto updated = ctx.tx.posts().update(post.id, edit);
  if (!updated)
    return std::move(updated).error();
  ctx.out.post = *updated;
  // The host counts its polls' votes itself: an edit moves an event, never a tally.
  if (post.is_thread())
    if (auto shaped = store_edited_shape(ctx.tx, *updated, *object, false); !shaped)
      return std::move(shaped).error();
  if (auto a = announce(ctx, "Update"); !a)
    return std::move(a).error();
  if (post.is_thread()) {
    if (const json* bare = wire_object(ctx); bare)
      if (auto a = announce_object(ctx, *bare); !a)
        return std::move(a).error();
  }
  return ctx.done();
}

// Delete by the author is a tombstone; by a moderator (Lemmy sends `summary` with the reason,
// Mbin a blank one) it is a removal, which Undo restores. `Remove` of a post without a target
// is the same removal.
Result<Applied> apply_delete(GroupContext& ctx) {
  const std::string& object_id = ctx.activity.object_ref().id();
  if (object_id.empty())
    return Error::invalid_input("delete without an object");
  auto post = find_post(ctx.tx, object_id);
  if (!post)
    return std::move(post).error();
  if (!*post)
    return ctx.ignore("delete of an unknown post");
  if (auto in = check_in_group(ctx.group, **post); !in)
    return std::move(in).error();
  const bool removal = ctx.activity.kind == as::Kind::remove;
  if (!removal && (*post)->author_id == ctx.actor.id) {
    if ((*post)->deleted_at)
      return ctx.ignore("already deleted");
    auto deleted = ctx.tx.posts().soft_delete((*post)->id);
    if (!deleted)
      return std::move(deleted).error();
    ctx.out.post = *deleted;
  } else {
    auto may = is_moderator(ctx.tx, ctx.group, ctx.actor);
    if (!may)
      return std::move(may).error();
    if (!*may)
      return Error::forbidden("only the author or a moderator may delete this post");
    if ((*post)->removed_at)
      return ctx.ignore("already removed");
    auto removed = ctx.tx.posts().set_removed((*post)->id, true);
    if (!removed)
      return std::move(removed).error();
    ctx.out.post = *removed;
    std::optional<std::string> reason;
    if (ctx.activity.summary)
      reason = content::html_to_plain_text(*ctx.activity.summary);
    if (auto l =
            log_moderation(ctx.tx, ctx.group, ctx.actor.id, storage::ModerationAction::remove_post,
                           (*post)->author_id, (*post)->id, reason);
        !l)
      return std::move(l).error();
  }
  if (auto a = announce(ctx, ctx.activity.type_name()); !a)
    return std::move(a).error();
  return ctx.done();
}

Result<Applied> restore_post(GroupContext& ctx, const std::string& post_ap_id) {
  auto post = find_post(ctx.tx, post_ap_id);
  if (!post)
    return std::move(post).error();
  if (!*post)
    return ctx.ignore("restore of an unknown post");
  if (auto in = check_in_group(ctx.group, **post); !in)
    return std::move(in).error();
  if (!(*post)->removed_at)
    return ctx.ignore("not removed (an author's deletion cannot be undone)");
  auto may = is_moderator(ctx.tx, ctx.group, ctx.actor);
  if (!may)
    return std::move(may).error();
  if (!*may)
    return Error::forbidden("only a moderator may restore a removed post");
  auto restored = ctx.tx.posts().set_removed((*post)->id, false);
  if (!restored)
    return std::move(restored).error();
  ctx.out.post = *restored;
  if (auto l =
          log_moderation(ctx.tx, ctx.group, ctx.actor.id, storage::ModerationAction::restore_post,
                         (*post)->author_id, (*post)->id);
      !l)
    return std::move(l).error();
  if (auto a = announce(ctx, "Undo"); !a)
    return std::move(a).error();
  return ctx.done();
}

// Like and Dislike are votes (one per actor: a new vote replaces the other); EmojiReact (FEP-c0e0)
// adds one reaction per emoji.
Result<Applied> apply_reaction(GroupContext& ctx) {
  auto post = find_post(ctx.tx, ctx.activity.object_ref().id());
  if (!post)
    return std::move(post).error();
  if (!*post)
    return ctx.ignore("reaction to an unknown post");
  if (auto in = check_in_group(ctx.group, **post); !in)
    return std::move(in).error();
  if ((*post)->deleted_at || (*post)->removed_at)
    return ctx.ignore("post is deleted or removed");
  auto standing = standing_of(ctx.tx, ctx.group, ctx.actor);
  if (!standing)
    return std::move(standing).error();
  if (auto ok = check_may_contribute(ctx.group, *standing, false); !ok)
    return std::move(ok).error();

  auto form = inbox::detail::reaction_form(ctx.activity, (*post)->id, ctx.actor.id);
  if (!form)
    return std::move(form).error();
  auto added = inbox::detail::store_reaction(ctx.tx, *form);
  if (!added)
    return std::move(added).error();
  if (added->ap_id != form->ap_id)
    return ctx.ignore("reacted before");
  if (auto a = announce(ctx, ctx.activity.type_name()); !a)
    return std::move(a).error();
  return ctx.done();
}

}  // namespace guildhall::federation::groups::detail
