#pragma once

// What the delivery worker hands a claimed delivery to. The production transport signs the
// payload with the actor's key (HTTP Signatures) and POSTs it through the egress client; tests use
// an in-process fake. The worker knows neither: it only sees outcomes.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "guildhall/core/clock.hpp"
#include "guildhall/storage/federation_queue.hpp"

namespace guildhall::federation::delivery {

enum class DeliveryResult {
  delivered,  // 2xx
  transient,  // retry on the schedule: 5xx, 408, 429, 401, timeouts, connect/TLS/DNS errors
  permanent,  // never retried: other 4xx, 501, a refused URL (SSRF guard), an unsignable job
};
std::string_view to_string(DeliveryResult r) noexcept;

// Mastodon's rule (security catalogue 3.1/3.4): 2xx delivered; 4xx other than 401, 408 and 429,
// and 501, permanent; everything else transient. 401 stays transient because peers answer it when
// their cached copy of our key is stale, which heals by itself.
DeliveryResult classify_status(int status) noexcept;

struct DeliveryOutcome {
  DeliveryResult result = DeliveryResult::transient;
  std::optional<int> status{};  // the HTTP status, if a response came back
  std::string error{};          // short and safe to store (last_error)
  // From a 429 or 503 Retry-After: the next attempt is not earlier than this.
  std::optional<std::chrono::seconds> retry_after{};

  static DeliveryOutcome delivered(int status = 202);
  // Classified by classify_status; error becomes "HTTP <status>".
  static DeliveryOutcome from_status(int status,
                                     std::optional<std::chrono::seconds> retry_after = {});
  static DeliveryOutcome transient_error(std::string error);  // timeout, connection refused, ...
  static DeliveryOutcome permanent_error(std::string error);  // refused URL, no signing key, ...
};

// Retry-After as delta-seconds or an HTTP-date (relative to now); nullopt if unparseable. Capped
// at one day so a peer cannot park our queue for longer.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, core::TimePoint now);

class DeliveryTransport {
 public:
  using Done = std::function<void(DeliveryOutcome)>;
  virtual ~DeliveryTransport() = default;
  // Starts sending job.payload to job.inbox_url as job.actor_id (job.key_id, job.private_key_pem)
  // and returns without waiting for the peer. Calls `done` exactly once, from any thread, possibly
  // before returning. Called on the worker's thread: it must not block on network I/O.
  virtual void deliver(const storage::DeliveryJob& job, Done done) = 0;
};

}  // namespace guildhall::federation::delivery
