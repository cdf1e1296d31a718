#include "federation_runtime.hpp"

#include <unistd.h>

#include "guildhall/core/random.hpp"
#include "guildhall/federation/urls.hpp"

namespace guildhall::server {

namespace fed = guildhall::federation;

core::Result<std::unique_ptr<FederationRuntime>> FederationRuntime::create(
    const Config& config, storage::Database& db, const fed::PeerPolicy& peers) {
  const fed::Urls urls(config.public_origin());
  auto instance =
      db.read([&](storage::Tx& tx) { return tx.actors().get_by_ap_id(urls.instance_actor()); });
  if (!instance)
    return std::move(instance).error();
  if (!instance->private_key_pem || !instance->public_key_id)
    return core::Error::internal("the instance actor has no key pair");
  auto signer =
      fed::fetch::InstanceSigner::from_pem(*instance->public_key_id, *instance->private_key_pem);
  if (!signer)
    return std::move(signer).error();

  std::unique_ptr<FederationRuntime> rt(new FederationRuntime());
  fed::egress::EgressOptions egress;
  egress.allow_http = config.federation.allow_http;
  egress.allow_private_addresses = config.federation.allow_private_addresses;
  // Loopback test instances listen on ephemeral ports; production peers use 443/80 only.
  egress.allow_any_port = config.federation.allow_private_addresses;
  egress.denied_hosts = {config.domain};
  egress.user_agent = fed::egress::user_agent_for(config.domain);
  rt->egress_ = std::make_unique<fed::egress::EgressClient>(rt->io_.executor(), egress);
  fed::fetch::DereferencerOptions fetching;
  fetching.local_host = config.domain;
  fetching.webfinger_scheme = config.scheme();  // http only in development and loopback tests
  rt->deref_ = std::make_unique<fed::fetch::Dereferencer>(*rt->egress_, &peers, std::move(*signer),
                                                          fetching);
  rt->actors_ = std::make_unique<fed::fetch::RemoteActors>(*rt->deref_, db);
  rt->keys_ = std::make_unique<fed::fetch::FetchingKeyResolver>(*rt->actors_);
  rt->software_ = std::make_unique<fed::fetch::InstanceSoftware>(*rt->deref_, db);
  rt->actor_source_ =
      std::make_unique<fed::inbox::RemoteActorSource>(*rt->actors_, rt->software_.get());
  rt->object_source_ = std::make_unique<fed::inbox::RemoteObjectSource>(*rt->deref_);
  rt->groups_ = std::make_unique<fed::fetch::RemoteGroups>(*rt->actors_);
  rt->transport_ = std::make_unique<fed::fetch::SignedDeliveryTransport>(rt->io_.executor(),
                                                                         *rt->egress_, &peers);
  fed::delivery::DeliveryOptions delivery;
  // Unique per process, so several processes sharing one PostgreSQL database never share leases.
  delivery.owner = config.domain + "/" + std::to_string(::getpid()) + "/" + core::random_token(6);
  rt->worker_ = std::make_unique<fed::delivery::DeliveryWorker>(
      db, *rt->transport_, core::SystemClock::instance(), delivery);
  fed::FetchAuthorizerOptions authorizing;
  authorizing.verify.expected_host = urls.host();
  authorizing.verify.allow_http_key_id = config.federation.allow_http;
  authorizing.scheme = config.scheme();
  fed::delivery::DeliveryWorker* worker = rt->worker_.get();
  authorizing.on_signer_verified = [worker](const std::string& host) { worker->peer_alive(host); };
  rt->fetch_authorizer_ = std::make_unique<fed::FetchAuthorizer>(
      *rt->keys_, peers, core::SystemClock::instance(), std::move(authorizing));
  return rt;
}

void FederationRuntime::sample_queue_depth() {
  if (!worker_)
    return;
  if (auto depth = worker_->depth(); depth)
    queue_depth_.store(depth->pending, std::memory_order_relaxed);
}

void FederationRuntime::stop() {
  if (stopped_)
    return;
  stopped_ = true;
  worker_->stop();  // records in-flight results, releases the rest of its leases
  // Everything using the egress executor goes before the I/O thread stops.
  fetch_authorizer_.reset();
  worker_.reset();
  transport_.reset();
  keys_.reset();
  actor_source_.reset();
  software_.reset();
  object_source_.reset();
  groups_.reset();
  actors_.reset();
  deref_.reset();
  egress_.reset();
  io_.stop();
}

FederationRuntime::~FederationRuntime() {
  stop();
}

}  // namespace guildhall::server
