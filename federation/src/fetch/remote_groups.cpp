#include "guildhall/federation/fetch/remote_groups.hpp"

#include "guildhall/content/html.hpp"
#include "guildhall/federation/egress/url.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::federation::fetch {

namespace as = guildhall::activitystreams;

namespace {

constexpr std::size_t kMaxLanguages = 100;  // rule 6

bool is_url(std::string_view s) {
  return s.starts_with("https://") || s.starts_with("http://");
}

}  // namespace

storage::CommunitySettings to_community_settings(const as::Object& group) {
  storage::CommunitySettings settings;
  settings.description_html = content::sanitize_html(group.summary.value_or(""));
  if (group.source && group.source->media_type == "text/markdown")
    settings.description_source = group.source->content;
  // Lemmy: manuallyApprovesFollowers is a private community (joins approved by hand, content
  // addressed to the followers collection).
  if (group.manually_approves_followers.value_or(false)) {
    settings.visibility = storage::CommunityVisibility::private_;
    settings.join_policy = storage::JoinPolicy::approval;
  }
  if (group.posting_restricted_to_mods.value_or(false))
    settings.posting_policy = storage::PostingPolicy::moderators;
  for (const as::Language& language : group.languages) {
    if (settings.languages.size() >= kMaxLanguages)
      break;
    if (!language.identifier.empty() && language.identifier.size() <= 35)
      settings.languages.push_back(language.identifier);
  }
  return settings;
}

core::Result<storage::CommunityView> RemoteGroups::refresh(std::string_view ap_id) const {
  auto fetched = actors_.dereferencer().fetch(ap_id);
  if (!fetched)
    return fetched.error();
  const as::Object& group = fetched->object;
  if (group.kind != as::Kind::group)
    return core::Error::invalid_input("not a community: " + std::string(group.type_name()));
  auto form = to_remote_actor_form(group);
  if (!form)
    return form.error();
  const storage::CommunitySettings settings = to_community_settings(group);
  return actors_.database().transact(
      [&](storage::Tx& tx) { return tx.communities().upsert_remote(*form, settings); });
}

core::Result<storage::CommunityView> RemoteGroups::resolve(std::string_view handle) const {
  if (handle.starts_with("!"))  // Lemmy's community mention form
    handle.remove_prefix(1);
  const Dereferencer& deref = actors_.dereferencer();
  storage::Database& db = actors_.database();
  if (is_url(handle)) {
    auto url = egress::parse_url(handle);
    if (!url)
      return url.error();
    if (deref.is_local(url->authority()) || deref.is_local(url->host))
      return db.read([&](storage::Tx& tx) { return tx.communities().get_by_ap_id(handle); });
    return refresh(handle);
  }
  std::string_view bare = handle;
  if (bare.starts_with("acct:"))
    bare.remove_prefix(5);
  if (bare.starts_with("@"))
    bare.remove_prefix(1);
  const std::size_t at = bare.find('@');
  if (at != std::string_view::npos && deref.is_local(bare.substr(at + 1))) {
    const std::string name(bare.substr(0, at));
    return db.read([&](storage::Tx& tx) { return tx.communities().get_local_by_handle(name); });
  }
  auto actor = actors_.resolve_handle(handle, true);  // WebFinger with its origin checks
  if (!actor)
    return actor.error();
  if (actor->kind != storage::ActorKind::group)
    return core::Error::invalid_input("'" + std::string(handle) + "' is not a community");
  return refresh(actor->ap_id);
}

}  // namespace guildhall::federation::fetch
