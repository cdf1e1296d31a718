#pragma once

#include <string>
#include <string_view>

namespace guildhall::core {

// The kinds of failure every layer speaks. Storage translates native database errors into these,
// federation and server map them to HTTP statuses; the message is safe to show to a client.
enum class ErrorKind {
  invalid_input,   // 400/422: the caller sent something malformed or out of bounds
  unauthorized,    // 401: no or bad credentials
  forbidden,       // 403: credentials fine, action not allowed
  not_found,       // 404
  already_exists,  // 409: unique constraint (a handle, an activity id)
  conflict,        // 409: state changed underneath (serialization failure, stale update)
  too_large,       // 413
  unavailable,     // 503: database or peer down, retry later
  internal,        // 500: a bug or an unexpected failure
};

std::string_view to_string(ErrorKind kind) noexcept;
int http_status(ErrorKind kind) noexcept;

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;

  static Error invalid_input(std::string m) { return {ErrorKind::invalid_input, std::move(m)}; }
  static Error unauthorized(std::string m) { return {ErrorKind::unauthorized, std::move(m)}; }
  static Error forbidden(std::string m) { return {ErrorKind::forbidden, std::move(m)}; }
  static Error not_found(std::string m) { return {ErrorKind::not_found, std::move(m)}; }
  static Error already_exists(std::string m) { return {ErrorKind::already_exists, std::move(m)}; }
  static Error conflict(std::string m) { return {ErrorKind::conflict, std::move(m)}; }
  static Error too_large(std::string m) { return {ErrorKind::too_large, std::move(m)}; }
  static Error unavailable(std::string m) { return {ErrorKind::unavailable, std::move(m)}; }
  static Error internal(std::string m) { return {ErrorKind::internal, std::move(m)}; }
};

}  // namespace guildhall::core
