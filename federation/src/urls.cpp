#include "guildhall/federation/urls.hpp"

#include <algorithm>

namespace guildhall::federation {

std::string Urls::host() const {
  const auto scheme_end = origin_.find("://");
  return scheme_end == std::string::npos ? origin_ : origin_.substr(scheme_end + 3);
}

bool is_valid_local_handle(std::string_view handle) {
  return !handle.empty() && handle.size() <= 30 &&
         std::all_of(handle.begin(), handle.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
         });
}

}  // namespace guildhall::federation
