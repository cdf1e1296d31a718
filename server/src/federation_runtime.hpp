#pragma once

// The outgoing half of federation, built the same way by `guildhall serve` and by the CLI: one
// egress I/O thread and client, the dereferencer (GETs signed by the instance actor), remote
// actors, the key resolver the inbox verifies with, the peers' software (NodeInfo), the signed
// delivery transport and worker.

#include <atomic>
#include <memory>

#include "guildhall/core/result.hpp"
#include "guildhall/federation/authorized_fetch.hpp"
#include "guildhall/federation/delivery/worker.hpp"
#include "guildhall/federation/egress/client.hpp"
#include "guildhall/federation/fetch/dereferencer.hpp"
#include "guildhall/federation/fetch/instance_software.hpp"
#include "guildhall/federation/fetch/io_thread.hpp"
#include "guildhall/federation/fetch/key_resolver.hpp"
#include "guildhall/federation/fetch/remote_actors.hpp"
#include "guildhall/federation/fetch/remote_groups.hpp"
#include "guildhall/federation/fetch/transport.hpp"
#include "guildhall/federation/inbox/remote_actor_source.hpp"
#include "guildhall/federation/policy.hpp"
#include "guildhall/server/config.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::server {

class FederationRuntime {
 public:
  // Loads the instance actor's key from the database (Admin::ensure_instance_actor ran before).
  static core::Result<std::unique_ptr<FederationRuntime>> create(
      const Config& config, storage::Database& db, const federation::PeerPolicy& peers);
  ~FederationRuntime();  // stops the worker, then the egress thread

  federation::fetch::RemoteActors& actors() { return *actors_; }
  federation::fetch::FetchingKeyResolver& keys() { return *keys_; }
  federation::inbox::ActorSource& actor_source() { return *actor_source_; }
  federation::inbox::ObjectSource& object_source() { return *object_source_; }
  federation::fetch::RemoteGroups& groups() { return *groups_; }
  federation::delivery::DeliveryWorker& worker() { return *worker_; }
  // Verifies signed GETs (authorized fetch; private communities) with keys() and the policy.
  const federation::FetchAuthorizer& fetch_authorizer() const { return *fetch_authorizer_; }
  // Queue depth sampled off the I/O threads (metrics must not query the database).
  void sample_queue_depth();
  std::int64_t queue_depth() const { return queue_depth_.load(std::memory_order_relaxed); }
  void stop();

 private:
  FederationRuntime() = default;
  federation::fetch::IoThread io_;
  std::unique_ptr<federation::egress::EgressClient> egress_;
  std::unique_ptr<federation::fetch::Dereferencer> deref_;
  std::unique_ptr<federation::fetch::RemoteActors> actors_;
  std::unique_ptr<federation::fetch::FetchingKeyResolver> keys_;
  std::unique_ptr<federation::fetch::InstanceSoftware> software_;
  std::unique_ptr<federation::inbox::RemoteActorSource> actor_source_;
  std::unique_ptr<federation::inbox::RemoteObjectSource> object_source_;
  std::unique_ptr<federation::fetch::RemoteGroups> groups_;
  std::unique_ptr<federation::fetch::SignedDeliveryTransport> transport_;
  std::unique_ptr<federation::delivery::DeliveryWorker> worker_;
  std::unique_ptr<federation::FetchAuthorizer> fetch_authorizer_;
  std::atomic<std::int64_t> queue_depth_{0};
  bool stopped_ = false;
};

}  // namespace guildhall::server
