#pragma once

// The delivery worker over the real queue, written once and instantiated per backend. Time is a
// core::ManualClock shared by the database and the worker: retries and leases happen when a test
// advances it, and a test waits for the worker with wait_idle() (an event), never a sleep.

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "guildhall/federation/delivery/worker.hpp"
#include "guildhall/storage/database.hpp"

#include "backends.hpp"

namespace guildhall::federation::delivery::testing {

using namespace std::chrono_literals;
using storage::DeliveryJob;
using storage::Id;
using storage::Tx;

#define ASSERT_OK(expr)                                                                        \
  do {                                                                                         \
    const auto& assert_ok_result_ = (expr);                                                    \
    ASSERT_TRUE(assert_ok_result_.ok()) << #expr << ": " << assert_ok_result_.error().message; \
  } while (false)

// An in-process fake peer network. Per host it answers with a programmable outcome (default
// 202), or holds the request (a black hole) until the test lets go. Synchronous mode answers
// inside deliver(); asynchronous mode answers from its own thread in random order, the way
// concurrent HTTP requests finish.
class FakeNetwork final : public DeliveryTransport {
 public:
  using Behaviour = std::function<std::optional<DeliveryOutcome>(const DeliveryJob&)>;

  struct Call {
    Id delivery_id = 0;
    Id activity_id = 0;
    std::string host;
    int attempts = 0;
    DeliveryResult result = DeliveryResult::transient;
    bool held = false;
  };

  explicit FakeNetwork(bool asynchronous = false) : asynchronous_(asynchronous) {
    if (asynchronous_)
      thread_ = std::thread([this] { answer_loop(); });
  }
  ~FakeNetwork() override {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
      cv_.notify_all();
    }
    if (thread_.joinable())
      thread_.join();
  }

  void set(const std::string& host, Behaviour b) {
    std::lock_guard lock(mutex_);
    behaviour_[host] = std::move(b);
  }
  void answer(const std::string& host, DeliveryOutcome o) {
    set(host, [o](const DeliveryJob&) { return std::optional<DeliveryOutcome>(o); });
  }
  void black_hole(const std::string& host) {
    set(host, [](const DeliveryJob&) { return std::optional<DeliveryOutcome>(); });
  }

  void deliver(const DeliveryJob& job, Done done) override {
    std::optional<DeliveryOutcome> outcome;
    {
      std::lock_guard lock(mutex_);
      auto it = behaviour_.find(job.host);
      outcome =
          it == behaviour_.end() ? std::optional(DeliveryOutcome::delivered()) : it->second(job);
      Call call{job.id,
                job.activity_id,
                job.host,
                job.attempts,
                outcome ? outcome->result : DeliveryResult::transient,
                !outcome};
      calls_.push_back(call);
      const auto n = ++outstanding_[job.host];
      max_outstanding_[job.host] = std::max(max_outstanding_[job.host], n);
      if (!outcome) {
        held_.push_back({job, std::move(done)});
        cv_.notify_all();
        return;
      }
      if (asynchronous_) {
        pending_.push_back({job.id, job.host, std::move(done), *outcome});
        cv_.notify_all();
        return;
      }
      --outstanding_[job.host];
      if (outcome->result == DeliveryResult::delivered)
        ++delivered_[job.id];
      cv_.notify_all();
    }
    done(*outcome);
  }

  // Answers every held request with `outcome` (they may belong to a stopped worker).
  void release_held(const DeliveryOutcome& outcome) {
    std::vector<std::pair<DeliveryJob, Done>> held;
    {
      std::lock_guard lock(mutex_);
      held.swap(held_);
      for (auto& [job, done] : held) {
        --outstanding_[job.host];
        if (outcome.result == DeliveryResult::delivered)
          ++delivered_[job.id];
      }
    }
    for (auto& [job, done] : held)
      done(outcome);
  }

