#pragma once

// The production delivery transport: a signed POST (draft-cavage rsa-sha256 with Digest) of the
// job's payload through the egress client, its result mapped to a DeliveryOutcome.
//
//   fetch::SignedDeliveryTransport transport(io.get_executor(), client, &policy);
//   delivery::DeliveryWorker worker(db, transport, ...);

#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "guildhall/core/clock.hpp"
#include "guildhall/federation/delivery/transport.hpp"
#include "guildhall/federation/egress/client.hpp"

namespace guildhall::federation {
class PeerPolicy;
}

namespace guildhall::federation::fetch {

// deliver() never blocks: it checks the job (URL, policy, key) and co_spawns the request on
// `executor` (the egress client's). `done` is called exactly once. Parsed private keys are
// cached per key id (PEM parsing costs more than signing). In-flight deliveries keep the
// transport's state alive, but `client`, `policy` and `clock` must outlive them: stop the worker
// and drain the executor before destroying those.
//
// Outcomes: 2xx delivered; classify_status for other statuses (Retry-After honoured on 429 and
// 503); unavailable errors transient; forbidden/invalid_input/too_large permanent; a URL the
// policy refuses or a job without a usable key: permanent, no network I/O.
class SignedDeliveryTransport final : public delivery::DeliveryTransport {
 public:
  SignedDeliveryTransport(boost::asio::any_io_executor executor, egress::EgressClient& client,
                          const PeerPolicy* policy,
                          const core::Clock& clock = core::SystemClock::instance());
  ~SignedDeliveryTransport() override;

  void deliver(const storage::DeliveryJob& job, Done done) override;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace guildhall::federation::fetch
