#pragma once

// Guildhall instances on loopback for multi-instance tests: each its own `guildhall serve`
// process with its own SQLite database, plain http and private addresses allowed by configuration
// only (the test setting).
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include "guildhall/storage/database.hpp"
#include "guildhall/testrig/http_client.hpp"
#include "guildhall/testrig/process.hpp"

namespace guildhall::testrig::instances {

using namespace std::chrono_literals;

struct Instance {
  std::string name;
  std::uint16_t port = 0;
  std::filesystem::path dir;
  std::map<std::string, std::string> env;
  std::unique_ptr<Process> server;

  // A fresh data directory named after the suite, the process and `name`; not started yet.
  static std::unique_ptr<Instance> make(const std::string& suite, const std::string& name) {
    auto inst = std::make_unique<Instance>();
    inst->name = name;
    inst->port = free_loopback_port();
    inst->dir = std::filesystem::temp_directory_path() /
                ("guildhall-" + suite + "-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::remove_all(inst->dir);
    inst->env = {{"GUILDHALL_DATA_DIR", inst->dir.string()},
                 {"GUILDHALL_DOMAIN", inst->host()},
                 {"GUILDHALL_LISTEN", inst->host()},
                 {"GUILDHALL_HTTP_THREADS", "2"},
                 {"GUILDHALL_FEDERATION_ALLOW_HTTP", "true"},
                 {"GUILDHALL_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "true"}};
    return inst;
  }

  std::string host() const { return "127.0.0.1:" + std::to_string(port); }
  std::string origin() const { return "http://" + host(); }

  // Starts `guildhall serve` and waits until it listens.
  ::testing::AssertionResult start() {
    server = std::make_unique<Process>(guildhall_binary(), std::vector<std::string>{"serve"}, env);
    if (!server->wait_for_line("listening on", 60s))
      return ::testing::AssertionFailure() << name << " did not start: " << server->output();
    return ::testing::AssertionSuccess();
  }
  // SIGTERM; the server drains and exits 0.
  ::testing::AssertionResult stop() {
    if (!server)
      return ::testing::AssertionSuccess();
    auto rc = server->stop(SIGTERM, 30s);
    std::string output = server->output();
    server.reset();
    if (rc != 0)
      return ::testing::AssertionFailure() << name << " did not stop cleanly: " << output;
    return ::testing::AssertionSuccess();
  }
  std::string output() const { return server ? server->output() : std::string(); }

  // Runs `guildhall ARGS` against this instance's configuration; returns exit code and output.
  std::pair<int, std::string> cli(std::vector<std::string> args) const {
    Process p(guildhall_binary(), args, env);
    auto rc = p.wait(60s);
    return {rc.value_or(-1), p.output()};
  }
  HttpResponse get(const std::string& target, const std::string& accept = "",
                   std::map<std::string, std::string> headers = {}) const {
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

// Three instances a, b, c, each with `extra_env` and one person (alice on a, bob on b, carol on
// c), started; with `a_refuses_c`, a refuses c (blocklist mode).
inline ::testing::AssertionResult start_three_with_people(
    std::vector<std::unique_ptr<Instance>>& out, const std::string& suite,
    const std::map<std::string, std::string>& extra_env = {}, bool a_refuses_c = true) {
  for (const char* name : {"a", "b", "c"}) {
    out.push_back(Instance::make(suite, name));
    for (const auto& [key, value] : extra_env)
      out.back()->env[key] = value;
  }
  Instance& a = *out[0];
  if (a_refuses_c) {
    a.env["GUILDHALL_FEDERATION_MODE"] = "blocklist";
    if (auto [rc, text] = a.cli({"admin", "federation", "block", out[2]->host()}); rc != 0)
      return ::testing::AssertionFailure() << text;
  }
  const char* people[] = {"alice", "bob", "carol"};
  for (std::size_t i = 0; i < 3; ++i) {
    if (auto started = out[i]->start(); !started)
      return started;
    auto [rc, text] =
        out[i]->cli({"admin", "user", "create", people[i], "--password", "long enough pw"});
    if (rc != 0)
      return ::testing::AssertionFailure() << text;
  }
  return ::testing::AssertionSuccess();
}

// Stops every instance (each must exit cleanly) and removes its data directory.
inline void stop_all(std::vector<std::unique_ptr<Instance>>& instances) {
  for (auto& inst : instances) {
    EXPECT_TRUE(inst->stop());
    std::filesystem::remove_all(inst->dir);
  }
  instances.clear();
}

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

// The text after "http" on the first line of `output` that has it: the id a CLI command printed.
inline std::string printed_id(const std::string& output) {
  const auto start = output.find("http");
  if (start == std::string::npos)
    return {};
  return output.substr(start, output.find_first_of(" \n", start) - start);
}

}  // namespace guildhall::testrig::instances
