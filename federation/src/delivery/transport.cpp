#include "guildhall/federation/delivery/transport.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>

namespace guildhall::federation::delivery {

std::string_view to_string(DeliveryResult r) noexcept {
  switch (r) {
    case DeliveryResult::delivered:
      return "delivered";
    case DeliveryResult::transient:
      return "transient";
    case DeliveryResult::permanent:
      return "permanent";
  }
  return "transient";
}

DeliveryResult classify_status(int status) noexcept {
  if (status >= 200 && status < 300)
    return DeliveryResult::delivered;
  if (status >= 400 && status < 500 && status != 401 && status != 408 && status != 429)
    return DeliveryResult::permanent;
  if (status == 501)
    return DeliveryResult::permanent;
  return DeliveryResult::transient;
}

DeliveryOutcome DeliveryOutcome::delivered(int status) {
  return {DeliveryResult::delivered, status, {}, std::nullopt};
}

DeliveryOutcome DeliveryOutcome::from_status(int status,
                                             std::optional<std::chrono::seconds> retry_after) {
  return {classify_status(status), status, "HTTP " + std::to_string(status), retry_after};
}

DeliveryOutcome DeliveryOutcome::transient_error(std::string error) {
  return {DeliveryResult::transient, std::nullopt, std::move(error), std::nullopt};
}

DeliveryOutcome DeliveryOutcome::permanent_error(std::string error) {
  return {DeliveryResult::permanent, std::nullopt, std::move(error), std::nullopt};
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, core::TimePoint now) {
  constexpr std::chrono::seconds kMax = std::chrono::hours(24);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front())))
    value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
    value.remove_suffix(1);
  if (value.empty())
    return std::nullopt;
  if (std::all_of(value.begin(), value.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    std::int64_t seconds = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc::result_out_of_range)
      return kMax;
    if (ec != std::errc() || end != value.data() + value.size())
      return std::nullopt;
    return std::min(std::chrono::seconds(seconds), kMax);
  }
  // IMF-fixdate, the only HTTP-date form senders may generate (RFC 9110 5.6.7).
  std::tm tm{};
  const std::string text(value);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0')
    return std::nullopt;
  const auto at = std::chrono::system_clock::from_time_t(timegm(&tm));
  const auto delta = std::chrono::duration_cast<std::chrono::seconds>(at - now);
  return std::clamp(delta, std::chrono::seconds(0), kMax);
}

}  // namespace guildhall::federation::delivery
