#include "guildhall/server/http/response.hpp"

#include <boost/beast/core/string.hpp>
#include <nlohmann/json.hpp>

#include "guildhall/server/http/stream.hpp"

namespace guildhall::server::http {

namespace {

bool same_name(std::string_view a, std::string_view b) {
  return boost::beast::iequals(boost::beast::string_view(a.data(), a.size()),
                               boost::beast::string_view(b.data(), b.size()));
}

}  // namespace

void Response::set_header(std::string_view name, std::string value) {
  std::erase_if(headers, [&](const auto& h) { return same_name(h.first, name); });
  headers.emplace_back(std::string(name), std::move(value));
}

void Response::add_header(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string_view> Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (same_name(k, name))
      return std::string_view(v);
  return std::nullopt;
}

void Response::strip_body() {
  if (!content_length)
    content_length = body.size();
  body.clear();
  body.shrink_to_fit();
}

Response Response::json(int status, const nlohmann::json& body) {
  Response res;
  res.status = status;
  // Replace invalid UTF-8 rather than throw: a stored string must never turn into a 500.
  res.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  res.headers.emplace_back("Content-Type", std::string(kJsonContentType));
  return res;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response res;
  res.status = status;
  res.body = std::move(body);
  res.headers.emplace_back("Content-Type", std::move(content_type));
  return res;
}

Response Response::error(int status, std::string_view message) {
  return json(status, nlohmann::json{{"error", message}});
}

Response Response::from_error(const core::Error& error) {
  const int status = core::http_status(error.kind);
  if (error.kind == core::ErrorKind::internal)
    return Response::error(status, "Internal server error");
  if (error.message.empty())
    return Response::error(status, core::to_string(error.kind));
  return Response::error(status, error.message);
}

Response Response::stream(StreamSetup setup) {
  Response res;
  res.headers.emplace_back("Content-Type", "text/event-stream");
  res.headers.emplace_back("Cache-Control", "no-store");
  // Reverse proxies (nginx) would otherwise buffer the events.
  res.headers.emplace_back("X-Accel-Buffering", "no");
  res.streaming = std::make_shared<StreamSetup>(std::move(setup));
  return res;
}

Response Response::no_content() {
  Response res;
  res.status = 204;
  return res;
}

}  // namespace guildhall::server::http