  template <typename Pred>
  bool wait_until(Pred pred, std::chrono::milliseconds timeout = 20s) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return pred(); });
  }

  std::vector<Call> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  std::vector<Call> calls_to(const std::string& host) const {
    std::vector<Call> out;
    for (const auto& c : calls())
      if (c.host == host)
        out.push_back(c);
    return out;
  }
  std::size_t held_count() const {
    std::lock_guard lock(mutex_);
    return held_.size();
  }
  std::map<Id, int> delivered() const {
    std::lock_guard lock(mutex_);
    return delivered_;
  }
  std::size_t delivered_total() const {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& [id, count] : delivered_)
      n += static_cast<std::size_t>(count);
    return n;
  }
  std::size_t max_outstanding(const std::string& host) const {
    std::lock_guard lock(mutex_);
    auto it = max_outstanding_.find(host);
    return it == max_outstanding_.end() ? 0 : it->second;
  }

  // Recursive: wait_until predicates may call the accessors above.
  mutable std::recursive_mutex mutex_;
  std::condition_variable_any cv_;
  std::map<Id, int> delivered_;

 private:
  struct Pending {
    Id id = 0;
    std::string host;
    Done done;
    DeliveryOutcome outcome;
  };

  void answer_loop() {
    std::mt19937 rng(7);
    std::unique_lock lock(mutex_);
    for (;;) {
      cv_.wait(lock, [&] { return closing_ || !pending_.empty(); });
      if (closing_)
        return;
      // Like a real peer, answer only once a few requests are in flight (or after a short
      // deadline): otherwise a busy machine may schedule this thread so promptly that a
      // pipelining worker never has two requests outstanding at once.
      cv_.wait_for(lock, 100ms, [&] { return closing_ || pending_.size() >= 4; });
      if (closing_)
        return;
      // Finish a random outstanding request: completions arrive out of order.
      const std::size_t i = std::uniform_int_distribution<std::size_t>(0, pending_.size() - 1)(rng);
      Pending p = std::move(pending_[i]);
      pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(i));
      --outstanding_[p.host];
      if (p.outcome.result == DeliveryResult::delivered)
        ++delivered_[p.id];
      cv_.notify_all();
      lock.unlock();
      p.done(p.outcome);
      lock.lock();
    }
  }

  const bool asynchronous_;
  bool closing_ = false;
  std::map<std::string, Behaviour> behaviour_;
  std::vector<Call> calls_;
  std::map<std::string, std::size_t> outstanding_;
  std::map<std::string, std::size_t> max_outstanding_;
  std::vector<std::pair<DeliveryJob, Done>> held_;
  std::deque<Pending> pending_;
  std::thread thread_;
};

inline std::vector<Id> delivery_ids(const std::vector<FakeNetwork::Call>& calls) {
  std::vector<Id> out;
  for (const auto& c : calls)
    out.push_back(c.delivery_id);
  return out;
}

template <typename Backend>
class DeliveryWorkerTest : public ::testing::Test {
 protected:
  DeliveryWorkerTest() : clock_(start_time()) {}

  static core::TimePoint start_time() {
    core::TimePoint t;
    core::parse_rfc3339("2026-03-01T12:00:00Z", t);
    return t;
  }

  void SetUp() override {
    std::string reason;
    url_ = backend_.create(reason);
    if (url_.empty()) {
      if (storage::testing::running_in_ci())
        FAIL() << Backend::kName << " backend required under CI=true: " << reason;
      GTEST_SKIP() << Backend::kName << " backend not available: " << reason;
    }
    db_ = open().value();
    ASSERT_OK(db_->migrate());
    storage::NewUser u;
    u.actor.handle = "alice";
    u.actor.ap_id = "https://local.test/users/alice";
    u.actor.inbox_url = u.actor.ap_id + "/inbox";
    u.actor.public_key_id = u.actor.ap_id + "#main-key";
    u.actor.public_key_pem = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n";
    u.actor.private_key_pem = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";
    u.password_hash = "x";
    actor_ = db_->transact([&](Tx& t) { return t.users().create(u); }).value().actor.id;
  }

  core::Result<std::unique_ptr<storage::Database>> open() {
    storage::DatabaseOptions o;
    o.pool_size = 4;
    o.busy_timeout = 10s;
    o.acquire_timeout = 10s;
    o.clock = &clock_;
    return storage::open_database(url_, o);
  }

  DeliveryOptions options(const std::string& owner = "worker-1") {
    DeliveryOptions o;
    o.owner = owner;
    o.seed = 42;
    o.poll_interval = 30s;  // tests wake the worker explicitly
    o.drain_timeout = 5s;
    return o;
  }

