#include "guildhall/federation/fetch/transport.hpp"

#include <atomic>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio/co_spawn.hpp>

#include "guildhall/federation/egress/url.hpp"
#include "guildhall/federation/policy.hpp"
#include "guildhall/federation/signatures/keys.hpp"
#include "guildhall/federation/signatures/sign.hpp"

namespace guildhall::federation::fetch {

namespace asio = boost::asio;
using delivery::DeliveryOutcome;

struct SignedDeliveryTransport::State {
  State(asio::any_io_executor e, egress::EgressClient& c, const PeerPolicy* p, const core::Clock& k)
      : executor(std::move(e)), client(c), policy(p), clock(k) {}

  asio::any_io_executor executor;
  egress::EgressClient& client;
  const PeerPolicy* policy;
  const core::Clock& clock;
  std::mutex mutex;
  std::map<std::string, signatures::PrivateKey, std::less<>> keys;

  core::Result<signatures::PrivateKey> key_for(const std::string& key_id, const std::string& pem) {
    {
      std::lock_guard lock(mutex);
      if (auto it = keys.find(key_id); it != keys.end())
        return it->second;
    }
    auto parsed = signatures::PrivateKey::from_pem(pem);
    if (!parsed)
      return parsed.error();
    std::lock_guard lock(mutex);
    // Bounded by the number of local actors that deliver; a rotated key gets a new key id.
    if (keys.size() >= 100'000)
      keys.clear();
    keys.insert_or_assign(key_id, *parsed);
    return parsed;
  }
};

namespace {

// `done` exactly once, whichever path (result, exception) gets there first.
struct DoneOnce {
  delivery::DeliveryTransport::Done fn;
  std::atomic<bool> called{false};
  void operator()(DeliveryOutcome outcome) {
    if (!called.exchange(true))
      fn(std::move(outcome));
  }
};

std::string short_error(const core::Error& error) {
  return error.message.substr(0, 300);
}

// A plain coroutine function with every argument by value (see the g++ 12 note in the brief:
// no init-capture coroutine lambdas, no temporaries built inside co_await).
asio::awaitable<void> send(std::shared_ptr<SignedDeliveryTransport::State> state,
                           egress::EgressRequest request, std::shared_ptr<DoneOnce> done) {
  auto response = co_await state->client.request(std::move(request));
  if (!response) {
    const core::Error& error = response.error();
    if (egress::classify(error) == egress::Disposition::transient)
      (*done)(DeliveryOutcome::transient_error(short_error(error)));
    else
      (*done)(DeliveryOutcome::permanent_error(short_error(error)));
    co_return;
  }
  std::optional<std::chrono::seconds> retry_after;
  if (response->status == 429 || response->status == 503) {
    if (auto value = response->header("Retry-After"))
      retry_after = delivery::parse_retry_after(*value, state->clock.now());
  }
  (*done)(DeliveryOutcome::from_status(response->status, retry_after));
}

}  // namespace

SignedDeliveryTransport::SignedDeliveryTransport(asio::any_io_executor executor,
                                                 egress::EgressClient& client,
                                                 const PeerPolicy* policy, const core::Clock& clock)
    : state_(std::make_shared<State>(std::move(executor), client, policy, clock)) {}

SignedDeliveryTransport::~SignedDeliveryTransport() = default;

void SignedDeliveryTransport::deliver(const storage::DeliveryJob& job, Done done_fn) {
  auto done = std::make_shared<DoneOnce>();
  done->fn = std::move(done_fn);

  auto url = egress::parse_url(job.inbox_url);
  if (!url) {
    (*done)(DeliveryOutcome::permanent_error("invalid inbox URL"));
    return;
  }
  if (state_->policy != nullptr && !state_->policy->allows(url->authority())) {
    (*done)(DeliveryOutcome::permanent_error("host refused by federation policy"));
    return;
  }
  if (!job.key_id || !job.private_key_pem || job.key_id->empty()) {
    (*done)(DeliveryOutcome::permanent_error("no signing key"));
    return;
  }
  auto key = state_->key_for(*job.key_id, *job.private_key_pem);
  if (!key) {
    (*done)(DeliveryOutcome::permanent_error("unusable signing key"));
    return;
  }

  egress::EgressRequest request;
  request.method = egress::Method::post;
  request.url = url->str();
  request.headers = {{"Content-Type", "application/activity+json"}};
  request.body = job.payload;
  request.follow_redirects = false;  // a redirected POST is the peer's problem, not a retry loop
  const std::string key_id = *job.key_id;
  const signatures::PrivateKey signing_key = *key;
  const core::Clock* clock = &state_->clock;
  request.sign = [key_id, signing_key, clock](const egress::OutgoingRequest& out,
                                              egress::Headers& headers) -> core::Result<void> {
    const signatures::SignRequestInput input{
        .method = "POST",
        .target = out.url.target,
        .host = out.url.authority(),
        .headers = {{"Content-Type", "application/activity+json"}},
        .body = out.body,
        .key_id = key_id,
        .key = signing_key};
    auto signed_headers = signatures::sign_request(input, *clock);
    if (!signed_headers)
      return signed_headers.error();
    for (auto& header : *signed_headers)
      headers.push_back(std::move(header));
    return {};
  };

  auto task = send(state_, std::move(request), done);
  asio::co_spawn(state_->executor, std::move(task), [done](std::exception_ptr error) {
    if (error)
      (*done)(DeliveryOutcome::transient_error("internal error while delivering"));
  });
}

}  // namespace guildhall::federation::fetch
