#include "guildhall/federation/signatures/reasons.hpp"

#include <array>

namespace guildhall::federation::signatures {

namespace {
struct Row {
  Reason reason;
  std::string_view code;
  int status;
};
constexpr std::array kRows{
    Row{Reason::signature_missing, "signature_missing", 401},
    Row{Reason::signature_malformed, "signature_malformed", 400},
    Row{Reason::duplicate_header, "duplicate_header", 400},
    Row{Reason::signature_incomplete, "signature_incomplete", 401},
    Row{Reason::signature_encoding, "signature_encoding", 401},
    Row{Reason::algorithm_unsupported, "algorithm_unsupported", 401},
    Row{Reason::component_unsupported, "component_unsupported", 401},
    Row{Reason::not_covered, "not_covered", 401},
    Row{Reason::header_missing, "header_missing", 401},
    Row{Reason::date_invalid, "date_invalid", 401},
    Row{Reason::signature_expired, "signature_expired", 401},
    Row{Reason::signature_future, "signature_future", 401},
    Row{Reason::digest_missing, "digest_missing", 401},
    Row{Reason::digest_unsupported, "digest_unsupported", 401},
    Row{Reason::digest_mismatch, "digest_mismatch", 401},
    Row{Reason::host_mismatch, "host_mismatch", 401},
    Row{Reason::key_id_invalid, "key_id_invalid", 401},
    Row{Reason::key_unavailable, "key_unavailable", 401},
    Row{Reason::key_forbidden, "key_forbidden", 403},
    Row{Reason::key_rejected, "key_rejected", 401},
    Row{Reason::key_type_mismatch, "key_type_mismatch", 401},
    Row{Reason::signature_mismatch, "signature_mismatch", 401},
    Row{Reason::actor_mismatch, "actor_mismatch", 403},
};

const Row& row(Reason reason) {
  for (const auto& r : kRows)
    if (r.reason == reason)
      return r;
  return kRows[0];
}
}  // namespace

std::string_view to_string(Reason reason) noexcept {
  return row(reason).code;
}

int http_status(Reason reason) noexcept {
  return row(reason).status;
}

core::Error make_error(Reason reason, std::string_view detail) {
  const Row& r = row(reason);
  std::string message(r.code);
  message += ": ";
  message += detail;
  switch (r.status) {
    case 400:
      return core::Error::invalid_input(std::move(message));
    case 403:
      return core::Error::forbidden(std::move(message));
    default:
      return core::Error::unauthorized(std::move(message));
  }
}

bool reason_of(const core::Error& error, Reason& out) {
  const auto colon = error.message.find(':');
  if (colon == std::string::npos)
    return false;
  const std::string_view code(error.message.data(), colon);
  for (const auto& r : kRows) {
    if (r.code == code) {
      out = r.reason;
      return true;
    }
  }
  return false;
}

}  // namespace guildhall::federation::signatures