  storage::EnqueueResult enqueue(const std::string& name, const std::vector<std::string>& inboxes) {
    return db_
        ->transact([&](Tx& t) {
          return t.delivery_queue().enqueue(
              {.ap_id = "https://local.test/activities/" + name,
               .actor_id = actor_,
               .payload =
                   R"({"type":"Create","id":"https://local.test/activities/)" + name + "\"}"},
              inboxes);
        })
        .value();
  }

  // Wakes the worker and waits until it has nothing left to do at the current clock time.
  static void settle(DeliveryWorker& w) {
    w.notify();
    ASSERT_TRUE(w.wait_idle(30s)) << "worker did not go idle";
  }
  void advance(std::chrono::system_clock::duration d, DeliveryWorker& w) {
    clock_.advance(d);
    settle(w);
  }

  storage::Delivery delivery(Id id) {
    return db_->read([&](Tx& t) { return t.delivery_queue().get(id); }).value();
  }
  storage::QueueDepth depth() {
    return db_->read([&](Tx& t) { return t.delivery_queue().depth(clock_.now()); }).value();
  }

  Backend backend_;
  std::string url_;
  core::ManualClock clock_;
  std::unique_ptr<storage::Database> db_;
  Id actor_ = 0;
};

TYPED_TEST_SUITE_P(DeliveryWorkerTest);

TYPED_TEST_P(DeliveryWorkerTest, DeliversEachDistinctInboxOnce) {
  FakeNetwork net;
  DeliveryWorker worker(*this->db_, net, this->clock_, this->options());
  worker.start();
  auto queued = this->enqueue("1", {"https://a.test/inbox", "https://b.test/users/x/inbox",
                                    "https://a.test/inbox", "https://c.test/inbox"});
  EXPECT_EQ(queued.deliveries, 3u);
  this->settle(worker);
  EXPECT_EQ(net.calls().size(), 3u);
  EXPECT_EQ(net.delivered_total(), 3u);
  EXPECT_EQ(this->depth().pending, 0);
  const auto stats = worker.stats();
  EXPECT_EQ(stats.delivered, 3u);
  EXPECT_EQ(stats.in_flight, 0u);
  EXPECT_EQ(stats.database_errors, 0u) << stats.last_database_error;
  // The transport gets what it needs to sign without touching the database.
  EXPECT_TRUE(net.calls().front().activity_id == queued.activity.id);
}

TYPED_TEST_P(DeliveryWorkerTest, RolledBackChangeDeliversNothing) {
  FakeNetwork net;
  DeliveryWorker worker(*this->db_, net, this->clock_, this->options());
  worker.start();
  auto r = this->db_->transact([&](Tx& t) -> core::Result<void> {
    auto q = t.delivery_queue().enqueue(
        {.ap_id = "https://local.test/activities/x", .actor_id = this->actor_, .payload = "{}"},
        {"https://a.test/inbox"});
    if (!q.ok())
      return q.error();
    return core::Error::conflict("the change that caused it failed");
  });
  ASSERT_FALSE(r.ok());
  this->settle(worker);
  EXPECT_TRUE(net.calls().empty());
  EXPECT_EQ(this->depth().pending, 0);
}

TYPED_TEST_P(DeliveryWorkerTest, PerHostFifoUnderConcurrency) {
  FakeNetwork net(/*asynchronous=*/true);
  auto o = this->options();
  o.max_in_flight_per_host = 8;
  o.max_in_flight = 20;
  o.claim_batch = 16;
  DeliveryWorker worker(*this->db_, net, this->clock_, o);
  worker.start();
  const std::vector<std::string> hosts{"a.test", "b.test", "c.test"};
  std::vector<Id> activities;
  for (int i = 0; i < 60; ++i) {
    activities.push_back(
        this->enqueue(std::to_string(i),
                      {"https://a.test/inbox", "https://b.test/inbox", "https://c.test/inbox"})
            .activity.id);
    if (i % 7 == 0)
      worker.notify();  // deliveries start while later activities are still being enqueued
  }
  ASSERT_TRUE(net.wait_until([&] { return net.delivered_.size() == 180; }));
  this->settle(worker);
  for (const auto& host : hosts) {
    const auto calls = net.calls_to(host);
    ASSERT_EQ(calls.size(), 60u) << host;
    std::vector<Id> order;
    for (const auto& c : calls)
      order.push_back(c.activity_id);
    EXPECT_EQ(order, activities) << host << ": dispatched out of enqueue order";
    EXPECT_LE(net.max_outstanding(host), 8u) << host;
    EXPECT_GT(net.max_outstanding(host), 1u) << host << ": no pipelining happened";
  }
  for (const auto& [id, n] : net.delivered())
    EXPECT_EQ(n, 1) << id;
  EXPECT_EQ(this->depth().pending, 0);
}

TYPED_TEST_P(DeliveryWorkerTest, RetriesFollowTheSchedule) {
  FakeNetwork net;
  auto o = this->options();
  o.retry.jitter = 0;  // exact boundaries
  DeliveryWorker worker(*this->db_, net, this->clock_, o);
  worker.start();
  net.answer("down.test", DeliveryOutcome::from_status(503));
  const Id id = this->enqueue("1", {"https://down.test/inbox"}).activity.id;
  this->settle(worker);
  ASSERT_EQ(net.calls().size(), 1u);
  // Walk the first eight waits of the default table: never early, exactly on time.
  const std::vector<std::chrono::seconds> waits(o.retry.delays.begin(), o.retry.delays.begin() + 8);
  for (std::size_t k = 0; k < waits.size(); ++k) {
    this->advance(waits[k] - 1s, worker);
    EXPECT_EQ(net.calls().size(), k + 1) << "retried before wait " << k + 1;
    this->advance(1s, worker);
    EXPECT_EQ(net.calls().size(), k + 2) << "not retried after wait " << k + 1;
  }
  auto rows = this->db_->read([&](Tx& t) { return t.delivery_queue().list_for_activity(id); });
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().attempts, 9);
  EXPECT_EQ(rows->front().last_status, 503);
  EXPECT_EQ(rows->front().last_error, "HTTP 503");
  for (std::size_t i = 0; i < net.calls().size(); ++i)
    EXPECT_EQ(net.calls()[i].attempts, static_cast<int>(i));
  // The peer recovers: the next retry delivers and nothing is left.
  net.answer("down.test", DeliveryOutcome::delivered());
  this->advance(o.retry.delays[8], worker);
  EXPECT_EQ(net.delivered_total(), 1u);
  EXPECT_EQ(this->depth().pending, 0);
}

