#include "post_fields.hpp"

#include <algorithm>

#include "guildhall/content/html.hpp"
#include "guildhall/content/url.hpp"
#include "guildhall/federation/groups/thread_kinds.hpp"
#include "guildhall/federation/signatures/verify.hpp"

namespace guildhall::federation::inbox::detail {

namespace {

constexpr std::int64_t kMaxSide = 1'000'000;  // a width or height beyond is nonsense, not shown

}  // namespace

PostFields post_fields(const as::Object& object) {
  PostFields f;
  if (object.kind != as::Kind::note && object.name && !object.name->empty())
    f.title = content::html_to_plain_text(*object.name);
  f.content_html = content::sanitize_html(object.content.value_or(""));
  if (object.summary && !object.summary->empty()) {
    // Mastodon's content warning is plain text; Lemmy and Mbin may send HTML there.
    f.summary = content::html_to_plain_text(*object.summary);
  }
  f.language = object.language();
  f.sensitive = object.sensitive.value_or(false) || f.summary.has_value();
  if (!object.url.empty())
    f.url = content::safe_url(object.url, false);
  if (object.in_reply_to.empty() && same_origin_ids(object.context.id(), object.id))
    f.context_url = content::safe_url(object.context.id(), false);
  f.is_question = groups::read_shape(object).question;
  int position = 0;
  for (const as::Ref& ref : object.attachment) {
    const as::Object* a = ref.get();
    if (!a)
      continue;
    if (a->kind == as::Kind::link && object.in_reply_to.empty() && !f.link_url) {
      f.link_url = content::safe_url(!a->href.empty() ? a->href : a->url, false);
      if (f.link_url)
        continue;
    }
    std::string raw_url = !a->url.empty() ? a->url : (!a->href.empty() ? a->href : a->id);
    std::optional<std::string> url = content::safe_url(raw_url, false);
    if (!url)
      continue;  // never store a URL we would not link to
    storage::Attachment att;
    att.position = position++;
    att.url = *url;
    att.media_type = a->media_type;
    if (a->name && !a->name->empty())
      att.description = a->name;
    if (a->width && a->height && *a->width > 0 && *a->height > 0 && *a->width <= kMaxSide &&
        *a->height <= kMaxSide) {
      att.width = static_cast<int>(*a->width);
      att.height = static_cast<int>(*a->height);
    }
    att.blurhash = a->blurhash;
    if (a->focal_point.size() == 2) {
      att.focus_x = a->focal_point[0];
      att.focus_y = a->focal_point[1];
    }
    f.attachments.push_back(std::move(att));
  }
  return f;
}

storage::NewPost new_remote_post(const HandlerContext& ctx, const as::Object& object) {
  PostFields f = post_fields(object);
  storage::NewPost post;
  post.ap_id = object.id;
  post.author_id = ctx.actor.id;
  post.title = f.title;
  post.content_html = std::move(f.content_html);
  post.summary = f.summary;
  post.language = f.language;
  post.sensitive = f.sensitive;
  post.url = f.url;
  post.context_url = f.context_url;
  post.link_url = f.link_url;
  post.is_local = false;
  post.is_question = f.is_question;
  const core::TimePoint now = ctx.clock.now();
  post.published_at = std::min(object.published.value_or(now), now);
  post.attachments = std::move(f.attachments);
  return post;
}

storage::PostVisibility visibility_of(const as::Object& object, const as::Object& activity,
                                      const storage::Actor& author) {
  const bool own = !object.to.empty() || !object.cc.empty();
  const auto& to = own ? object.to : activity.to;
  const auto& cc = own ? object.cc : activity.cc;
  const auto in = [](const std::vector<std::string>& list, std::string_view id) {
    return std::find(list.begin(), list.end(), id) != list.end();
  };
  if (in(to, as::kPublic))
    return storage::PostVisibility::public_;
  if (in(cc, as::kPublic))
    return storage::PostVisibility::unlisted;
  const std::string followers = author.followers_url.value_or(Urls::followers(author.ap_id));
  if (in(to, followers) || in(cc, followers))
    return storage::PostVisibility::private_;
  return storage::PostVisibility::direct;
}

storage::PostEdit post_edit(PostFields f, core::TimePoint edited_at) {
  storage::PostEdit edit;
  if (f.title)
    edit.title = f.title;
  edit.content_html = std::move(f.content_html);
  edit.summary = std::optional<std::string>(f.summary);
  edit.language = std::optional<std::string>(f.language);
  edit.sensitive = f.sensitive;
  edit.url = std::optional<std::string>(f.url);
  edit.link_url = std::optional<std::string>(f.link_url);
  edit.attachments = std::move(f.attachments);
  edit.edited_at = edited_at;
  return edit;
}

core::Result<storage::ReactionForm> reaction_form(const as::Object& activity, storage::Id post_id,
                                                  storage::Id actor_id) {
  storage::ReactionForm form;
  form.post_id = post_id;
  form.actor_id = actor_id;
  form.ap_id = activity.id;
  switch (activity.kind) {
    case as::Kind::dislike:
      form.kind = storage::ReactionKind::dislike;
      break;
    case as::Kind::emoji_react: {
      form.kind = storage::ReactionKind::emoji;
      form.emoji = activity.content.value_or(activity.name.value_or(""));
      if (form.emoji.empty() || form.emoji.size() > 256)
        return core::Error::invalid_input("emoji reaction without a usable emoji");
      // A custom emoji's image comes in the Emoji tag of that name.
      for (const as::Ref& tag : activity.tag) {
        const as::Object* t = tag.get();
        if (t && t->kind == as::Kind::emoji && t->name == form.emoji && !t->icon.empty())
          form.emoji_icon_url = t->icon;
      }
      break;
    }
    default:
      form.kind = storage::ReactionKind::like;
  }
  return form;
}

core::Result<storage::Reaction> store_reaction(storage::Tx& tx, const storage::ReactionForm& form) {
  if (form.kind != storage::ReactionKind::emoji) {
    const auto opposite = form.kind == storage::ReactionKind::like ? storage::ReactionKind::dislike
                                                                   : storage::ReactionKind::like;
    auto removed = tx.reactions().remove(form.post_id, form.actor_id, opposite);
    if (!removed)
      return std::move(removed).error();
  }
  return tx.reactions().add(form);
}

core::Result<void> check_owned_object(HandlerContext& ctx, const as::Object& object) {
  if (object.id.empty())
    return core::Error::invalid_input("object without an id");
  if (!same_origin_ids(object.id, ctx.actor.ap_id))
    return core::Error::forbidden("origin_mismatch: object is not on the actor's origin");
  if (same_origin_ids(object.id, ctx.urls.origin()))
    return core::Error::forbidden("origin_mismatch: object id is under our origin");
  auto author = object.author();
  if (!author)
    return core::Error::invalid_input("object without one author");
  if (*author != ctx.actor.ap_id)
    return core::Error::forbidden("owner_mismatch: attributedTo is not the actor");
  return {};
}

}  // namespace guildhall::federation::inbox::detail
