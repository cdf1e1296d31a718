// Objects that arrive by id only (Create or Update whose `object` is a URL): fetched from their
// origin through the ObjectSource before the handler's transaction, then embedded in the activity
// so every handler (person level, group engine) sees one shape. The copy its origin serves is the
// only one trusted (catalogue rule 2); the handlers' owner checks still apply to it.
#include <spdlog/spdlog.h>

#include "guildhall/activitystreams/parse.hpp"

#include "handler.hpp"

namespace guildhall::federation::inbox::detail {

core::Result<std::optional<as::Object>> resolve_object_by_id(const Urls& urls,
                                                             const as::Object& activity,
                                                             ObjectSource* objects) {
  using Resolved = std::optional<as::Object>;
  if (activity.kind != as::Kind::create && activity.kind != as::Kind::update)
    return Resolved();
  const as::Ref& ref = activity.object_ref();
  const std::string& id = ref.id();
  // Embedded, absent, the actor itself (the processor refetches actors), or ours (never fetched).
  if (ref.is_embedded() || id.empty() || id == activity.actor.id() ||
      same_origin_ids(id, urls.origin()) || !objects)
    return Resolved();
  // Only the actor's own objects may be created or edited by it: nothing else is worth a fetch.
  if (!same_origin_ids(id, activity.actor.id()))
    return core::Error::forbidden("origin_mismatch: object is not on the actor's origin");
  auto fetched = objects->fetch(id);
  if (!fetched) {
    spdlog::info("inbox.object_fetch_failed activity={} object={} error=\"{}\"", activity.id, id,
                 fetched.error().message);
    return std::move(fetched).error();  // gone or refused: final; unavailable: retried
  }
  // The Dereferencer checked the id against the final URL; a redirect may have left the origin.
  if (!same_origin_ids(fetched->id, id))
    return core::Error::forbidden("origin_mismatch: fetched object is not the one named");
  nlohmann::json wire = activity.raw;
  wire["object"] = fetched->raw;
  auto resolved = as::parse_document(wire);
  if (!resolved)
    return std::move(resolved).error();
  return Resolved(std::move(resolved).value());
}

}  // namespace guildhall::federation::inbox::detail
