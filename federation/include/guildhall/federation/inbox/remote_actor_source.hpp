#pragma once

// The processor's ActorSource backed by the fetch part's RemoteActors (stored copy when fresh,
// else fetched from the origin and stored).
//
//   fetch::RemoteActors actors(deref, db);
//   inbox::RemoteActorSource source(actors);
//   processor_options.actors = &source;
//   inbox::RemoteObjectSource objects(deref);      // announced objects, community outboxes
//   processor_options.objects = &objects;

#include "guildhall/federation/fetch/instance_software.hpp"
#include "guildhall/federation/fetch/remote_actors.hpp"
#include "guildhall/federation/inbox/processor.hpp"

namespace guildhall::federation::inbox {

// With `software`, each actor's instance also has its software detected from NodeInfo when
// unknown or stale (the processor asks here before every handler runs).
class RemoteActorSource final : public ActorSource {
 public:
  explicit RemoteActorSource(const fetch::RemoteActors& actors,
                             const fetch::InstanceSoftware* software = nullptr)
      : actors_(actors), software_(software) {}
  core::Result<storage::Actor> ensure(std::string_view actor_id) override {
    auto actor = actors_.get(actor_id);
    if (actor && software_)
      software_->refresh_if_stale(actor_id);
    return actor;
  }
  core::Result<storage::Actor> refresh(std::string_view actor_id) override {
    return actors_.refresh(actor_id);
  }

 private:
  const fetch::RemoteActors& actors_;
  const fetch::InstanceSoftware* software_;
};

// The processor's ObjectSource: a signed GET from the document's origin through the fetch part's
// Dereferencer (AS2 only, id checked against the final URL, our own domain never fetched).
class RemoteObjectSource final : public ObjectSource {
 public:
  explicit RemoteObjectSource(const fetch::Dereferencer& deref) : deref_(deref) {}
  core::Result<activitystreams::Object> fetch(std::string_view id) override {
    auto fetched = deref_.fetch(id);
    if (!fetched)
      return fetched.error();
    return std::move(fetched->object);
  }

 private:
  const fetch::Dereferencer& deref_;
};

}  // namespace guildhall::federation::inbox
