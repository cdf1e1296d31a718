#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "guildhall/core/error.hpp"

namespace guildhall::server::http {

struct StreamSetup;  // stream.hpp

inline constexpr std::string_view kJsonContentType = "application/json; charset=utf-8";

struct Response {
  int status = 200;
  // Content-Length, Date, Server, Connection and X-Request-Id are added by the server.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Set when the body was dropped for HEAD: the Content-Length the GET would have had.
  std::optional<std::size_t> content_length;
  // Set by stream(): the session keeps the connection open as a WebSocket or an event stream.
  std::shared_ptr<StreamSetup> streaming;

  // Replaces every header of that name (case-insensitive).
  void set_header(std::string_view name, std::string value);
  void add_header(std::string name, std::string value);
  std::optional<std::string_view> header(std::string_view name) const;
  // For HEAD: remember the length, drop the bytes.
  void strip_body();

  static Response json(int status, const nlohmann::json& body);
  static Response text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  // {"error": message} as JSON: the shape Mastodon clients expect.
  static Response error(int status, std::string_view message);
  // Status from core::http_status; the message is passed through (core's messages are safe to show)
  // except for `internal`, whose details belong in the log only.
  static Response from_error(const core::Error& error);
  static Response no_content();
  // A long-lived stream (stream.hpp): `text/event-stream` for plain requests, a WebSocket for
  // upgrade requests on RouteOptions::websocket routes.
  static Response stream(StreamSetup setup);
};

}  // namespace guildhall::server::http
