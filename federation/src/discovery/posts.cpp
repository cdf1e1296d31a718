#include "guildhall/federation/discovery/posts.hpp"

#include "guildhall/activitystreams/serialize.hpp"
#include "guildhall/federation/attachments.hpp"
#include "guildhall/federation/discovery/actors.hpp"
#include "guildhall/federation/discovery/collections.hpp"
#include "guildhall/federation/discovery/lookup.hpp"
#include "guildhall/federation/urls.hpp"

namespace guildhall::federation::discovery {

namespace as = guildhall::activitystreams;

namespace {

core::Error no_such_post() {
  return core::Error::not_found("no such post");
}

// Mastodon's poll: a Question with oneOf/anyOf options and their counts, votersCount, endTime
// and, once ended, `closed`.
void add_poll(const storage::Poll& poll, as::Object& o) {
  o.kind = as::Kind::question;
  auto& options = poll.multiple ? o.any_of : o.one_of;
  for (const auto& option : poll.options)
    options.push_back({option.name, option.votes});
  o.voters_count = poll.voters_count;
  o.end_time = poll.end_time;
  if (poll.closed_id)
    o.closed_at = poll.end_time;
}

}  // namespace

as::Object link_attachment(const std::string& href) {
  as::Object link = as::make_object(as::Kind::link, "");
  link.href = href;
  return link;
}

std::string mention_name(const storage::Actor& actor, const Urls& urls) {
  return "@" + actor.handle + "@" + actor.domain.value_or(urls.host());
}

core::Result<LocalPost> find_local_post(storage::Tx& tx, const Urls& urls, storage::Id id) {
  auto post = tx.posts().get(id);
  if (!post)
    return post.error().kind == core::ErrorKind::not_found ? no_such_post() : post.error();
  if (!post->is_local)
    return no_such_post();
  LocalPost found{std::move(post).value(), {}, std::nullopt, std::nullopt, std::nullopt, {}, {}};
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
    auto context = post_context(tx, found.post);
    if (!context)
      return std::move(context).error();
    found.context = std::move(*context);
  }
  if (!found.community) {  // a community's poll is written by its thread kinds (write_shape)
    auto poll = tx.polls().get(id);
    if (poll)
      found.poll = std::move(poll).value();
    else if (poll.error().kind != core::ErrorKind::not_found)
      return std::move(poll).error();
  }
  auto mentioned = tx.client_api().mentions(id);
  if (!mentioned)
    return std::move(mentioned).error();
  for (storage::Id actor_id : *mentioned) {
    auto actor = tx.actors().get(actor_id);
    if (!actor)
      return std::move(actor).error();
    found.mentions.push_back({actor->ap_id, mention_name(*actor, urls)});
  }
  return found;
}

as::Object post_object(const LocalPost& p) {
  const storage::Post& post = p.post;
  const storage::CommunityView* community = p.community ? &*p.community : nullptr;
  const bool thread = community && post.is_thread();
  as::Object o = as::make_object(thread ? as::Kind::page : as::Kind::note, post.ap_id);
  o.attributed_to = {as::Ref(p.author.ap_id)};
  if (community) {
    const std::string& g = community->actor.ap_id;
    if (community->community.visibility == storage::CommunityVisibility::private_)
      o.to = {g, community->actor.followers_url.value_or(Urls::followers(g))};
    else
      o.to = {g, std::string(as::kPublic)};
    o.audience = {g};
    o.media_type = "text/html";
  } else {
    // Mastodon's addressing of each visibility; the mentioned are added below.
    const std::string followers = p.author.followers_url.value_or(Urls::followers(p.author.ap_id));
    switch (post.visibility) {
      case storage::PostVisibility::public_:
        o.to = {std::string(as::kPublic)};
        o.cc = {followers};
        break;
      case storage::PostVisibility::unlisted:
        o.to = {followers};
        o.cc = {std::string(as::kPublic)};
        break;
      case storage::PostVisibility::private_:
        o.to = {followers};
        break;
      case storage::PostVisibility::direct:
        break;
    }
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
  // Mastodon links a status's page in `url`; Lemmy, Mbin and PieFed send none on community
  // content (a `url` there may be read as the thread's link).
  if (!community)
    o.url = post.url.value_or(post.ap_id);
  if (p.parent_ap_id)
    o.in_reply_to = as::Ref(*p.parent_ap_id);
  if (p.context)
    o.context = as::Ref(*p.context);
  // Lemmy reads the first attachment as the thread's link: the link goes first, then the media.
  if (post.link_url && post.is_thread())
    o.attachment.push_back(as::Ref(link_attachment(*post.link_url)));
  for (auto& media : attachment_objects(post.attachments))
    o.attachment.push_back(std::move(media));
  const bool direct = !community && post.visibility == storage::PostVisibility::direct;
  if (p.poll)
    add_poll(*p.poll, o);
  for (const Mention& m : p.mentions) {
    (direct ? o.to : o.cc).push_back(m.href);
    as::Object tag = as::make_object(as::Kind::mention, "");
    tag.href = m.href;
    tag.name = m.name;
    o.tag.push_back(as::Ref(std::move(tag)));
  }
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
  return as::to_json(post_object(p));
}

std::optional<std::string> thread_context(const storage::Post& thread) {
  if (thread.is_local)
    return Urls::context(thread.ap_id);
  return thread.context_url;
}

core::Result<std::optional<std::string>> post_context(storage::Tx& tx, const storage::Post& post) {
  if (post.is_thread())
    return thread_context(post);
  auto thread = tx.posts().get(post.thread_id);
  if (!thread)
    return std::move(thread).error();
  return thread_context(*thread);
}

core::Result<nlohmann::json> context_collection(storage::Tx& tx, const LocalPost& thread,
                                                std::optional<std::int64_t> page) {
  if (!thread.post.is_thread() || !thread.context)
    return core::Error::not_found("no such collection");
  auto slice = thread_posts(tx, thread.post, page);
  if (!slice)
    return std::move(slice).error();
  const std::string& id = *thread.context;
  const std::int64_t number = page.value_or(1);
  if (!page) {
    // The first page inline too: Lemmy-style readers take `orderedItems` without paging.
    auto first = thread_posts(tx, thread.post, 1);
    if (!first)
      return std::move(first).error();
    nlohmann::json j = paged_collection(id, slice->total_items, true);
    j["orderedItems"] = first->items;
    if (thread.community)
      j["attributedTo"] = thread.community->actor.ap_id;
    return j;
  }
  return collection_page(id, number, slice->total_items, slice->items, slice->has_more);
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
