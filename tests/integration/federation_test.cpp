// Three Guildhall instances on loopback, each its own `guildhall serve` process with its own
// SQLite database: discovery, follow/accept, post delivery, like, edit, delete, a blocked instance.
// Plain http and loopback addresses are allowed by configuration only (the test setting).
#include <filesystem>
#include <functional>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>

#include "guildhall/storage/database.hpp"
#include "guildhall/testrig/http_client.hpp"
#include "guildhall/testrig/process.hpp"

using namespace guildhall;
using namespace guildhall::testrig;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

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
bool eventually(const std::function<bool()>& condition, std::chrono::seconds deadline = 45s) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (condition())
      return true;
    std::this_thread::sleep_for(50ms);
  }
  return condition();
}

class Federation : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (const char* name : {"a", "b", "c"}) {
      auto inst = std::make_unique<Instance>();
      inst->name = name;
      inst->port = free_loopback_port();
      inst->dir =
          fs::temp_directory_path() / ("guildhall-fed-" + std::to_string(::getpid()) + "-" + name);
      fs::remove_all(inst->dir);
      inst->env = {{"GUILDHALL_DATA_DIR", inst->dir.string()},
                   {"GUILDHALL_DOMAIN", inst->host()},
                   {"GUILDHALL_LISTEN", inst->host()},
                   {"GUILDHALL_HTTP_THREADS", "2"},
                   {"GUILDHALL_FEDERATION_ALLOW_HTTP", "true"},
                   {"GUILDHALL_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "true"}};
      instances_.push_back(std::move(inst));
    }
    // A refuses C (blocklist mode).
    a().env["GUILDHALL_FEDERATION_MODE"] = "blocklist";
    ASSERT_EQ(a().cli({"admin", "federation", "block", c().host()}).first, 0);
    for (auto& inst : instances_) {
      inst->server = std::make_unique<Process>(guildhall_binary(),
                                               std::vector<std::string>{"serve"}, inst->env);
      ASSERT_TRUE(inst->server->wait_for_line("listening on", 60s)) << inst->server->output();
    }
    ASSERT_EQ(a().cli({"admin", "user", "create", "alice", "--password", "long enough pw"}).first,
              0);
    ASSERT_EQ(b().cli({"admin", "user", "create", "bob", "--password", "long enough pw"}).first, 0);
    ASSERT_EQ(c().cli({"admin", "user", "create", "carol", "--password", "long enough pw"}).first,
              0);
  }
  static void TearDownTestSuite() {
    for (auto& inst : instances_) {
      if (inst->server) {
        EXPECT_EQ(inst->server->stop(SIGTERM, 30s), 0) << inst->server->output();
      }
      fs::remove_all(inst->dir);
    }
    instances_.clear();
  }
  static Instance& a() { return *instances_[0]; }
  static Instance& b() { return *instances_[1]; }
  static Instance& c() { return *instances_[2]; }

  static std::int64_t followers_of_alice() {
    auto res = a().get("/users/alice/followers", "application/activity+json");
    if (res.status != 200)
      return -1;
    return nlohmann::json::parse(res.body).value("totalItems", std::int64_t{-1});
  }

  static std::vector<std::unique_ptr<Instance>> instances_;
};
std::vector<std::unique_ptr<Instance>> Federation::instances_;

}  // namespace

TEST_F(Federation, PeopleFollowPostLikeEditAndDeleteAcrossInstances) {
  // Discovery: B finds alice on A by name@host (WebFinger, then her actor document).
  auto [rc, out] = b().cli({"admin", "act", "bob", "follow", "alice@" + a().host()});
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("(pending)"), std::string::npos) << out;

  // A receives the Follow, accepts it, and B learns of the Accept.
  ASSERT_TRUE(eventually([] { return followers_of_alice() == 1; }))
      << a().server->output() << b().server->output();
  ASSERT_TRUE(eventually([] {
    auto follows = b().read([](storage::Tx& tx) -> core::Result<std::int64_t> {
      auto bob = tx.users().get_by_handle("bob");
      if (!bob)
        return std::move(bob).error();
      return tx.follows().count_following(bob->actor.id);  // accepted only
    });
    return follows.ok() && *follows == 1;
  })) << b().server->output();

  // alice posts; bob's instance receives the Create(Note).
  auto [prc, pout] = a().cli({"admin", "act", "alice", "post", "Hello from **A**"});
  ASSERT_EQ(prc, 0) << pout;
  const std::string note_id = pout.substr(pout.find("http"), pout.find('\n') - pout.find("http"));
  auto note_on_b = [&]() {
    return b().read([&](storage::Tx& tx) { return tx.posts().get_by_ap_id(note_id); });
  };
  ASSERT_TRUE(eventually([&] { return note_on_b().ok(); })) << b().server->output();
  EXPECT_NE(note_on_b()->content_html.find("<strong>A</strong>"), std::string::npos);

  // bob likes it; A records the reaction on alice's post.
  auto [lrc, lout] = b().cli({"admin", "act", "bob", "like", note_id});
  ASSERT_EQ(lrc, 0) << lout;
  ASSERT_TRUE(eventually([&] {
    auto counts = a().read([&](storage::Tx& tx) -> core::Result<std::int64_t> {
      auto post = tx.posts().get_by_ap_id(note_id);
      if (!post)
        return std::move(post).error();
      auto c = tx.reactions().counts(post->id);
      if (!c)
        return std::move(c).error();
      std::int64_t likes = 0;
      for (const auto& r : *c)
        if (r.kind == storage::ReactionKind::like)
          likes += r.count;
      return likes;
    });
    return counts.ok() && *counts == 1;
  })) << a().server->output();

  // alice edits, then deletes; B follows both.
  auto [erc, eout] = a().cli({"admin", "act", "alice", "edit", note_id, "Edited on A"});
  ASSERT_EQ(erc, 0) << eout;
  ASSERT_TRUE(eventually([&] {
    auto p = note_on_b();
    return p.ok() && p->content_html.find("Edited on A") != std::string::npos;
  })) << b().server->output();
  auto [drc, dout] = a().cli({"admin", "act", "alice", "delete", note_id});
  ASSERT_EQ(drc, 0) << dout;
  ASSERT_TRUE(eventually([&] {
    auto p = note_on_b();
    return p.ok() && p->deleted_at.has_value();
  })) << b().server->output();
}

TEST_F(Federation, ABlockedInstanceIsRefusedAndNothingIsStored) {
  const auto before = followers_of_alice();
  // Without authorized fetch, A's public documents are readable, so carol on C can look alice up
  // and send a Follow. A refuses C's signed POST (403: the signer's instance is blocked), which C
  // records as a permanent failure.
  auto [rc, out] = c().cli({"admin", "act", "carol", "follow", "alice@" + a().host()});
  ASSERT_EQ(rc, 0) << out;
  ASSERT_TRUE(eventually([] {
    auto depth = c().read([](storage::Tx& tx) {
      return tx.delivery_queue().depth(core::SystemClock::instance().now());
    });
    return depth.ok() && depth->pending == 0 && depth->failed == 1;
  })) << c().server->output();
  // A's access log shows the refusal (reading it also drains the server's output pipe).
  EXPECT_TRUE(a().server->wait_for_line("route=inbox.user path=/users/alice/inbox status=403", 10s))
      << a().server->output();
  EXPECT_EQ(followers_of_alice(), before);
  auto carol_on_a = a().read([&](storage::Tx& tx) {
    return tx.actors().get_by_ap_id("http://" + c().host() + "/users/carol");
  });
  EXPECT_FALSE(carol_on_a.ok()) << "nothing from a blocked instance is stored";
}