TYPED_TEST_P(DeliveryWorkerTest, GivesUpAfterTheLastAttempt) {
  FakeNetwork net;
  auto o = this->options();
  o.retry = {.delays = {1s, 2s}, .jitter = 0};
  DeliveryWorker worker(*this->db_, net, this->clock_, o);
  worker.start();
  net.answer("down.test", DeliveryOutcome::transient_error("connection refused"));
  const Id activity = this->enqueue("1", {"https://down.test/inbox"}).activity.id;
  this->settle(worker);
  this->advance(1s, worker);
  this->advance(2s, worker);
  this->advance(1h, worker);
  EXPECT_EQ(net.calls().size(), 3u);
  auto rows =
      this->db_->read([&](Tx& t) { return t.delivery_queue().list_for_activity(activity); });
  ASSERT_OK(rows);
  EXPECT_EQ(rows->front().state, storage::DeliveryState::failed);
  EXPECT_EQ(rows->front().last_error, "gave up after 3 attempts: connection refused");
  EXPECT_EQ(worker.stats().given_up, 1u);
}

TYPED_TEST_P(DeliveryWorkerTest, PermanentFailuresAreNotRetried) {
  FakeNetwork net;
  DeliveryWorker worker(*this->db_, net, this->clock_, this->options());
  worker.start();
  net.answer("gone.test", DeliveryOutcome::from_status(410));
  net.answer("refused.test", DeliveryOutcome::permanent_error("address refused by policy"));
  const Id activity =
      this->enqueue("1", {"https://gone.test/inbox", "https://refused.test/inbox"}).activity.id;
  this->settle(worker);
  this->advance(24h, worker);
  this->advance(24h * 6, worker);
  EXPECT_EQ(net.calls().size(), 2u);
  auto rows =
      this->db_->read([&](Tx& t) { return t.delivery_queue().list_for_activity(activity); });
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 2u);
  for (const auto& d : *rows) {
    EXPECT_EQ(d.state, storage::DeliveryState::failed) << d.inbox_url;
    EXPECT_EQ(d.attempts, 1);
  }
  EXPECT_EQ(rows->front().last_status, 410);
  EXPECT_EQ(worker.stats().failed_permanently, 2u);
  // A 4xx is an answer: the peer is up, its circuit stays closed.
  auto peer = this->db_->read([](Tx& t) { return t.delivery_queue().get_peer("gone.test"); });
  ASSERT_OK(peer);
  EXPECT_EQ(peer->consecutive_failures, 0);
}

