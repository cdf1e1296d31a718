#include "guildhall/federation/discovery/activities.hpp"

#include <algorithm>

#include "guildhall/activitystreams/parse.hpp"
#include "guildhall/storage/federation_queue.hpp"

namespace guildhall::federation::discovery {

namespace as = guildhall::activitystreams;

namespace {

core::Error hidden() {
  return core::Error::not_found("no such activity");
}

// A Create or Update whose post is gone now (it would serve the content); a Delete is about a gone
// post by nature and stays served.
bool about_a_gone_post(storage::Tx& tx, const as::Object& activity) {
  if (activity.kind != as::Kind::create && activity.kind != as::Kind::update)
    return false;
  const as::Ref& ref = activity.object_ref();
  const as::Object* inner = ref.get();
  // Undo embeds the undone activity: what counts is its object.
  const std::string& id =
      inner && as::is_activity(inner->kind) ? inner->object_ref().id() : ref.id();
  auto post = tx.posts().get_by_ap_id(id);
  return post.ok() && (post->deleted_at || post->removed_at);
}

bool audience_is_public_community(storage::Tx& tx, const as::Object& activity) {
  if (activity.audience.size() != 1)
    return false;
  auto group = tx.communities().get_by_ap_id(activity.audience.front());
  return group.ok() && group->community.visibility == storage::CommunityVisibility::public_;
}

}  // namespace

core::Result<nlohmann::json> public_activity(storage::Tx& tx, storage::Id id) {
  auto row = tx.delivery_queue().get_activity(id);
  if (!row) {
    if (row.error().kind == core::ErrorKind::not_found)
      return hidden();
    return row.error();
  }
  auto activity = as::parse(row->payload);
  if (!activity)
    return hidden();
  const bool addressed = !activity->to.empty() || !activity->cc.empty();
  const bool visible =
      addressed ? activity->is_public() : audience_is_public_community(tx, *activity);
  if (!visible || about_a_gone_post(tx, *activity))
    return hidden();
  return activity->raw;
}

}  // namespace guildhall::federation::discovery
