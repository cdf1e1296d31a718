#include "guildhall/federation/outbox/communities.hpp"

#include <algorithm>

#include "guildhall/activitystreams/activitystreams.hpp"
#include "guildhall/content/markdown.hpp"
#include "guildhall/federation/attachments.hpp"
#include "guildhall/federation/discovery/actors.hpp"
#include "guildhall/federation/discovery/posts.hpp"
#include "guildhall/federation/groups/engine.hpp"
#include "guildhall/federation/keys.hpp"
#include "guildhall/storage/database.hpp"

#include "common.hpp"

namespace guildhall::federation::outbox {

namespace as = activitystreams;
using core::Error;
using core::Result;
using storage::Id;
using storage::Tx;

namespace {

constexpr std::size_t kMaxTitleBytes = 400;  // 100 characters of up to 4 bytes
constexpr std::size_t kMaxThreadTitleBytes = 800;
constexpr std::size_t kMaxMarkdownBytes = 64 * 1024;
constexpr std::size_t kMaxRules = 20;
constexpr std::size_t kMaxRuleBytes = 1000;
constexpr std::size_t kMaxLanguages = 20;
constexpr std::size_t kMaxUrlBytes = 2048;

Result<void> check_text(const std::string& text, std::size_t max, const char* what, bool required) {
  if (required && text.find_first_not_of(" \t\r\n") == std::string::npos)
    return Error::invalid_input(std::string(what) + " must not be empty");
  if (text.size() > max)
    return Error::too_large(std::string(what) + " may have at most " + std::to_string(max) +
                            " bytes");
  return {};
}

// BCP 47 as peers send it: 2-8 letters, then "-" subtags of letters and digits.
bool is_language_tag(const std::string& tag) {
  if (tag.empty() || tag.size() > 35)
    return false;
  const auto first_dash = std::min(tag.find('-'), tag.size());
  if (first_dash < 2 || first_dash > 8)
    return false;
  return std::all_of(tag.begin(), tag.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

Result<void> check_languages(const std::vector<std::string>& languages) {
  if (languages.size() > kMaxLanguages)
    return Error::invalid_input("a community may list at most 20 languages");
  for (const auto& l : languages)
    if (!is_language_tag(l))
      return Error::invalid_input("'" + l + "' is not a language tag such as en or pt-BR");
  return {};
}

Result<void> check_rules(const std::vector<std::string>& rules) {
  if (rules.size() > kMaxRules)
    return Error::invalid_input("a community may have at most 20 rules");
  for (const auto& r : rules)
    if (auto ok = check_text(r, kMaxRuleBytes, "a rule", true); !ok)
      return ok;
  return {};
}

Result<void> check_optional_language(const std::optional<std::string>& language) {
  if (language && !is_language_tag(*language))
    return Error::invalid_input("'" + *language + "' is not a language tag such as en or pt-BR");
  return {};
}

Result<storage::Actor> local_person(Tx& tx, Id id) {
  auto actor = tx.actors().get(id);
  if (!actor)
    return std::move(actor).error();
  if (!actor->is_local() || actor->kind != storage::ActorKind::person)
    return Error::forbidden("only local people act through this API");
  if (actor->deleted_at || actor->suspended_at)
    return Error::forbidden("the account is deleted or suspended");
  return actor;
}

// Lemmy's addressing of content: the group and the world, or the group's followers when private.
void address_content(as::Object& o, const storage::CommunityView& group) {
  const std::string& g = group.actor.ap_id;
  if (group.community.visibility == storage::CommunityVisibility::private_)
    o.to = {g, group.actor.followers_url.value_or(Urls::followers(g))};
  else
    o.to = {g, std::string(as::kPublic)};
  o.audience = {g};
}

// The activity a local person sends to the group: addressed like Lemmy's (world in `to`, the group
// in `cc`, `audience` = the group).
as::Object to_group(as::Kind kind, std::string id, const storage::Actor& actor, as::Ref object,
                    const storage::CommunityView& group) {
  as::Object a = as::make_activity(kind, std::move(id), actor.ap_id, std::move(object));
  if (group.community.visibility == storage::CommunityVisibility::private_)
    a.to = {group.actor.followers_url.value_or(Urls::followers(group.actor.ap_id))};
  else
    a.to = {std::string(as::kPublic)};
  a.cc = {group.actor.ap_id};
  a.audience = {group.actor.ap_id};
  return a;
}

void set_language(as::Object& o, const std::optional<std::string>& language,
                  const std::string& html) {
  if (!language)
    return;
  o.languages = {{*language, discovery::language_name(*language)}};
  o.content_map = {{*language, html}};
}

storage::NewLocalActor group_actor(const Urls& urls, const std::string& handle,
                                   const KeyPairPem& keys) {
  const std::string ap_id = urls.group(handle);
  storage::NewLocalActor a;
  a.handle = handle;
  a.ap_id = ap_id;
  a.inbox_url = Urls::inbox(ap_id);
  a.shared_inbox_url = urls.shared_inbox();
  a.outbox_url = Urls::outbox(ap_id);
  a.followers_url = Urls::followers(ap_id);
  a.featured_url = Urls::featured(ap_id);
  a.moderators_url = Urls::moderators(ap_id);
  a.url = ap_id;
  a.public_key_id = Urls::key_id(ap_id);
  a.public_key_pem = keys.public_pem;
  a.private_key_pem = keys.private_pem;
  return a;
}

// The local person acting and the post (in a community hosted here) acted on.
struct ActingOnPost {
  storage::Actor actor;
  detail::PostInCommunity target;
};

Result<ActingOnPost> acting_on_post(Tx& tx, Id actor_id, Id post_id) {
  auto actor = local_person(tx, actor_id);
  if (!actor)
    return std::move(actor).error();
  auto target = detail::post_in_community(tx, post_id, detail::Hosted::here);
  if (!target)
    return std::move(target).error();
  return ActingOnPost{std::move(*actor), std::move(*target)};
}

struct ActingInGroup {
  storage::Actor actor;
  storage::CommunityView group;
};

Result<ActingInGroup> acting_in_group(Tx& tx, Id actor_id, Id community_id) {
  auto actor = local_person(tx, actor_id);
  if (!actor)
    return std::move(actor).error();
  auto group = detail::community_hosted(tx, community_id, detail::Hosted::here);
  if (!group)
    return std::move(group).error();
  return ActingInGroup{std::move(*actor), std::move(*group)};
}

// A ban is Lemmy's Block of the person with the group as target.
Result<as::Object> ban_activity(Tx& tx, std::string id, const storage::Actor& moderator,
                                Id person_id, const storage::CommunityView& group) {
  auto person = tx.actors().get(person_id);
  if (!person)
    return std::move(person).error();
  auto block = to_group(as::Kind::block, std::move(id), moderator, as::Ref(person->ap_id), group);
  block.target = as::Ref(group.actor.ap_id);
  return block;
}

template <typename T>
Result<void> drop_value(Result<T> r) {
  if (!r)
    return std::move(r).error();
  return {};
}

}  // namespace

template <typename F>
auto Communities::transact_and_notify(F&& body) {
  auto result = db_.transact(std::forward<F>(body));
  if (result && on_enqueued_)
    on_enqueued_();
  return result;
}

template <typename Build>
Result<void> Communities::send_about_post(Id actor_id, Id post_id, Build build) {
  return transact_and_notify([&](Tx& tx) -> Result<void> {
    auto acting = acting_on_post(tx, actor_id, post_id);
    if (!acting)
      return std::move(acting).error();
    Result<as::Object> activity = build(tx, acting->actor, acting->target);
    if (!activity)
      return std::move(activity).error();
    return drop_value(groups::apply(tx, urls_, acting->target.group, acting->actor, *activity,
                                    groups::wire_json(*activity)));
  });
}

template <typename Build>
Result<void> Communities::send_in_group(Id actor_id, Id community_id, Build build) {
  return transact_and_notify([&](Tx& tx) -> Result<void> {
    auto acting = acting_in_group(tx, actor_id, community_id);
    if (!acting)
      return std::move(acting).error();
    Result<as::Object> activity = build(tx, acting->actor, acting->group);
    if (!activity)
      return std::move(activity).error();
    return drop_value(groups::apply(tx, urls_, acting->group, acting->actor, *activity,
                                    groups::wire_json(*activity)));
  });
}

std::string Communities::new_activity_id(Tx& tx) const {
  return urls_.activity(core::to_string_id(tx.next_id()));
}

CommunityInput community_input(std::string handle, const CommunitySettingsInput& settings) {
  CommunityInput in;
  in.handle = std::move(handle);
  in.title = settings.title.value_or("");
  in.description = settings.description.value_or("");
  in.welcome = settings.welcome.value_or("");
  in.rules = settings.rules.value_or(std::vector<std::string>{});
  in.visibility = settings.visibility.value_or(in.visibility);
  in.join_policy = settings.join_policy.value_or(in.join_policy);
  in.posting_policy = settings.posting_policy.value_or(in.posting_policy);
  in.languages = settings.languages.value_or(std::vector<std::string>{});
  return in;
}

Communities::Communities(storage::Database& db, Urls urls, std::function<void()> on_enqueued)
    : db_(db), urls_(std::move(urls)), on_enqueued_(std::move(on_enqueued)) {}

Result<storage::CommunityView> Communities::create(Id owner_id, const CommunityInput& input) {
  if (!is_valid_local_handle(input.handle))
    return Error::invalid_input("handle '" + input.handle +
                                "' is invalid: use 1 to 30 lowercase letters a-z, digits or _");
  if (auto ok = check_text(input.title, kMaxTitleBytes, "the title", true); !ok)
    return std::move(ok).error();
  if (auto ok = check_text(input.description, kMaxMarkdownBytes, "the description", false); !ok)
    return std::move(ok).error();
  if (auto ok = check_text(input.welcome, kMaxMarkdownBytes, "the welcome message", false); !ok)
    return std::move(ok).error();
  if (auto ok = check_rules(input.rules); !ok)
    return std::move(ok).error();
  if (auto ok = check_languages(input.languages); !ok)
    return std::move(ok).error();
  auto keys = generate_rsa_keypair();  // slow: before the transaction opens
  if (!keys)
    return std::move(keys).error();

  storage::NewCommunity community;
  community.actor = group_actor(urls_, input.handle, *keys);
  community.actor.display_name = input.title;
  community.settings.description_source = input.description;
  community.settings.description_html = content::render_markdown(input.description);
  community.settings.welcome_source = input.welcome;
  community.settings.welcome_html = content::render_markdown(input.welcome);
  community.settings.visibility = input.visibility;
  community.settings.join_policy = input.join_policy;
  community.settings.posting_policy = input.posting_policy;
  community.settings.languages = input.languages;
  community.owner_actor_id = owner_id;
  return db_.transact([&](Tx& tx) -> Result<storage::CommunityView> {
    if (auto owner = local_person(tx, owner_id); !owner)
      return std::move(owner).error();
    auto taken = tx.actors().local_handle_taken(input.handle);
    if (!taken)
      return std::move(taken).error();
    if (*taken)
      return Error::already_exists("handle '" + input.handle +
                                   "' is taken by a user or a group on this instance");
    auto created = tx.communities().create(community);
    if (!created)
      return std::move(created).error();
    if (!input.rules.empty())
      if (auto r = tx.communities().set_rules(created->actor.id, input.rules); !r)
        return std::move(r).error();
    return created;
  });
}

Result<storage::CommunityView> Communities::update_settings(Id manager_id, Id community_id,
                                                            const CommunitySettingsInput& input) {
  if (input.title)
    if (auto ok = check_text(*input.title, kMaxTitleBytes, "the title", true); !ok)
      return std::move(ok).error();
  if (input.description)
    if (auto ok = check_text(*input.description, kMaxMarkdownBytes, "the description", false); !ok)
      return std::move(ok).error();
  if (input.welcome)
    if (auto ok = check_text(*input.welcome, kMaxMarkdownBytes, "the welcome message", false); !ok)
      return std::move(ok).error();
  if (input.rules)
    if (auto ok = check_rules(*input.rules); !ok)
      return std::move(ok).error();
  if (input.languages)
    if (auto ok = check_languages(*input.languages); !ok)
      return std::move(ok).error();
  for (const auto& [url, what] :
       {std::pair{&input.icon_url, "the icon"}, std::pair{&input.header_url, "the banner"}})
    if (*url && **url &&
        (!((**url)->starts_with("https://") || (**url)->starts_with("http://")) ||
         (**url)->size() > kMaxUrlBytes))
      return Error::invalid_input(std::string(what) +
                                  " must be an http(s) URL of at most 2048 bytes");
  storage::CommunityUpdate update;
  update.icon_url = input.icon_url;
  update.header_url = input.header_url;
  if (input.title)
    update.title = std::optional<std::string>(*input.title);
  if (input.description) {
    update.description_source = *input.description;
    update.description_html = content::render_markdown(*input.description);
  }
  if (input.welcome) {
    update.welcome_source = *input.welcome;
    update.welcome_html = content::render_markdown(*input.welcome);
  }
  update.visibility = input.visibility;
  update.join_policy = input.join_policy;
  update.posting_policy = input.posting_policy;
  update.languages = input.languages;
  return transact_and_notify([&](Tx& tx) -> Result<storage::CommunityView> {
    auto acting = acting_in_group(tx, manager_id, community_id);
    if (!acting)
      return std::move(acting).error();
    const storage::Actor* manager = &acting->actor;
    const storage::CommunityView* group = &acting->group;
    auto may = groups::is_moderator(tx, *group, *manager);
    if (!may)
      return std::move(may).error();
    if (!*may)
      return Error::forbidden("only the community's managers may change its settings");
    auto updated = tx.communities().update(community_id, update);
    if (!updated)
      return std::move(updated).error();
    if (input.rules)
      if (auto r = tx.communities().set_rules(community_id, *input.rules); !r)
        return std::move(r).error();
    auto logged = tx.moderation_log().add({.community_id = community_id,
                                           .moderator_id = manager_id,
                                           .action = storage::ModerationAction::update_community,
                                           .target_actor_id = std::nullopt,
                                           .target_post_id = std::nullopt,
                                           .reason = std::nullopt,
                                           .expires_at = std::nullopt});
    if (!logged)
      return std::move(logged).error();
    if (auto sent = groups::announce_group_update(tx, urls_, *updated, *manager); !sent)
      return std::move(sent).error();
    return updated;
  });
}

Result<JoinResult> Communities::join(Id actor_id, Id community_id) {
  return transact_and_notify([&](Tx& tx) -> Result<JoinResult> {
    auto acting = acting_in_group(tx, actor_id, community_id);
    if (!acting)
      return std::move(acting).error();
    const storage::Actor* actor = &acting->actor;
    const storage::CommunityView* group = &acting->group;
    auto follow =
        as::make_activity(as::Kind::follow, urls_.activity(core::to_string_id(tx.next_id())),
                          actor->ap_id, as::Ref(group->actor.ap_id));
    follow.to = {group->actor.ap_id};
    auto applied = groups::apply(tx, urls_, *group, *actor, follow, groups::wire_json(follow));
    if (!applied)
      return std::move(applied).error();
    if (!applied->membership)
      return Error::internal("join left no membership");
    JoinResult out;
    out.membership = *applied->membership;
    if (out.membership.state == storage::MemberState::accepted)
      out.welcome_html = group->community.welcome_html;
    return out;
  });
}

Result<void> Communities::leave(Id actor_id, Id community_id) {
  return send_in_group(actor_id, community_id,
                       [&](Tx& tx, const storage::Actor& actor,
                           const storage::CommunityView& group) -> Result<as::Object> {
                         if (auto membership = tx.memberships().get(community_id, actor_id);
                             !membership)
                           return Error::not_found("you are not a member of this community");
                         return as::make_activity(as::Kind::leave, new_activity_id(tx), actor.ap_id,
                                                  as::Ref(group.actor.ap_id));
                       });
}

Result<storage::Membership> Communities::approve(Id manager_id, Id community_id, Id member_id) {
  return transact_and_notify([&](Tx& tx) -> Result<storage::Membership> {
    auto acting = acting_in_group(tx, manager_id, community_id);
    if (!acting)
      return std::move(acting).error();
    const storage::Actor* manager = &acting->actor;
    const storage::CommunityView* group = &acting->group;
    auto member = tx.actors().get(member_id);
    if (!member)
      return std::move(member).error();
    auto answered = groups::answer_join(tx, urls_, *group, *manager, *member, true);
    if (!answered)
      return std::move(answered).error();
    return *answered->membership;
  });
}

Result<void> Communities::reject(Id manager_id, Id community_id, Id member_id) {
  return transact_and_notify([&](Tx& tx) -> Result<void> {
    auto acting = acting_in_group(tx, manager_id, community_id);
    if (!acting)
      return std::move(acting).error();
    const storage::Actor* manager = &acting->actor;
    const storage::CommunityView* group = &acting->group;
    auto member = tx.actors().get(member_id);
    if (!member)
      return std::move(member).error();
    return drop_value(groups::answer_join(tx, urls_, *group, *manager, *member, false));
  });
}

Result<storage::Post> Communities::post_thread(Id author_id, Id community_id,
                                               const ThreadInput& input) {
  if (auto ok = check_text(input.title, kMaxThreadTitleBytes, "the title", true); !ok)
    return std::move(ok).error();
  if (auto ok = check_text(input.markdown, kMaxMarkdownBytes, "the text", false); !ok)
    return std::move(ok).error();
  if (auto ok = check_optional_language(input.language); !ok)
    return std::move(ok).error();
  const std::string html = content::render_markdown(input.markdown);
  return transact_and_notify([&](Tx& tx) -> Result<storage::Post> {
    if (auto ok = detail::check_thread_kind(input, tx.now()); !ok)
      return std::move(ok).error();
    auto acting = acting_in_group(tx, author_id, community_id);
    if (!acting)
      return std::move(acting).error();
    const storage::Actor* author = &acting->actor;
    const storage::CommunityView* group = &acting->group;
    const Id post_id = tx.next_id();
    as::Object page = as::make_object(as::Kind::page, urls_.post(core::to_string_id(post_id)));
    page.attributed_to = {as::Ref(author->ap_id)};
    address_content(page, *group);
    page.name = input.title;
    page.content = html;
    page.media_type = "text/html";
    if (!input.markdown.empty())
      page.source = as::Source{input.markdown, "text/markdown"};
    set_language(page, input.language, html);
    page.summary = input.summary;
    page.sensitive = input.sensitive;
    page.published = tx.now();
    page.context = as::Ref(Urls::context(page.id));
    if (input.link)
      page.attachment = {as::Ref(discovery::link_attachment(*input.link))};
    auto attachments = attachments_for(tx, urls_, author_id, input.media_ids);
    if (!attachments)
      return std::move(attachments).error();
    for (auto& media : attachment_objects(*attachments))
      page.attachment.push_back(std::move(media));
    auto create = to_group(as::Kind::create, urls_.activity(core::to_string_id(tx.next_id())),
                           *author, as::Ref(page), *group);
    // Polls, events and Q&A are properties as::Object does not model: they are written onto the
    // JSON, which the engine reads back like a remote member's.
    nlohmann::json wire = groups::wire_json(create);
    groups::write_shape(detail::shape_of(input), wire["object"]);
    auto shaped = as::parse_document(wire);
    if (!shaped)
      return std::move(shaped).error();
    groups::ApplyOptions options;
    options.new_post_id = post_id;
    options.attachments = std::move(*attachments);
    auto applied = groups::apply(tx, urls_, *group, *author, *shaped, wire, options);
    if (!applied)
      return std::move(applied).error();
    return *applied->post;
  });
}

Result<storage::Post> Communities::comment(Id author_id, Id parent_post_id,
                                           const CommentInput& input) {
  if (auto ok = check_text(input.markdown, kMaxMarkdownBytes, "a comment", true); !ok)
    return std::move(ok).error();
  if (auto ok = check_optional_language(input.language); !ok)
    return std::move(ok).error();
  const std::string html = content::render_markdown(input.markdown);
  return transact_and_notify([&](Tx& tx) -> Result<storage::Post> {
    auto acting = acting_on_post(tx, author_id, parent_post_id);
    if (!acting)
      return std::move(acting).error();
    const storage::Actor* author = &acting->actor;
    detail::PostInCommunity* parent = &acting->target;
    const Id post_id = tx.next_id();
    as::Object note = as::make_object(as::Kind::note, urls_.post(core::to_string_id(post_id)));
    note.attributed_to = {as::Ref(author->ap_id)};
    address_content(note, parent->group);
    note.in_reply_to = as::Ref(parent->post.ap_id);
    note.content = html;
    note.media_type = "text/html";
    note.source = as::Source{input.markdown, "text/markdown"};
    set_language(note, input.language, html);
    note.published = tx.now();
    auto context = discovery::post_context(tx, parent->post);
    if (!context)
      return std::move(context).error();
    if (*context)
      note.context = as::Ref(**context);
    auto attachments = attachments_for(tx, urls_, author_id, input.media_ids);
    if (!attachments)
      return std::move(attachments).error();
    note.attachment = attachment_objects(*attachments);
    auto create = to_group(as::Kind::create, urls_.activity(core::to_string_id(tx.next_id())),
                           *author, as::Ref(note), parent->group);
    groups::ApplyOptions options;
    options.new_post_id = post_id;
    options.attachments = std::move(*attachments);
    auto applied = groups::apply(tx, urls_, parent->group, *author, create,
                                 groups::wire_json(create), options);
    if (!applied)
      return std::move(applied).error();
    if (!applied->post)
      return Error::invalid_input(applied->note);
    return *applied->post;
  });
}

Result<storage::Post> Communities::edit(Id author_id, Id post_id, const EditInput& input) {
  if (auto ok = check_text(input.markdown, kMaxMarkdownBytes, "the text", false); !ok)
    return std::move(ok).error();
  if (input.title)
    if (auto ok = check_text(*input.title, kMaxThreadTitleBytes, "the title", true); !ok)
      return std::move(ok).error();
  if (auto ok = check_optional_language(input.language); !ok)
    return std::move(ok).error();
  const std::string html = content::render_markdown(input.markdown);
  return transact_and_notify([&](Tx& tx) -> Result<storage::Post> {
    auto acting = acting_on_post(tx, author_id, post_id);
    if (!acting)
      return std::move(acting).error();
    const storage::Actor* author = &acting->actor;
    detail::PostInCommunity* target = &acting->target;
    const storage::Post& post = target->post;
    as::Object o = as::make_object(post.is_thread() ? as::Kind::page : as::Kind::note, post.ap_id);
    o.attributed_to = {as::Ref(author->ap_id)};
    address_content(o, target->group);
    if (post.is_thread())
      o.name = input.title.value_or(post.title.value_or(""));
    if (post.parent_id) {
      auto parent = tx.posts().get(*post.parent_id);
      if (!parent)
        return std::move(parent).error();
      o.in_reply_to = as::Ref(parent->ap_id);
    }
    o.content = html;
    o.media_type = "text/html";
    if (!input.markdown.empty())
      o.source = as::Source{input.markdown, "text/markdown"};
    set_language(o, input.language, html);
    o.published = post.published_at;
    o.updated = tx.now();
    auto context = discovery::post_context(tx, post);
    if (!context)
      return std::move(context).error();
    if (*context)
      o.context = as::Ref(**context);
    groups::ApplyOptions options;
    if (input.media_ids) {
      auto attachments = attachments_for(tx, urls_, author_id, *input.media_ids, post.id);
      if (!attachments)
        return std::move(attachments).error();
      options.attachments = std::move(*attachments);
    } else {
      options.attachments = post.attachments;
    }
    o.attachment = attachment_objects(*options.attachments);
    auto update = to_group(as::Kind::update, urls_.activity(core::to_string_id(tx.next_id())),
                           *author, as::Ref(o), target->group);
    auto applied = groups::apply(tx, urls_, target->group, *author, update,
                                 groups::wire_json(update), options);
    if (!applied)
      return std::move(applied).error();
    if (!applied->post)
      return Error::invalid_input(applied->note);
    return *applied->post;
  });
}

Result<void> Communities::delete_post(Id author_id, Id post_id) {
  return send_about_post(
      author_id, post_id,
      [&](Tx& tx, const storage::Actor& author,
          const detail::PostInCommunity& target) -> Result<as::Object> {
        if (target.post.author_id != author_id)
          return Error::forbidden("only the author can delete a post; moderators remove it");
        return to_group(as::Kind::delete_, new_activity_id(tx), author, as::Ref(target.post.ap_id),
                        target.group);
      });
}

namespace {

as::Kind reaction_kind(storage::ReactionKind kind) {
  switch (kind) {
    case storage::ReactionKind::dislike:
      return as::Kind::dislike;
    case storage::ReactionKind::emoji:
      return as::Kind::emoji_react;
    default:
      return as::Kind::like;
  }
}

Result<void> check_emoji(storage::ReactionKind kind, const std::string& emoji) {
  if (kind == storage::ReactionKind::emoji && (emoji.empty() || emoji.size() > 64))
    return Error::invalid_input("an emoji reaction needs one emoji");
  if (kind != storage::ReactionKind::emoji && !emoji.empty())
    return Error::invalid_input("a vote has no emoji");
  return {};
}

// Lemmy's votes carry no `to`/`cc` (votes are not public); only `audience` names the group.
as::Object reaction_activity(as::Kind kind, std::string id, const storage::Actor& actor,
                             const storage::Post& post, const storage::CommunityView& group,
                             const std::string& emoji) {
  as::Object a = as::make_activity(kind, std::move(id), actor.ap_id, as::Ref(post.ap_id));
  a.audience = {group.actor.ap_id};
  if (kind == as::Kind::emoji_react)
    a.content = emoji;
  return a;
}

}  // namespace

Result<void> Communities::react(Id actor_id, Id post_id, storage::ReactionKind kind,
                                const std::string& emoji) {
  if (auto ok = check_emoji(kind, emoji); !ok)
    return ok;
  return send_about_post(actor_id, post_id,
                         [&](Tx& tx, const storage::Actor& actor,
                             const detail::PostInCommunity& target) -> Result<as::Object> {
                           return reaction_activity(reaction_kind(kind), new_activity_id(tx), actor,
                                                    target.post, target.group, emoji);
                         });
}

Result<void> Communities::unreact(Id actor_id, Id post_id, storage::ReactionKind kind,
                                  const std::string& emoji) {
  if (auto ok = check_emoji(kind, emoji); !ok)
    return ok;
  return send_about_post(actor_id, post_id,
                         [&](Tx& tx, const storage::Actor& actor,
                             const detail::PostInCommunity& target) -> Result<as::Object> {
                           // Undo names the reaction by the id it was sent with.
                           std::optional<std::string> reaction_id;
                           storage::PageRequest page{.limit = 200, .oldest_first = true};
                           for (;;) {
                             auto batch = tx.reactions().list_for_post(post_id, page);
                             if (!batch)
                               return std::move(batch).error();
                             for (const auto& r : *batch)
                               if (r.actor_id == actor_id && r.kind == kind && r.emoji == emoji)
                                 reaction_id = r.ap_id;
                             if (reaction_id || batch->size() < page.limit)
                               break;
                             page.after = batch->back().id;
                           }
                           if (!reaction_id)
                             return Error::not_found("you have not reacted so");
                           auto inner = reaction_activity(reaction_kind(kind), *reaction_id, actor,
                                                          target.post, target.group, emoji);
                           return to_group(as::Kind::undo, new_activity_id(tx), actor,
                                           as::Ref(inner), target.group);
                         });
}

Result<void> Communities::choose_answer(Id actor_id, Id comment_id, bool chosen) {
  return send_about_post(actor_id, comment_id,
                         [&](Tx& tx, const storage::Actor& actor,
                             const detail::PostInCommunity& target) -> Result<as::Object> {
                           auto thread = tx.posts().get(target.post.thread_id);
                           if (!thread)
                             return std::move(thread).error();
                           auto choose = to_group(as::Kind::choose_answer, new_activity_id(tx),
                                                  actor, as::Ref(target.post.ap_id), target.group);
                           choose.target = as::Ref(thread->ap_id);
                           if (chosen)
                             return choose;
                           return to_group(as::Kind::undo, new_activity_id(tx), actor,
                                           as::Ref(choose), target.group);
                         });
}

Result<void> Communities::vote(Id actor_id, Id poll_id, const std::vector<std::string>& options) {
  if (options.empty())
    return Error::invalid_input("choose at least one option");
  return transact_and_notify([&](Tx& tx) -> Result<void> {
    auto acting = acting_on_post(tx, actor_id, poll_id);
    if (!acting)
      return std::move(acting).error();
    const auto& target = acting->target;
    if (!target.post.is_thread())
      return Error::invalid_input("the post is not a poll");
    for (const std::string& option : options) {
      // Mastodon's vote: a Note with the option as `name`, addressed to the group only (votes are
      // not public).
      as::Object note =
          as::make_object(as::Kind::note, urls_.post(core::to_string_id(tx.next_id())));
      note.attributed_to = {as::Ref(acting->actor.ap_id)};
      note.to = {target.group.actor.ap_id};
      note.audience = {target.group.actor.ap_id};
      note.name = option;
      note.in_reply_to = as::Ref(target.post.ap_id);
      as::Object create = as::make_activity(as::Kind::create, new_activity_id(tx),
                                            acting->actor.ap_id, as::Ref(note));
      create.to = {target.group.actor.ap_id};
      create.audience = {target.group.actor.ap_id};
      auto applied =
          groups::apply(tx, urls_, target.group, acting->actor, create, groups::wire_json(create));
      if (!applied)
        return std::move(applied).error();
      if (!applied->note.empty())
        return Error::invalid_input(applied->note);
    }
    return {};
  });
}

Result<void> Communities::rsvp(Id actor_id, Id event_id,
                               std::optional<storage::RsvpStatus> status) {
  return send_about_post(actor_id, event_id,
                         [&](Tx& tx, const storage::Actor& actor,
                             const detail::PostInCommunity& target) -> Result<as::Object> {
                           if (status)
                             return to_group(detail::rsvp_kind(*status), new_activity_id(tx), actor,
                                             as::Ref(target.post.ap_id), target.group);
                           auto earlier = tx.events().rsvp_of(target.post.id, actor_id);
                           if (!earlier)
                             return std::move(earlier).error();
                           if (!*earlier)
                             return Error::not_found("you have not answered this event");
                           auto answer = to_group(detail::rsvp_kind((*earlier)->status),
                                                  (*earlier)->ap_id.value_or(new_activity_id(tx)),
                                                  actor, as::Ref(target.post.ap_id), target.group);
                           return to_group(as::Kind::undo, new_activity_id(tx), actor,
                                           as::Ref(answer), target.group);
                         });
}

Result<void> Communities::remove_post(Id moderator_id, Id post_id,
                                      const std::optional<std::string>& reason) {
  if (reason)
    if (auto ok = check_text(*reason, kMaxRuleBytes, "the reason", false); !ok)
      return ok;
  return send_about_post(
      moderator_id, post_id,
      [&](Tx& tx, const storage::Actor& moderator,
          const detail::PostInCommunity& target) -> Result<as::Object> {
        auto may = groups::is_moderator(tx, target.group, moderator);
        if (!may)
          return std::move(may).error();
        if (!*may)
          return Error::forbidden("only the community's moderators may remove posts");
        // Lemmy's removal: a Delete by a moderator with a non-empty summary (Mbin sends " "). The
        // engine reads a Delete by the author as a deletion: a moderator removing their own post
        // says Remove.
        const auto kind =
            target.post.author_id == moderator_id ? as::Kind::remove : as::Kind::delete_;
        auto del = to_group(kind, new_activity_id(tx), moderator, as::Ref(target.post.ap_id),
                            target.group);
        del.summary = reason && !reason->empty() ? *reason : std::string(" ");
        return del;
      });
}

Result<void> Communities::restore_post(Id moderator_id, Id post_id) {
  return send_about_post(moderator_id, post_id,
                         [&](Tx& tx, const storage::Actor& moderator,
                             const detail::PostInCommunity& target) -> Result<as::Object> {
                           auto del = to_group(as::Kind::delete_, new_activity_id(tx), moderator,
                                               as::Ref(target.post.ap_id), target.group);
                           del.summary = std::string(" ");
                           return to_group(as::Kind::undo, new_activity_id(tx), moderator,
                                           as::Ref(del), target.group);
                         });
}

Result<void> Communities::lock(Id moderator_id, Id post_id, bool locked) {
  return send_about_post(moderator_id, post_id,
                         [&](Tx& tx, const storage::Actor& moderator,
                             const detail::PostInCommunity& target) -> Result<as::Object> {
                           auto lock = to_group(as::Kind::lock, new_activity_id(tx), moderator,
                                                as::Ref(target.post.ap_id), target.group);
                           if (locked)
                             return lock;
                           return to_group(as::Kind::undo, new_activity_id(tx), moderator,
                                           as::Ref(lock), target.group);
                         });
}

Result<void> Communities::pin(Id moderator_id, Id post_id, bool pinned) {
  return send_about_post(moderator_id, post_id,
                         [&](Tx& tx, const storage::Actor& moderator,
                             const detail::PostInCommunity& target) -> Result<as::Object> {
                           const auto& g = target.group.actor;
                           auto a = to_group(pinned ? as::Kind::add : as::Kind::remove,
                                             new_activity_id(tx), moderator,
                                             as::Ref(target.post.ap_id), target.group);
                           a.target = as::Ref(g.featured_url.value_or(Urls::featured(g.ap_id)));
                           return a;
                         });
}

Result<void> Communities::ban(Id moderator_id, Id community_id, Id person_id,
                              const std::optional<std::string>& reason,
                              std::optional<core::TimePoint> until) {
  if (reason)
    if (auto ok = check_text(*reason, kMaxRuleBytes, "the reason", false); !ok)
      return ok;
  return send_in_group(moderator_id, community_id,
                       [&](Tx& tx, const storage::Actor& moderator,
                           const storage::CommunityView& group) -> Result<as::Object> {
                         auto block =
                             ban_activity(tx, new_activity_id(tx), moderator, person_id, group);
                         if (block) {
                           block->summary = reason;
                           block->end_time = until;
                           block->remove_data = false;
                         }
                         return block;
                       });
}

Result<void> Communities::unban(Id moderator_id, Id community_id, Id person_id) {
  return send_in_group(
      moderator_id, community_id,
      [&](Tx& tx, const storage::Actor& moderator,
          const storage::CommunityView& group) -> Result<as::Object> {
        auto block = ban_activity(tx, new_activity_id(tx), moderator, person_id, group);
        if (!block)
          return block;
        return to_group(as::Kind::undo, new_activity_id(tx), moderator, as::Ref(*block), group);
      });
}

Result<void> Communities::set_moderator(Id manager_id, Id community_id, Id person_id,
                                        bool moderator) {
  return send_in_group(manager_id, community_id,
                       [&](Tx& tx, const storage::Actor& manager,
                           const storage::CommunityView& group) -> Result<as::Object> {
                         auto person = tx.actors().get(person_id);
                         if (!person)
                           return std::move(person).error();
                         const auto& g = group.actor;
                         auto a =
                             to_group(moderator ? as::Kind::add : as::Kind::remove,
                                      new_activity_id(tx), manager, as::Ref(person->ap_id), group);
                         a.target = as::Ref(g.moderators_url.value_or(Urls::moderators(g.ap_id)));
                         return a;
                       });
}

Result<void> Communities::report(Id actor_id, Id post_id,
                                 const std::optional<std::string>& reason) {
  if (reason)
    if (auto ok = check_text(*reason, kMaxRuleBytes, "the reason", false); !ok)
      return ok;
  return send_about_post(actor_id, post_id,
                         [&](Tx& tx, const storage::Actor& actor,
                             const detail::PostInCommunity& target) -> Result<as::Object> {
                           // Lemmy's Flag: to the group only (reports are not public).
                           as::Object flag =
                               as::make_activity(as::Kind::flag, new_activity_id(tx), actor.ap_id,
                                                 as::Ref(target.post.ap_id));
                           flag.to = {target.group.actor.ap_id};
                           flag.audience = {target.group.actor.ap_id};
                           flag.summary = reason;
                           return flag;
                         });
}

namespace {

Result<void> require_moderator(Tx& tx, const storage::CommunityView& group,
                               const storage::Actor& actor) {
  auto may = groups::is_moderator(tx, group, actor);
  if (!may)
    return std::move(may).error();
  if (!*may)
    return Error::forbidden("only the community's moderators may read and resolve reports");
  return {};
}

// Who handles a community's reports here: our admins (every report that reaches this instance:
// the admin API's queue), and a hosted community's own moderators. Reports forwarded to us about
// our people's posts in communities hosted elsewhere are for admins only.
Result<ActingInGroup> report_handler(Tx& tx, Id actor_id, Id community_id) {
  auto actor = local_person(tx, actor_id);
  if (!actor)
    return std::move(actor).error();
  auto group = tx.communities().get(community_id);
  if (!group)
    return std::move(group).error();
  auto user = tx.users().get(actor_id);
  if (!user)
    return std::move(user).error();
  if (user->user.is_admin)
    return ActingInGroup{std::move(*actor), std::move(*group)};
  if (!group->actor.is_local())
    return Error::forbidden(
        "reports about our people in communities hosted elsewhere are for admins");
  if (auto ok = require_moderator(tx, *group, *actor); !ok)
    return std::move(ok).error();
  return ActingInGroup{std::move(*actor), std::move(*group)};
}

}  // namespace

Result<std::vector<storage::CommunityReport>> Communities::reports(
    Id moderator_id, Id community_id, bool open_only, const storage::PageRequest& page) {
  return db_.read([&](Tx& tx) -> Result<std::vector<storage::CommunityReport>> {
    if (auto ok = report_handler(tx, moderator_id, community_id); !ok)
      return std::move(ok).error();
    return tx.community_reports().list(community_id, open_only, page);
  });
}

Result<storage::CommunityReport> Communities::resolve_report(Id moderator_id, Id report_id) {
  bool notify_after_commit = false;
  auto result = db_.transact([&](Tx& tx) -> Result<storage::CommunityReport> {
    auto report = tx.community_reports().get(report_id);
    if (!report)
      return std::move(report).error();
    auto acting = report_handler(tx, moderator_id, report->community_id);
    if (!acting)
      return std::move(acting).error();
    if (report->resolved_at)
      return report;
    auto resolved = tx.community_reports().resolve(report_id, moderator_id);
    if (!resolved)
      return std::move(resolved).error();
    auto logged = tx.moderation_log().add({.community_id = report->community_id,
                                           .moderator_id = moderator_id,
                                           .action = storage::ModerationAction::resolve_report,
                                           .target_actor_id = report->target_actor_id,
                                           .target_post_id = report->post_id,
                                           .reason = std::nullopt,
                                           .expires_at = std::nullopt});
    if (!logged)
      return std::move(logged).error();
    if (acting->group.actor.is_local()) {
      auto forwarded = groups::forward_resolution(tx, acting->group, *resolved);
      if (!forwarded)
        return std::move(forwarded).error();
      notify_after_commit = *forwarded;
    }
    return resolved;
  });
  if (result && notify_after_commit && on_enqueued_)
    on_enqueued_();
  return result;
}

Result<std::vector<storage::ModerationEntry>> Communities::moderation_log(
    Id viewer_id, Id community_id, const storage::PageRequest& page) {
  return db_.read([&](Tx& tx) -> Result<std::vector<storage::ModerationEntry>> {
    auto acting = acting_in_group(tx, viewer_id, community_id);
    if (!acting)
      return std::move(acting).error();
    const storage::Actor* viewer = &acting->actor;
    const storage::CommunityView* group = &acting->group;
    if (group->community.visibility != storage::CommunityVisibility::public_) {
      auto may = groups::is_moderator(tx, *group, *viewer);
      if (!may)
        return std::move(may).error();
      auto membership = tx.memberships().get(community_id, viewer_id);
      const bool member = membership.ok() && membership->state == storage::MemberState::accepted;
      if (!*may && !member)
        return Error::forbidden("only members may read this community's moderation log");
    }
    return tx.moderation_log().list(community_id, page);
  });
}

}  // namespace guildhall::federation::outbox
