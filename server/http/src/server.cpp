#include "guildhall/server/http/server.hpp"

#include <stdexcept>

namespace guildhall::server::http {

// Placeholder while the session lands; the public API above is final.
struct Server::Impl {};
Server::Server(ServerOptions, const Router&, Metrics&) : impl_(std::make_shared<Impl>()) {}
Server::~Server() = default;
void Server::start() {
  throw std::logic_error("Server: not implemented yet");
}
std::uint16_t Server::port() const {
  return 0;
}
std::string Server::url() const {
  return {};
}
boost::asio::any_io_executor Server::executor() {
  return {};
}
void Server::stop() {}
void Server::wait() {}
void Server::run_until_signal() {
  start();
}

}  // namespace guildhall::server::http
