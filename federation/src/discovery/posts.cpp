#include "guildhall/federation/discovery/posts.hpp"

#include "guildhall/activitystreams/serialize.hpp"
#include "guildhall/federation/attachments.hpp"
#include "guildhall/federation/discovery/actors.hpp"
#include "guildhall/federation/discovery/lookup.hpp"
#include "guildhall/federation/urls.hpp"

namespace guildhall::federation::discovery {

namespace as = guildhall::activitystreams;

namespace {

core::Error no_such_post() {
  return core::Error::not_found("no such post");
}

}  // namespace

core::Result<LocalPost> find_local_post(storage::Tx& tx, storage::Id id) {
  auto post = tx.posts().get(id);
  if (!post)
    return post.error().kind == core::ErrorKind::not_found ? no_such_post() : post.error();
  if (!post->is_local)
    return no_such_post();
  LocalPost found{std::move(post).value(), {}, std::nullopt, std::nullopt};
  auto author = tx.actors().get(found.post.author_id);
  if (!author)
    return std::move(author).error();
  found.author = std::move(author).value();
  if (found.post.parent_id) {
    auto parent = tx.posts().get(*found.post.parent_id);
    if (!parent)
      return std::move(parent).error();
    found.parent_ap_id = parent->ap_id;
  }
  if (found.post.community_id) {
    auto group = tx.communities().get(*found.post.community_id);
    if (!group)
      return std::move(group).error();
    if (!is_federated(group->community))
      return no_such_post();
    found.community = std::move(group).value();
  }
  return found;
}

as::Object post_object(const storage::Post& post, const storage::Actor& author,
                       const std::optional<std::string>& parent_ap_id,
                       const storage::CommunityView* community) {
  const bool thread = community && post.is_thread();
  as::Object o = as::make_object(thread ? as::Kind::page : as::Kind::note, post.ap_id);
  o.attributed_to = {as::Ref(author.ap_id)};
  if (community) {
    const std::string& g = community->actor.ap_id;
    if (community->community.visibility == storage::CommunityVisibility::private_)
      o.to = {g, community->actor.followers_url.value_or(Urls::followers(g))};
    else
      o.to = {g, std::string(as::kPublic)};
    o.audience = {g};
    o.media_type = "text/html";
  } else {
    o.to = {std::string(as::kPublic)};
    if (author.followers_url)
      o.cc = {*author.followers_url};
  }
  if (thread)
    o.name = post.title;
  o.content = post.content_html;
  if (post.content_source)
    o.source = as::Source{*post.content_source, "text/markdown"};
  if (post.language) {
    o.content_map = {{*post.language, post.content_html}};
    if (community)
      o.languages = {{*post.language, language_name(*post.language)}};
  }
  o.summary = post.summary;
  o.sensitive = post.sensitive;
  o.published = post.published_at;
  o.updated = post.updated_at;
  o.url = post.url.value_or(post.ap_id);
  if (parent_ap_id)
    o.in_reply_to = as::Ref(*parent_ap_id);
  o.attachment = attachment_objects(post.attachments);
  return o;
}

bool is_gone(const storage::Post& post) noexcept {
  return post.deleted_at.has_value() || post.removed_at.has_value();
}

nlohmann::json post_document(const LocalPost& p) {
  if (is_gone(p.post)) {
    as::Object tombstone = as::make_object(as::Kind::tombstone, p.post.ap_id);
    tombstone.former_type = p.community && p.post.is_thread() ? "Page" : "Note";
    tombstone.deleted = p.post.deleted_at ? p.post.deleted_at : p.post.removed_at;
    return as::to_json(tombstone);
  }
  return as::to_json(
      post_object(p.post, p.author, p.parent_ap_id, p.community ? &*p.community : nullptr));
}

core::Result<bool> community_readable(storage::Tx& tx, const storage::CommunityView& group,
                                      const std::optional<std::string>& signer_host) {
  switch (group.community.visibility) {
    case storage::CommunityVisibility::public_:
      return true;
    case storage::CommunityVisibility::local_only:
      return false;
    case storage::CommunityVisibility::private_:
      break;
  }
  if (!signer_host)
    return false;
  return tx.memberships().has_member_on(group.actor.id, *signer_host);
}

}  // namespace guildhall::federation::discovery