TYPED_TEST_P(DeliveryWorkerTest, TooManyRequestsHonoursRetryAfter) {
  FakeNetwork net;
  auto o = this->options();
  o.retry.jitter = 0;
  DeliveryWorker worker(*this->db_, net, this->clock_, o);
  worker.start();
  net.answer("busy.test", DeliveryOutcome::from_status(429, 600s));
  this->enqueue("1", {"https://busy.test/inbox"});
  this->settle(worker);
  ASSERT_EQ(net.calls().size(), 1u);
  net.answer("busy.test", DeliveryOutcome::delivered());
  this->advance(30s, worker);  // the schedule alone would retry now
  EXPECT_EQ(net.calls().size(), 1u);
  this->advance(569s, worker);
  EXPECT_EQ(net.calls().size(), 1u);
  this->advance(1s, worker);
  EXPECT_EQ(net.calls().size(), 2u);
  EXPECT_EQ(net.delivered_total(), 1u);
}

TYPED_TEST_P(DeliveryWorkerTest, FailingHostNeverDelaysHealthyOnes) {
  FakeNetwork net;
  auto o = this->options();
  o.circuit = {.failure_threshold = 3, .base_cooldown = 1min, .max_cooldown = 10min};
  o.max_in_flight_per_host = 4;
  DeliveryWorker worker(*this->db_, net, this->clock_, o);
  worker.start();
  net.answer("dead.test", DeliveryOutcome::transient_error("connect timeout"));
  for (int i = 0; i < 40; ++i)
    this->enqueue(std::to_string(i), {"https://dead.test/inbox", "https://ok.test/inbox"});
  this->settle(worker);
  EXPECT_EQ(net.calls_to("ok.test").size(), 40u);
  EXPECT_EQ(net.delivered_total(), 40u);
  // The dead host got its first window of requests, then one probe at a time; its circuit opened.
  EXPECT_LE(net.calls_to("dead.test").size(), 4u);
  auto peer = this->db_->read([](Tx& t) { return t.delivery_queue().get_peer("dead.test"); });
  ASSERT_OK(peer);
  EXPECT_GE(peer->consecutive_failures, 3);
  ASSERT_TRUE(peer->circuit_open_until.has_value());
  // More healthy traffic while the circuit is open: delivered at once, the dead host untouched.
  const auto dead_calls = net.calls_to("dead.test").size();
  for (int i = 40; i < 60; ++i)
    this->enqueue(std::to_string(i), {"https://dead.test/inbox", "https://ok.test/inbox"});
  this->settle(worker);
  EXPECT_EQ(net.calls_to("ok.test").size(), 60u);
  EXPECT_EQ(net.calls_to("dead.test").size(), dead_calls);
  const auto d = this->depth();
  EXPECT_EQ(d.pending, 60);  // the dead host's backlog is kept
  ASSERT_EQ(d.hosts.size(), 1u);
  EXPECT_EQ(d.hosts.front().host, "dead.test");
}

TYPED_TEST_P(DeliveryWorkerTest, BlackHoledHostNeverDelaysHealthyOnes) {
  FakeNetwork net;
  auto o = this->options();
  o.max_in_flight_per_host = 4;
  o.max_in_flight = 16;
  DeliveryWorker worker(*this->db_, net, this->clock_, o);
  worker.start();
  net.black_hole("slow.test");
  for (int i = 0; i < 30; ++i)
    this->enqueue(std::to_string(i), {"https://slow.test/inbox", "https://ok.test/inbox"});
  worker.notify();
  ASSERT_TRUE(net.wait_until([&] { return net.delivered_.size() == 30; }));
  EXPECT_EQ(net.held_count(), 4u);  // the per-host limit, and nothing more
  EXPECT_EQ(net.calls_to("slow.test").size(), 4u);
  // The requests time out: failures recorded, the rest of its backlog waits its turn.
  net.release_held(DeliveryOutcome::transient_error("timeout"));
  this->settle(worker);
  EXPECT_EQ(worker.stats().retries_scheduled, 4u);
}

