// A peer that is down for a while, then receives everything in order, without waiting out the
// backoff: two real `guildhall serve` processes. B stops; alice on A posts three notes, edits the
// first and deletes the second for bob on B (A's deliveries fail and back off); B comes back and
// bob posts, which A receives from B with a valid signature: A retries B now, and drains the
// backlog one delivery at a time, in production order.
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "instances.hpp"

using namespace guildhall;
using namespace guildhall::testrig;
using namespace guildhall::testrig::instances;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// The Creates, Updates and Deletes B's inbox log holds from `actor`, in the order they were
// accepted: "Create <object id>", ...
std::vector<std::string> accepted_from(const Instance& inst, const std::string& actor) {
  std::vector<std::string> out;
  sqlite3* db = nullptr;
  const std::string path = (inst.dir / "guildhall.db").string();
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return out;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* stmt = nullptr;
  const char* sql = "SELECT payload FROM inbox_activities WHERE actor = ?1 ORDER BY id";
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(stmt, 1, actor.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      auto activity =
          json::parse(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), nullptr, false);
      const std::string type = activity.value("type", "");
      if (type != "Create" && type != "Update" && type != "Delete")
        continue;
      const json& object = activity["object"];
      const std::string object_id =
          object.is_object() ? object.value("id", "") : object.get<std::string>();
      out.push_back(type + " " + object_id);
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

bool follows_accepted(const Instance& inst, const std::string& handle, std::int64_t expected) {
  auto count = inst.read([&](storage::Tx& tx) -> core::Result<std::int64_t> {
    auto user = tx.users().get_by_handle(handle);
    if (!user)
      return std::move(user).error();
    return tx.follows().count_following(user->actor.id);
  });
  return count.ok() && *count == expected;
}

}  // namespace

TEST(FederationOutage, APeerThatWasDownReceivesEverythingInOrderOnceItIsBack) {
  auto a = Instance::make("outage", "a");
  auto b = Instance::make("outage", "b");
  ASSERT_TRUE(a->start());
  ASSERT_TRUE(b->start());
  ASSERT_EQ(a->cli({"admin", "user", "create", "alice", "--password", "long enough pw"}).first, 0);
  ASSERT_EQ(b->cli({"admin", "user", "create", "bob", "--password", "long enough pw"}).first, 0);
  // They follow each other: alice's posts go to B, bob's to A.
  auto [frc, fout] = b->cli({"admin", "act", "bob", "follow", "alice@" + a->host()});
  ASSERT_EQ(frc, 0) << fout;
  auto [grc, gout] = a->cli({"admin", "act", "alice", "follow", "bob@" + b->host()});
  ASSERT_EQ(grc, 0) << gout;
  ASSERT_TRUE(eventually([&] { return follows_accepted(*b, "bob", 1); })) << a->output();
  ASSERT_TRUE(eventually([&] { return follows_accepted(*a, "alice", 1); })) << b->output();

  ASSERT_TRUE(b->stop());
  const std::string alice = a->origin() + "/users/alice";
  std::vector<std::string> notes;
  for (const char* text : {"first", "second", "third"}) {
    auto [rc, out] = a->cli({"admin", "act", "alice", "post", text});
    ASSERT_EQ(rc, 0) << out;
    notes.push_back(printed_id(out));
  }
  auto [erc, eout] = a->cli({"admin", "act", "alice", "edit", notes[0], "first, edited"});
  ASSERT_EQ(erc, 0) << eout;
  auto [drc, dout] = a->cli({"admin", "act", "alice", "delete", notes[1]});
  ASSERT_EQ(drc, 0) << dout;

  // A tried B, failed, and backs off: the first retry is due no sooner than 24 s (30 s - 20 %)
  // after the failure.
  std::optional<core::TimePoint> failed_at;
  ASSERT_TRUE(eventually([&] {
    auto peer = a->read([&](storage::Tx& tx) { return tx.delivery_queue().get_peer(b->host()); });
    if (peer.ok() && peer->consecutive_failures > 0)
      failed_at = peer->last_failure_at;
    return failed_at.has_value();
  })) << a->output();
  const auto earliest_retry = *failed_at + 24s;

  ASSERT_TRUE(b->start());
  // bob posts; A accepts it from B with a valid signature and takes B as alive.
  auto [prc, pout] = b->cli({"admin", "act", "bob", "post", "I am back"});
  ASSERT_EQ(prc, 0) << pout;

  const std::vector<std::string> expected = {"Create " + notes[0], "Create " + notes[1],
                                             "Create " + notes[2], "Update " + notes[0],
                                             "Delete " + notes[1]};
  ASSERT_TRUE(eventually([&] { return accepted_from(*b, alice).size() >= expected.size(); }))
      << a->output() << b->output();
  EXPECT_LT(std::chrono::system_clock::now(), earliest_retry)
      << "B got its backlog before A's backoff would have retried it";
  EXPECT_EQ(accepted_from(*b, alice), expected) << "received in production order";
  EXPECT_TRUE(a->server->wait_for_line("delivery.peer_alive host=" + b->host(), 10s))
      << a->output();

  // And B's handlers applied them: the first note edited, the second deleted, the third there.
  ASSERT_TRUE(eventually([&] {
    auto second = b->read([&](storage::Tx& tx) { return tx.posts().get_by_ap_id(notes[1]); });
    auto first = b->read([&](storage::Tx& tx) { return tx.posts().get_by_ap_id(notes[0]); });
    return second.ok() && second->deleted_at && first.ok() &&
           first->content_html.find("edited") != std::string::npos;
  })) << b->output();

  EXPECT_TRUE(a->stop());
  EXPECT_TRUE(b->stop());
  std::filesystem::remove_all(a->dir);
  std::filesystem::remove_all(b->dir);
}
