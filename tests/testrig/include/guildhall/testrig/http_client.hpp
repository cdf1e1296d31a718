#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace guildhall::testrig {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
};

// A blocking HTTP/1.1 client for tests: one request per connection, plain http on loopback.
HttpResponse http_request(const std::string& host, std::uint16_t port, const std::string& method,
                          const std::string& target, const std::string& body = "",
                          const std::map<std::string, std::string>& headers = {});

// A loopback TCP port the kernel just handed out, for a server whose public origin must be known
// before it starts (every ActivityPub id contains it). Racy in theory, fine on a test machine.
std::uint16_t free_loopback_port();

}  // namespace guildhall::testrig
