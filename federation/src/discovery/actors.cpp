#include "guildhall/federation/discovery/actors.hpp"

#include <array>
#include <utility>

#include "guildhall/activitystreams/activitystreams.hpp"
#include "guildhall/federation/urls.hpp"

namespace guildhall::federation::discovery {

namespace {

namespace as = guildhall::activitystreams;
using nlohmann::json;

std::string value_or(const std::optional<std::string>& v, std::string fallback) {
  return v && !v->empty() ? *v : std::move(fallback);
}

// The fields every local actor shares.
as::Object base_actor(as::Kind kind, const storage::Actor& a) {
  as::Object o = as::make_object(kind, a.ap_id);
  o.preferred_username = a.handle;
  if (a.display_name && !a.display_name->empty())
    o.name = *a.display_name;
  o.inbox = a.inbox_url.empty() ? Urls::inbox(a.ap_id) : a.inbox_url;
  o.outbox = value_or(a.outbox_url, Urls::outbox(a.ap_id));
  if (a.shared_inbox_url)
    o.shared_inbox = *a.shared_inbox_url;
  if (a.icon_url)
    o.icon = *a.icon_url;
  if (a.header_url)
    o.image = *a.header_url;
  if (a.public_key_pem)
    o.public_keys.push_back(
        {value_or(a.public_key_id, Urls::key_id(a.ap_id)), a.ap_id, *a.public_key_pem});
  o.manually_approves_followers = a.manually_approves_followers;
  o.published = a.created_at;
  // Only a real edit is an update; peers show `updated` as "edited".
  if (a.updated_at > a.created_at)
    o.updated = a.updated_at;
  return o;
}

}  // namespace

std::string language_name(std::string_view tag) {
  // Lemmy's names (its `language` table, endonyms) for the languages communities commonly set.
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 40> kNames{{
      {"ar", "العربيّة"},
      {"bg", "Български"},
      {"ca", "Català"},
      {"cs", "Čeština"},
      {"cy", "Cymraeg"},
      {"da", "Dansk"},
      {"de", "Deutsch"},
      {"el", "Ελληνικά"},
      {"en", "English"},
      {"eo", "Esperanto"},
      {"es", "Español"},
      {"et", "Eesti"},
      {"eu", "Euskara"},
      {"fa", "فارسی"},
      {"fi", "Suomi"},
      {"fr", "Français"},
      {"ga", "Gaeilge"},
      {"gl", "Galego"},
      {"he", "עברית"},
      {"hi", "हिन्दी"},
      {"hr", "Hrvatski"},
      {"hu", "Magyar"},
      {"id", "Bahasa Indonesia"},
      {"is", "Íslenska"},
      {"it", "Italiano"},
      {"ja", "日本語"},
      {"ko", "한국어"},
      {"lt", "Lietuvių"},
      {"nl", "Nederlands"},
      {"no", "Norsk"},
      {"pl", "Polski"},
      {"pt", "Português"},
      {"ro", "Română"},
      {"ru", "Русский"},
      {"sk", "Slovenčina"},
      {"sv", "Svenska"},
      {"tr", "Türkçe"},
      {"uk", "Українська"},
      {"vi", "Tiếng Việt"},
      {"zh", "中文"},
  }};
  for (const auto& [id, name] : kNames)
    if (id == tag)
      return std::string(name);
  return std::string(tag);
}

json person_document(const storage::Actor& actor) {
  as::Object o = base_actor(as::Kind::person, actor);
  if (actor.summary_html && !actor.summary_html->empty())
    o.summary = *actor.summary_html;
  if (actor.summary_source && !actor.summary_source->empty())
    o.source = as::Source{*actor.summary_source, "text/markdown"};
  o.url = value_or(actor.url, actor.ap_id);
  o.followers = value_or(actor.followers_url, Urls::followers(actor.ap_id));
  o.following = value_or(actor.following_url, Urls::following(actor.ap_id));
  o.featured = value_or(actor.featured_url, Urls::featured(actor.ap_id));
  o.discoverable = true;
  return as::to_json(o);
}

json group_document(const storage::CommunityView& group) {
  const storage::Actor& actor = group.actor;
  const storage::Community& c = group.community;
  as::Object o = base_actor(as::Kind::group, actor);
  // Lemmy always names a community (its title); fall back to the handle.
  o.name = value_or(actor.display_name, actor.handle);
  const std::string& html =
      c.description_html.empty() ? actor.summary_html.value_or("") : c.description_html;
  const std::string& markdown =
      c.description_source.empty() ? actor.summary_source.value_or("") : c.description_source;
  if (!html.empty()) {
    o.summary = html;
    o.media_type = "text/html";
  }
  if (!markdown.empty())
    o.source = as::Source{markdown, "text/markdown"};
  o.sensitive = false;
  o.url = value_or(actor.url, actor.ap_id);
  o.followers = value_or(actor.followers_url, Urls::followers(actor.ap_id));
  o.featured = value_or(actor.featured_url, Urls::featured(actor.ap_id));
  o.moderators = value_or(actor.moderators_url, Urls::moderators(actor.ap_id));
  // FEP-1b12: attributedTo is the moderators collection (Lemmy reads it there, PieFed reads
  // `moderators`; we send both).
  o.attributed_to = {as::Ref(o.moderators)};
  o.posting_restricted_to_mods = c.posting_policy == storage::PostingPolicy::moderators;
  // Lemmy reads manuallyApprovesFollowers as "private community"; an approval join policy needs
  // the same handling from followers (a Follow stays pending), so both set it.
  o.manually_approves_followers = actor.manually_approves_followers ||
                                  c.visibility == storage::CommunityVisibility::private_ ||
                                  c.join_policy == storage::JoinPolicy::approval;
  o.discoverable = true;
  for (const auto& tag : c.languages)
    o.languages.push_back({tag, language_name(tag)});

  json j = as::to_json(o);
  // The serializer writes one language as a bare object; Lemmy's Group requires a list.
  if (j.contains("language") && j["language"].is_object())
    j["language"] = json::array({j["language"]});
  return j;
}

json instance_actor_document(const storage::Actor& actor, std::string_view front_page) {
  as::Object o = base_actor(as::Kind::application, actor);
  o.url = std::string(front_page);
  // Like Lemmy's and Mbin's instance actors: no followers/following, it only signs fetches.
  return as::to_json(o);
}

json tombstone_document(const storage::Actor& actor) {
  as::Object o = as::make_object(as::Kind::tombstone, actor.ap_id);
  switch (actor.kind) {
    case storage::ActorKind::person:
      o.former_type = "Person";
      break;
    case storage::ActorKind::group:
      o.former_type = "Group";
      break;
    case storage::ActorKind::application:
      o.former_type = "Application";
      break;
    case storage::ActorKind::service:
      o.former_type = "Service";
      break;
  }
  o.deleted = actor.deleted_at;
  return as::to_json(o);
}

}  // namespace guildhall::federation::discovery