TYPED_TEST_P(DeliveryWorkerTest, PeerDownThenUpReceivesEverythingInOrder) {
  FakeNetwork net;
  auto o = this->options();
  o.max_in_flight_per_host = 4;
  o.circuit = {.failure_threshold = 5, .base_cooldown = 1min, .max_cooldown = 30min};
  DeliveryWorker worker(*this->db_, net, this->clock_, o);
  worker.start();
  net.answer("peer.test", DeliveryOutcome::from_status(502));
  std::vector<Id> produced;
  // Six hours of outage with activities produced all along.
  for (int i = 0; i < 50; ++i) {
    produced.push_back(this->enqueue(std::to_string(i), {"https://peer.test/inbox"}).activity.id);
    this->advance(7min, worker);
  }
  const auto during = net.calls_to("peer.test").size();
  EXPECT_LT(during, 30u) << "a down peer must be probed, not hammered";
  EXPECT_EQ(net.delivered_total(), 0u);
  net.answer("peer.test", DeliveryOutcome::delivered());
  // Recovery: within the current retry gap everything arrives, in production order.
  for (int i = 0; i < 12 && net.delivered_total() < 50; ++i)
    this->advance(1h, worker);
  EXPECT_EQ(net.delivered_total(), 50u);
  std::vector<Id> received;
  for (const auto& c : net.calls_to("peer.test"))
    if (c.result == DeliveryResult::delivered)
      received.push_back(c.activity_id);
  EXPECT_EQ(received, produced);
  EXPECT_EQ(this->depth().pending, 0);
  auto peer = this->db_->read([](Tx& t) { return t.delivery_queue().get_peer("peer.test"); });
  ASSERT_OK(peer);
  EXPECT_EQ(peer->consecutive_failures, 0);
  EXPECT_FALSE(peer->circuit_open_until.has_value());
}

TYPED_TEST_P(DeliveryWorkerTest, ExactlyOnceBetweenTwoWorkers) {
  // Two workers with their own database handles (as two processes sharing the database).
  auto second_db = this->open();
  ASSERT_OK(second_db);
  FakeNetwork net(/*asynchronous=*/true);
  auto o1 = this->options("worker-1");
  auto o2 = this->options("worker-2");
  o1.max_in_flight_per_host = o2.max_in_flight_per_host = 8;
  o1.claim_batch = o2.claim_batch = 16;
  o1.max_in_flight = 20;
  DeliveryWorker w1(*this->db_, net, this->clock_, o1);
  DeliveryWorker w2(**second_db, net, this->clock_, o2);
  std::vector<std::string> inboxes;
  for (int h = 0; h < 5; ++h)
    inboxes.push_back("https://h" + std::to_string(h) + ".test/inbox");
  for (int i = 0; i < 100; ++i)
    this->enqueue(std::to_string(i), inboxes);
  // Both take part for sure: the first holds 20 requests (its own limit) when the second starts.
  for (const auto& inbox : inboxes)
    net.black_hole(*storage::inbox_host(inbox));
  w1.start();
  w1.notify();
  ASSERT_TRUE(net.wait_until([&] { return net.held_count() == 20; }));
  w2.start();
  w2.notify();
  ASSERT_TRUE(net.wait_until([&] { return net.held_count() == 40; }));
  for (const auto& inbox : inboxes)
    net.answer(*storage::inbox_host(inbox), DeliveryOutcome::delivered());
  net.release_held(DeliveryOutcome::delivered());
  ASSERT_TRUE(net.wait_until([&] { return net.delivered_.size() == 500; }, 60s))
      << net.delivered_.size();
  this->settle(w1);
  this->settle(w2);
  const auto delivered = net.delivered();
  ASSERT_EQ(delivered.size(), 500u);
  for (const auto& [id, n] : delivered)
    EXPECT_EQ(n, 1) << "delivery " << id << " sent " << n << " times";
  EXPECT_EQ(net.calls().size(), 500u);
  EXPECT_EQ(w1.stats().delivered + w2.stats().delivered, 500u);
  EXPECT_GT(w1.stats().delivered, 0u) << w1.stats().last_database_error;
  EXPECT_GT(w2.stats().delivered, 0u) << w2.stats().last_database_error;
  EXPECT_EQ(w1.stats().database_errors + w2.stats().database_errors, 0u);
  EXPECT_EQ(this->depth().pending, 0);
}

