#pragma once

// The processor's ActorSource backed by the fetch part's RemoteActors (stored copy when fresh,
// else fetched from the origin and stored).
//
//   fetch::RemoteActors actors(deref, db);
//   inbox::RemoteActorSource source(actors);
//   processor_options.actors = &source;

#include "guildhall/federation/fetch/remote_actors.hpp"
#include "guildhall/federation/inbox/processor.hpp"

namespace guildhall::federation::inbox {

class RemoteActorSource final : public ActorSource {
 public:
  explicit RemoteActorSource(const fetch::RemoteActors& actors) : actors_(actors) {}
  core::Result<storage::Actor> ensure(std::string_view actor_id) override {
    return actors_.get(actor_id);
  }
  core::Result<storage::Actor> refresh(std::string_view actor_id) override {
    return actors_.refresh(actor_id);
  }

 private:
  const fetch::RemoteActors& actors_;
};

}  // namespace guildhall::federation::inbox
