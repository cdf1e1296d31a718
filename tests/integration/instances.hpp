#pragma once

// Guildhall instances on loopback for the multi-instance tests: each its own `guildhall serve`
// process with its own SQLite database, plain http and loopback peers allowed by configuration.

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "guildhall/storage/database.hpp"
#include "guildhall/testrig/http_client.hpp"
#include "guildhall/testrig/process.hpp"

namespace guildhall::testing {

using namespace guildhall::testrig;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

// A port the kernel just handed out; the instance binds it right after (its domain must be known
// before it starts, because every id contains it).
inline std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

struct Instance {
  std::string name;
  std::uint16_t port = 0;
  fs::path dir;
  std::map<std::string, std::string> env;
  std::unique_ptr<Process> server;

  std::string host() const { return "127.0.0.1:" + std::to_string(port); }

  // Runs `guildhall ARGS` against this instance's configuration; returns exit code and output.
  std::pair<int, std::string> cli(std::vector<std::string> args) const {
    Process p(guildhall_binary(), args, env);
    auto rc = p.wait(60s);
    return {rc.value_or(-1), p.output()};
  }
  HttpResponse get(const std::string& target, const std::string& accept = "") const {
    std::map<std::string, std::string> headers;
    if (!accept.empty())
      headers["Accept"] = accept;
    return http_request("127.0.0.1", port, "GET", target, "", headers);
  }
  // Reads this instance's database directly (SQLite allows a reader beside the server).
  template <typename F>
  auto read(F&& body) const {
    auto db = storage::open_database("sqlite:" + (dir / "guildhall.db").string()).value();
    return db->read(std::forward<F>(body));
  }
};

// Waits for a condition that another process brings about (deliveries are asynchronous), checking
// it every 50 ms up to a deadline; the deadline is generous because CI machines are slow.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::seconds deadline = 45s) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (condition())
      return true;
    std::this_thread::sleep_for(50ms);
  }
  return condition();
}

// An instance named `name` (a, b, c...) on a fresh port, not started yet.
inline std::unique_ptr<Instance> make_instance(const std::string& name, const std::string& tag) {
  auto inst = std::make_unique<Instance>();
  inst->name = name;
  inst->port = free_port();
  inst->dir = fs::temp_directory_path() /
              ("guildhall-" + tag + "-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(inst->dir);
  inst->env = {{"GUILDHALL_DATA_DIR", inst->dir.string()},
               {"GUILDHALL_DOMAIN", inst->host()},
               {"GUILDHALL_LISTEN", inst->host()},
               {"GUILDHALL_HTTP_THREADS", "2"},
               {"GUILDHALL_FEDERATION_ALLOW_HTTP", "true"},
               {"GUILDHALL_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "true"}};
  return inst;
}

}  // namespace guildhall::testing