TYPED_TEST_P(DeliveryWorkerTest, CrashedWorkersLeaseRunsOutThenAnotherDelivers) {
  this->enqueue("1", {"https://a.test/inbox"});
  this->enqueue("2", {"https://a.test/inbox"});
  // A process claimed them and was SIGKILLed: the rows are leased to an owner that is gone.
  auto claimed = this->db_->transact([&](Tx& t) {
    return t.delivery_queue().claim(
        {.owner = "killed", .now = this->clock_.now(), .lease = std::chrono::minutes(5)});
  });
  ASSERT_OK(claimed);
  ASSERT_EQ(claimed->size(), 2u);
  FakeNetwork net;
  DeliveryWorker worker(*this->db_, net, this->clock_, this->options());
  worker.start();
  this->settle(worker);
  EXPECT_TRUE(net.calls().empty());
  this->advance(4min, worker);
  EXPECT_TRUE(net.calls().empty());
  this->advance(1min, worker);
  ASSERT_EQ(net.calls().size(), 2u);
  EXPECT_EQ(net.calls()[0].delivery_id, (*claimed)[0].id);
  EXPECT_EQ(net.calls()[1].delivery_id, (*claimed)[1].id);
  EXPECT_EQ(this->depth().pending, 0);
}

TYPED_TEST_P(DeliveryWorkerTest, CleanStopHandsLeasesBack) {
  FakeNetwork net;
  net.black_hole("a.test");
  for (int i = 0; i < 3; ++i)
    this->enqueue(std::to_string(i), {"https://a.test/inbox"});
  {
    auto o = this->options("stopping");
    o.drain_timeout = 0ms;
    DeliveryWorker first(*this->db_, net, this->clock_, o);
    first.start();
    first.notify();
    ASSERT_TRUE(net.wait_until([&] { return net.calls().size() == 3; }));
    first.stop();
  }
  // The stopped worker's requests finish late: ignored, nothing breaks.
  net.release_held(DeliveryOutcome::delivered());
  net.answer("a.test", DeliveryOutcome::delivered());
  FakeNetwork fresh;
  DeliveryWorker second(*this->db_, fresh, this->clock_, this->options("next"));
  second.start();
  this->settle(second);  // no clock change needed: the leases were handed back
  EXPECT_EQ(fresh.calls().size(), 3u);
  EXPECT_EQ(this->depth().pending, 0);
}

TYPED_TEST_P(DeliveryWorkerTest, DeadPeersBacklogIsKeptForTheRetentionWindow) {
  FakeNetwork net;
  auto o = this->options();
  o.retention = std::chrono::hours(24 * 7);
  DeliveryWorker worker(*this->db_, net, this->clock_, o);
  worker.start();
  net.answer("dead.test", DeliveryOutcome::transient_error("connection refused"));
  for (int i = 0; i < 5; ++i)
    this->enqueue(std::to_string(i), {"https://dead.test/inbox"});
  this->settle(worker);
  for (int day = 1; day <= 6; ++day)
    this->advance(24h, worker);
  EXPECT_EQ(this->depth().pending, 5) << "kept for days";
  this->advance(25h, worker);
  EXPECT_EQ(this->depth().pending, 0);
  EXPECT_EQ(worker.stats().expired + worker.stats().given_up, 5u);
}

