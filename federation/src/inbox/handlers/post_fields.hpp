#pragma once

// Converting a remote content object (Note, Page, Article, Question) into post fields; shared by
// Create and Update. Remote HTML is sanitized here, on ingest (catalogue rule 9).

#include <string>
#include <vector>

#include "handler.hpp"

namespace guildhall::federation::inbox::detail {

struct PostFields {
  std::optional<std::string> title;
  std::string content_html;
  std::optional<std::string> summary;
  std::optional<std::string> language;
  bool sensitive = false;
  std::optional<std::string> url;
  // A thread's FEP-7888 context collection, only when on the thread's own origin (a context
  // elsewhere would let a thread send our backfill to any server).
  std::optional<std::string> context_url;
  // A thread's link (link posts): its first `Link` attachment (Lemmy, Mbin), not kept among the
  // attachments.
  std::optional<std::string> link_url;
  bool is_question = false;
  std::vector<storage::Attachment> attachments;
};

PostFields post_fields(const as::Object& object);

// The row for a remote post by ctx.actor: post_fields, not local, published clamped to now
// (JS-11: a future date would otherwise pin the post on top). The caller sets parent/community.
storage::NewPost new_remote_post(const HandlerContext& ctx, const as::Object& object);

// Who a remote person's post is for, from its addressing as Mastodon reads it: Public in `to`
// is public, Public only in `cc` unlisted, the author's followers collection followers-only, and
// people alone direct. The object's addressing counts; without any, its activity's.
storage::PostVisibility visibility_of(const as::Object& object, const as::Object& activity,
                                      const storage::Actor& author);

// The edit an Update makes (title only when the object has one), edited at `edited_at`.
storage::PostEdit post_edit(PostFields fields, core::TimePoint edited_at);

// A reaction activity (Like, Dislike, EmojiReact, or the one an Undo embeds) as a reaction row of
// `actor_id` on `post_id`: kind, emoji (from `content`, else `name`) and a custom emoji's image.
// invalid_input for an EmojiReact without a usable emoji.
core::Result<storage::ReactionForm> reaction_form(const as::Object& activity, storage::Id post_id,
                                                  storage::Id actor_id);
// Stores it: a vote (Like/Dislike) replaces the actor's other vote, as a Lemmy vote does; emoji
// reactions add up. Idempotent per (post, actor, kind, emoji).
core::Result<storage::Reaction> store_reaction(storage::Tx& tx, const storage::ReactionForm& form);

// The checks shared by Create and Update (catalogue 2.2): the object is embedded, has an id on
// the actor's origin (not ours), and its one author is the actor.
core::Result<void> check_owned_object(HandlerContext& ctx, const as::Object& object);

}  // namespace guildhall::federation::inbox::detail
