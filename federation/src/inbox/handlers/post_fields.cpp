#include "post_fields.hpp"

#include <algorithm>

#include "guildhall/content/html.hpp"
#include "guildhall/content/url.hpp"
#include "guildhall/federation/signatures/verify.hpp"

namespace guildhall::federation::inbox::detail {

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
  f.is_question = object.kind == as::Kind::question;
  int position = 0;
  for (const as::Ref& ref : object.attachment) {
    const as::Object* a = ref.get();
    if (!a)
      continue;
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
  post.is_local = false;
  post.is_question = f.is_question;
  const core::TimePoint now = ctx.clock.now();
  post.published_at = std::min(object.published.value_or(now), now);
  post.attachments = std::move(f.attachments);
  return post;
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