TYPED_TEST_P(DeliveryWorkerTest, PeerSeenAliveRetriesItsBacklogNow) {
  FakeNetwork net;
  DeliveryWorker worker(*this->db_, net, this->clock_, this->options());
  worker.start();
  net.answer("peer.test", DeliveryOutcome::from_status(503));
  this->enqueue("1", {"https://peer.test/inbox"});
  this->settle(worker);
  for (int i = 0; i < 10; ++i)
    this->advance(3h, worker);
  const auto before = net.calls().size();
  net.answer("peer.test", DeliveryOutcome::delivered());
  // A healthy peer seen alive changes nothing.
  worker.peer_alive("other.test");
  this->settle(worker);
  EXPECT_EQ(net.calls().size(), before);
  EXPECT_EQ(worker.stats().peers_revived, 0u);
  // The inbox just verified a signed request from peer.test: it is up, its backlog is due now
  // (without moving the clock past its backoff).
  worker.peer_alive("peer.test");
  this->settle(worker);
  EXPECT_EQ(net.calls().size(), before + 1);
  EXPECT_EQ(net.delivered_total(), 1u);
  EXPECT_EQ(worker.stats().peers_revived, 1u);
}

TYPED_TEST_P(DeliveryWorkerTest, FanOutToAThousandInboxes) {
  std::vector<std::string> inboxes;
  for (int i = 0; i < 1000; ++i)
    inboxes.push_back("https://peer" + std::to_string(i) + ".test/inbox");
  for (int i = 0; i < 1000; i += 5)
    inboxes.push_back("https://peer" + std::to_string(i) + ".test/inbox");  // shared inboxes
  const auto t0 = std::chrono::steady_clock::now();
  auto queued = this->db_->transact([&](Tx& t) -> core::Result<storage::EnqueueResult> {
    // The change and its fan-out in one transaction.
    auto post = t.inbox_log().record_received("https://local.test/stand-in-for-the-change", "x");
    if (!post.ok())
      return post.error();
    return t.delivery_queue().enqueue({.ap_id = "https://local.test/activities/fanout",
                                       .actor_id = this->actor_,
                                       .payload = std::string(2600, 'x')},
                                      inboxes);
  });
  const auto enqueue_time = std::chrono::steady_clock::now() - t0;
  ASSERT_OK(queued);
  EXPECT_EQ(queued->deliveries, 1000u);
  auto rows = this->db_->read(
      [&](Tx& t) { return t.delivery_queue().list_for_activity(queued->activity.id); });
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1000u);
  std::set<std::string> distinct;
  for (const auto& d : *rows)
    distinct.insert(d.inbox_url);
  EXPECT_EQ(distinct.size(), 1000u);
  EXPECT_TRUE(std::is_sorted(rows->begin(), rows->end(),
                             [](const auto& a, const auto& b) { return a.id < b.id; }));

  FakeNetwork net(/*asynchronous=*/true);
  DeliveryWorker worker(*this->db_, net, this->clock_, this->options());
  const auto t1 = std::chrono::steady_clock::now();
  worker.start();
  worker.notify();
  ASSERT_TRUE(net.wait_until([&] { return net.delivered_.size() == 1000; }, 60s));
  this->settle(worker);
  const auto deliver_time = std::chrono::steady_clock::now() - t1;
  EXPECT_EQ(this->depth().pending, 0);
  using ms = std::chrono::duration<double, std::milli>;
  std::cout << "[ fan-out  ] " << TypeParam::kName << ": enqueue of 1000 inboxes (1200 given) "
            << ms(enqueue_time).count() << " ms; queue drained through a fake transport in "
            << ms(deliver_time).count() << " ms\n";
}

REGISTER_TYPED_TEST_SUITE_P(DeliveryWorkerTest, DeliversEachDistinctInboxOnce,
                            RolledBackChangeDeliversNothing, PerHostFifoUnderConcurrency,
                            RetriesFollowTheSchedule, GivesUpAfterTheLastAttempt,
                            PermanentFailuresAreNotRetried, TooManyRequestsHonoursRetryAfter,
                            FailingHostNeverDelaysHealthyOnes, BlackHoledHostNeverDelaysHealthyOnes,
                            PeerDownThenUpReceivesEverythingInOrder, ExactlyOnceBetweenTwoWorkers,
                            CrashedWorkersLeaseRunsOutThenAnotherDelivers, CleanStopHandsLeasesBack,
                            DeadPeersBacklogIsKeptForTheRetentionWindow,
                            PeerSeenAliveRetriesItsBacklogNow, FanOutToAThousandInboxes);

}  // namespace guildhall::federation::delivery::testing
