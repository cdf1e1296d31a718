// The federation queues (migration 0002), written once against the driver interface like
// repositories.cpp. The only dialect difference is PostgreSQL's FOR UPDATE SKIP LOCKED in the
// claims: with several processes on one PostgreSQL database two claimers never lease the same
// row, while SQLite's single writer (BEGIN IMMEDIATE) already makes a claim atomic.

#include <algorithm>
#include <set>

#include "federation_queue_impl.hpp"
#include "repo_context.hpp"

namespace guildhall::storage {

std::string_view to_string(InboxState v) noexcept {
  switch (v) {
    case InboxState::pending:
      return "pending";
    case InboxState::done:
      return "done";
    case InboxState::failed:
      return "failed";
  }
  return "pending";
}

bool parse(std::string_view t, InboxState& out) noexcept {
  if (t == "pending")
    out = InboxState::pending;
  else if (t == "done")
    out = InboxState::done;
  else if (t == "failed")
    out = InboxState::failed;
  else
    return false;
  return true;
}

std::string_view to_string(DeliveryState v) noexcept {
  return v == DeliveryState::failed ? "failed" : "pending";
}

bool parse(std::string_view t, DeliveryState& out) noexcept {
  if (t == "pending")
    out = DeliveryState::pending;
  else if (t == "failed")
    out = DeliveryState::failed;
  else
    return false;
  return true;
}

std::optional<std::string> inbox_host(std::string_view url) {
  const auto starts_with_ci = [&](std::string_view prefix) {
    if (url.size() < prefix.size())
      return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      char c = url[i];
      if (c >= 'A' && c <= 'Z')
        c = static_cast<char>(c - 'A' + 'a');
      if (c != prefix[i])
        return false;
    }
    return true;
  };
  std::string_view rest;
  if (starts_with_ci("https://"))
    rest = url.substr(8);
  else if (starts_with_ci("http://"))
    rest = url.substr(7);
  else
    return std::nullopt;
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos)
    authority = authority.substr(at + 1);
  if (authority.empty() || authority.front() == ':')
    return std::nullopt;
  std::string host;
  host.reserve(authority.size());
  for (char c : authority) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return std::nullopt;
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    host += c;
  }
  return host;
}

namespace detail {

namespace {

using driver::Connection;
using driver::Dialect;
using driver::DriverError;
using driver::Param;
using driver::Params;
using driver::Row;
using driver::Rows;

template <typename E>
E enum_column(const Row& row, std::string_view column) {
  E value{};
  if (!parse(row.text(column), value))
    throw DriverError(
        core::Error::internal("storage: unexpected value in column " + std::string(column)));
  return value;
}

std::optional<int> opt_int(const Row& r, std::string_view column) {
  auto v = r.opt_i64(column);
  if (!v)
    return std::nullopt;
  return static_cast<int>(*v);
}

// "$first, $first+1, ..." for an IN list of n parameters.
std::string placeholders(std::size_t first, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0)
      out += ", ";
    out += "$" + std::to_string(first + i);
  }
  return out;
}

// Error texts come from remote peers and transports: cut on a UTF-8 boundary (PostgreSQL rejects
// a split sequence) and without NULs, so recording a failure cannot itself fail.
std::string clean_text(std::string_view s, std::size_t max = 1000) {
  if (s.size() > max) {
    while (max > 0 && (static_cast<unsigned char>(s[max]) & 0xC0) == 0x80)
      --max;
    s = s.substr(0, max);
  }
  std::string out(s);
  std::replace(out.begin(), out.end(), '\0', '?');
  return out;
}

// Parameters per statement stay far below SQLite's 32766 and PostgreSQL's 65535.
constexpr std::size_t kChunk = 250;

InboxActivity inbox_from(const Row& r) {
  InboxActivity a;
  a.id = r.i64("id");
  a.ap_id = r.text("ap_id");
  a.actor = r.text("actor");
  a.signer = r.text("signer");
  a.payload = r.text("payload");
  a.state = enum_column<InboxState>(r, "state");
  a.attempts = static_cast<int>(r.i64("attempts"));
  a.next_attempt_at = r.time("next_attempt_at");
  a.last_error = r.opt_text("last_error");
  a.lease_owner = r.opt_text("lease_owner");
  a.lease_until = r.opt_time("lease_until");
  a.created_at = r.time("created_at");
  a.updated_at = r.time("updated_at");
  return a;
}

OutboxActivity outbox_from(const Row& r) {
  OutboxActivity a;
  a.id = r.i64("id");
  a.ap_id = r.text("ap_id");
  a.actor_id = r.i64("actor_id");
  a.payload = r.text("payload");
  a.created_at = r.time("created_at");
  return a;
}

Delivery delivery_from(const Row& r) {
  Delivery d;
  d.id = r.i64("id");
  d.activity_id = r.i64("activity_id");
  d.inbox_url = r.text("inbox_url");
  d.host = r.text("host");
  d.state = enum_column<DeliveryState>(r, "state");
  d.attempts = static_cast<int>(r.i64("attempts"));
  d.next_attempt_at = r.time("next_attempt_at");
  d.last_error = r.opt_text("last_error");
  d.last_status = opt_int(r, "last_status");
  d.lease_owner = r.opt_text("lease_owner");
  d.lease_until = r.opt_time("lease_until");
  d.created_at = r.time("created_at");
  return d;
}

DeliveryJob job_from(const Row& r) {
  DeliveryJob j;
  j.id = r.i64("id");
  j.activity_id = r.i64("activity_id");
  j.activity_ap_id = r.text("activity_ap_id");
  j.actor_id = r.i64("actor_id");
  j.inbox_url = r.text("inbox_url");
  j.host = r.text("host");
  j.payload = r.text("payload");
  j.attempts = static_cast<int>(r.i64("attempts"));
  j.created_at = r.time("created_at");
  j.lease_until = r.time("lease_until");
  j.key_id = r.opt_text("public_key_id");
  j.private_key_pem = r.opt_text("private_key_pem");
  return j;
}

PeerState peer_from(const Row& r) {
  PeerState p;
  p.host = r.text("host");
  p.consecutive_failures = static_cast<int>(r.i64("consecutive_failures"));
  p.circuit_trips = static_cast<int>(r.i64("circuit_trips"));
  p.circuit_open_until = r.opt_time("circuit_open_until");
  p.last_success_at = r.opt_time("last_success_at");
  p.last_failure_at = r.opt_time("last_failure_at");
  p.last_status = opt_int(r, "last_status");
  p.last_error = r.opt_text("last_error");
  p.recovered_at = r.opt_time("recovered_at");
  return p;
}

// ---------------------------------------------------------------------------------------------
// inbox

class InboxLogRepoImpl final : public InboxLogRepo {
 public:
  explicit InboxLogRepoImpl(RepoContext x) : x_(x) {}

  Result<bool> record_received(std::string_view ap_id, std::string_view actor,
                               std::optional<std::string> payload_hash) override {
    return x_.write([&]() -> Result<bool> { return insert_received(ap_id, actor, payload_hash); });
  }

  Result<bool> was_received(std::string_view ap_id) override {
    return x_.read([&]() -> Result<bool> {
      return !x_.q("SELECT 1 AS one FROM received_activities WHERE ap_id = $1", {ap_id}).empty();
    });
  }

  Result<std::optional<InboxActivity>> accept(const NewInboxActivity& a) override {
    return x_.write([&]() -> Result<std::optional<InboxActivity>> {
      const TimePoint now = x_.now();
      Rows rows;
      if (x_.postgres()) {
        // One round trip instead of two (the inbox's hot path, docs/performance.md run 6): the
        // item is inserted only when the received id was new.
        rows = x_.q(
            "WITH received AS (INSERT INTO received_activities (ap_id, actor, payload_hash, "
            "received_at) VALUES ($2, $3, $7, $6) ON CONFLICT (ap_id) DO NOTHING RETURNING ap_id) "
            "INSERT INTO inbox_activities (id, ap_id, actor, signer, payload, state, attempts, "
            "next_attempt_at, created_at, updated_at) SELECT $1::bigint, $2, $3, $4, $5, "
            "'pending', 0, $6::bigint, $6::bigint, $6::bigint FROM received "
            "ON CONFLICT (ap_id) DO NOTHING RETURNING *",
            {x_.ids.next(), a.ap_id, a.actor, a.signer, a.payload, now, a.payload_hash});
      } else {
        if (!insert_received(a.ap_id, a.actor, a.payload_hash))
          return std::optional<InboxActivity>{};
        // A pending item can outlive its received row (prune keeps pending work): no second item.
        rows = x_.q(
            "INSERT INTO inbox_activities (id, ap_id, actor, signer, payload, state, attempts, "
            "next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'pending', 0, "
            "$6, $6, $6) ON CONFLICT (ap_id) DO NOTHING RETURNING *",
            {x_.ids.next(), a.ap_id, a.actor, a.signer, a.payload, now});
      }
      if (rows.empty())
        return std::optional<InboxActivity>{};
      return std::optional<InboxActivity>(inbox_from(rows.front()));
    });
  }

  Result<std::vector<InboxActivity>> claim(std::string_view owner, TimePoint now, std::size_t limit,
                                           std::chrono::milliseconds lease) override {
    return x_.write([&]() -> Result<std::vector<InboxActivity>> {
      std::string sql =
          "UPDATE inbox_activities SET lease_owner = $1, lease_until = $2, updated_at = $3 "
          "WHERE id IN (SELECT id FROM inbox_activities WHERE state = 'pending' AND "
          "next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until <= $3) ORDER BY id "
          "LIMIT $4";
      sql += x_.postgres() ? " FOR UPDATE SKIP LOCKED) RETURNING *" : ") RETURNING *";
      std::vector<InboxActivity> out;
      for (auto row :
           x_.q(sql, {owner, now + lease, now,
                      static_cast<std::int64_t>(std::clamp<std::size_t>(limit, 1, 1000))}))
        out.push_back(inbox_from(row));
      std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
      return out;
    });
  }

  Result<void> complete(Id id) override {
    return x_.write([&]() -> Result<void> {
      if (x_.q("UPDATE inbox_activities SET state = 'done', lease_owner = NULL, lease_until = "
               "NULL, updated_at = $2 WHERE id = $1 RETURNING id",
               {id, x_.now()})
              .empty())
        return core::Error::not_found("inbox activity not found");
      return {};
    });
  }

  Result<void> fail(Id id, std::string_view error, std::optional<TimePoint> retry_at) override {
    return x_.write([&]() -> Result<void> {
      Rows rows;
      if (retry_at)
        rows = x_.q(
            "UPDATE inbox_activities SET attempts = attempts + 1, last_error = $2, "
            "next_attempt_at = $3, lease_owner = NULL, lease_until = NULL, updated_at = $4 "
            "WHERE id = $1 AND state = 'pending' RETURNING id",
            {id, clean_text(error), *retry_at, x_.now()});
      else
        rows = x_.q(
            "UPDATE inbox_activities SET state = 'failed', attempts = attempts + 1, last_error = "
            "$2, lease_owner = NULL, lease_until = NULL, updated_at = $3 WHERE id = $1 AND state "
            "= 'pending' RETURNING id",
            {id, clean_text(error), x_.now()});
      if (rows.empty())
        return core::Error::not_found("pending inbox activity not found");
      return {};
    });
  }

  Result<InboxActivity> get(Id id) override {
    return x_.read([&]() -> Result<InboxActivity> {
      auto rows = x_.q("SELECT * FROM inbox_activities WHERE id = $1", {id});
      if (rows.empty())
        return core::Error::not_found("inbox activity not found");
      return inbox_from(rows.front());
    });
  }

  Result<std::int64_t> count_pending() override {
    return x_.read([&]() -> Result<std::int64_t> {
      return x_.q("SELECT count(*) AS n FROM inbox_activities WHERE state = 'pending'")
          .front()
          .i64("n");
    });
  }

  Result<std::int64_t> prune(TimePoint before) override {
    return x_.write([&]() -> Result<std::int64_t> {
      const auto received =
          x_.q("DELETE FROM received_activities WHERE received_at < $1 RETURNING ap_id", {before})
              .size();
      const auto finished = x_.q("DELETE FROM inbox_activities WHERE state <> 'pending' AND "
                                 "updated_at < $1 RETURNING id",
                                 {before})
                                .size();
      return static_cast<std::int64_t>(received + finished);
    });
  }

 private:
  bool insert_received(std::string_view ap_id, std::string_view actor,
                       const std::optional<std::string>& payload_hash) {
    return !x_.q("INSERT INTO received_activities (ap_id, actor, payload_hash, received_at) "
                 "VALUES ($1, $2, $3, $4) ON CONFLICT (ap_id) DO NOTHING RETURNING ap_id",
                 {ap_id, actor, payload_hash, x_.now()})
                .empty();
  }

  RepoContext x_;
};

// ---------------------------------------------------------------------------------------------
// outbox and deliveries

// Per host, the due rows before the host's first not-yet-due row (FIFO: a row waiting for its
// retry holds back the rest), skipping hosts whose circuit is open, ranked in id order; a host may
// have per_host_limit rows leased at once (every owner's count), or 1 during a failure streak.
// $1 now, $2 per-host limit, $3 limit, $4 owner, $5 lease_until.
constexpr std::string_view kClaimCandidates = R"sql(
WITH waiting AS (
  SELECT host, min(id) AS stop_id FROM deliveries
  WHERE state = 'pending' AND next_attempt_at > $1 GROUP BY host),
backlog AS (
  SELECT d.host FROM deliveries d JOIN peers p ON p.host = d.host
  WHERE d.state = 'pending' AND p.recovered_at IS NOT NULL AND d.created_at < p.recovered_at
  GROUP BY d.host),
busy AS (
  SELECT host, count(*) AS n FROM deliveries
  WHERE state = 'pending' AND lease_until > $1 GROUP BY host),
ranked AS (
  SELECT d.id, d.host, row_number() OVER (PARTITION BY d.host ORDER BY d.id) AS rn
  FROM deliveries d LEFT JOIN waiting w ON w.host = d.host
  WHERE d.state = 'pending' AND d.next_attempt_at <= $1
    AND (d.lease_until IS NULL OR d.lease_until <= $1)
    AND (w.stop_id IS NULL OR d.id < w.stop_id)
    AND d.host NOT IN (SELECT host FROM peers WHERE circuit_open_until > $1)),
candidates AS (
  SELECT r.id FROM ranked r
  LEFT JOIN busy b ON b.host = r.host
  LEFT JOIN peers p ON p.host = r.host
  WHERE r.rn + coalesce(b.n, 0) <=
        CASE WHEN coalesce(p.consecutive_failures, 0) > 0
                  OR r.host IN (SELECT host FROM backlog) THEN 1 ELSE $2 END
  ORDER BY r.id LIMIT $3)
UPDATE deliveries SET lease_owner = $4, lease_until = $5
WHERE id IN (SELECT d.id FROM deliveries d JOIN candidates c ON c.id = d.id
             WHERE d.state = 'pending' AND (d.lease_until IS NULL OR d.lease_until <= $1))sql";

class DeliveryQueueRepoImpl final : public DeliveryQueueRepo {
 public:
  explicit DeliveryQueueRepoImpl(RepoContext x) : x_(x) {}

  Result<EnqueueResult> enqueue(const NewOutboxActivity& activity,
                                const std::vector<std::string>& inbox_urls) override {
    return x_.write([&]() -> Result<EnqueueResult> {
      if (activity.ap_id.empty())
        return core::Error::invalid_input("the activity needs an id");
      // Distinct inboxes in the order given (followers sharing an inbox appear once).
      std::vector<std::pair<const std::string*, std::string>> targets;
      std::set<std::string_view> seen;
      targets.reserve(inbox_urls.size());
      for (const auto& url : inbox_urls) {
        if (!seen.insert(url).second)
          continue;
        auto host = inbox_host(url);
        if (!host)
          return core::Error::invalid_input("not an http(s) inbox URL: " + clean_text(url, 200));
        targets.emplace_back(&url, std::move(*host));
      }

      const TimePoint now = x_.now();
      EnqueueResult out;
      try {
        out.activity = outbox_from(
            x_.q("INSERT INTO outbox_activities (id, ap_id, actor_id, payload, created_at) "
                 "VALUES ($1, $2, $3, $4, $5) RETURNING *",
                 {activity.id ? *activity.id : x_.ids.next(), activity.ap_id, activity.actor_id,
                  activity.payload, now})
                .front());
      } catch (const DriverError& e) {
        if (e.error().kind == core::ErrorKind::already_exists)
          return core::Error::already_exists("this activity is already queued");
        if (e.error().kind == core::ErrorKind::invalid_input)
          return core::Error::invalid_input("the activity's actor does not exist");
        throw;
      }

      // Multi-row INSERTs (performance-limits row 14: never a statement per row).
      for (std::size_t start = 0; start < targets.size(); start += kChunk) {
        const std::size_t end = std::min(targets.size(), start + kChunk);
        std::string sql =
            "INSERT INTO deliveries (id, activity_id, inbox_url, host, next_attempt_at, "
            "created_at) VALUES ";
        Params params{out.activity.id, now};
        params.reserve(2 + 3 * (end - start));
        for (std::size_t i = start; i < end; ++i) {
          const std::size_t p = params.size() + 1;
          if (i > start)
            sql += ", ";
          sql += "($" + std::to_string(p) + ", $1, $" + std::to_string(p + 1) + ", $" +
                 std::to_string(p + 2) + ", $2, $2)";
          params.emplace_back(x_.ids.next());  // increasing: the FIFO order
          params.emplace_back(*targets[i].first);
          params.emplace_back(targets[i].second);
        }
        x_.q(sql, params);
      }
      out.deliveries = targets.size();
      return out;
    });
  }

  Result<OutboxActivity> get_activity(Id id) override {
    return x_.read([&]() -> Result<OutboxActivity> {
      auto rows = x_.q("SELECT * FROM outbox_activities WHERE id = $1", {id});
      if (rows.empty())
        return core::Error::not_found("activity not found");
      return outbox_from(rows.front());
    });
  }

  Result<std::vector<DeliveryJob>> claim(const ClaimRequest& r) override {
    return x_.write([&]() -> Result<std::vector<DeliveryJob>> {
      if (r.owner.empty())
        return core::Error::invalid_input("a claim needs an owner");
      std::string sql(kClaimCandidates);
      // SKIP LOCKED: a row another claimer is leasing right now is left to it, not waited for.
      sql += x_.postgres() ? "\n             FOR UPDATE OF d SKIP LOCKED) RETURNING id"
                           : ") RETURNING id";
      const auto limit = static_cast<std::int64_t>(std::clamp<std::size_t>(r.limit, 1, 1000));
      const auto per_host =
          static_cast<std::int64_t>(std::clamp<std::size_t>(r.per_host_limit, 1, 1000));
      auto claimed = x_.q(sql, {r.now, per_host, limit, r.owner, r.now + r.lease});
      std::vector<DeliveryJob> out;
      if (claimed.empty())
        return out;
      Params ids;
      for (auto row : claimed)
        ids.emplace_back(row.i64("id"));
      const std::string fetch =
          "SELECT d.id, d.activity_id, d.inbox_url, d.host, d.attempts, d.created_at, "
          "d.lease_until, a.ap_id AS activity_ap_id, a.actor_id, a.payload, ac.public_key_id, "
          "ac.private_key_pem FROM deliveries d JOIN outbox_activities a ON a.id = d.activity_id "
          "LEFT JOIN actors ac ON ac.id = a.actor_id WHERE d.id IN (" +
          placeholders(1, ids.size()) + ") ORDER BY d.id";
      for (auto row : x_.q(fetch, ids))
        out.push_back(job_from(row));
      return out;
    });
  }

  Result<std::size_t> complete(const std::vector<Id>& ids) override {
    return x_.write([&]() -> Result<std::size_t> {
      std::size_t deleted = 0;
      for (std::size_t start = 0; start < ids.size(); start += kChunk) {
        const std::size_t end = std::min(ids.size(), start + kChunk);
        Params params(ids.begin() + static_cast<std::ptrdiff_t>(start),
                      ids.begin() + static_cast<std::ptrdiff_t>(end));
        deleted += x_.q("DELETE FROM deliveries WHERE id IN (" + placeholders(1, params.size()) +
                            ") RETURNING id",
                        params)
                       .size();
      }
      return deleted;
    });
  }

  Result<bool> fail(const DeliveryFailure& f) override {
    return x_.write([&]() -> Result<bool> {
      const char* sql =
          f.permanent
              ? "UPDATE deliveries SET state = 'failed', attempts = attempts + 1, last_error = $2, "
                "last_status = $3, lease_owner = NULL, lease_until = NULL WHERE id = $1 AND "
                "state = 'pending' AND lease_owner = $4 RETURNING id"
              : "UPDATE deliveries SET attempts = attempts + 1, last_error = $2, last_status = "
                "$3, next_attempt_at = $5, lease_owner = NULL, lease_until = NULL WHERE id = $1 "
                "AND state = 'pending' AND lease_owner = $4 RETURNING id";
      Params params{f.id, clean_text(f.error), f.status, f.owner};
      if (!f.permanent)
        params.emplace_back(f.next_attempt_at);
      return !x_.q(sql, params).empty();
    });
  }

  Result<std::size_t> release(std::string_view owner) override {
    return x_.write([&]() -> Result<std::size_t> {
      return x_
          .q("UPDATE deliveries SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1 "
             "AND state = 'pending' RETURNING id",
             {owner})
          .size();
    });
  }

  Result<std::size_t> expire(TimePoint before) override {
    return x_.write([&]() -> Result<std::size_t> {
      return x_
          .q("UPDATE deliveries SET state = 'failed', last_error = 'expired: not delivered within "
             "the retention window', lease_owner = NULL, lease_until = NULL WHERE state = "
             "'pending' AND created_at < $1 RETURNING id",
             {before})
          .size();
    });
  }

  Result<std::size_t> prune(TimePoint before) override {
    return x_.write([&]() -> Result<std::size_t> {
      return x_
          .q("DELETE FROM outbox_activities WHERE created_at < $1 AND NOT EXISTS (SELECT 1 FROM "
             "deliveries d WHERE d.activity_id = outbox_activities.id AND d.state = 'pending') "
             "RETURNING id",
             {before})
          .size();
    });
  }

  Result<Delivery> get(Id id) override {
    return x_.read([&]() -> Result<Delivery> {
      auto rows = x_.q("SELECT * FROM deliveries WHERE id = $1", {id});
      if (rows.empty())
        return core::Error::not_found("delivery not found");
      return delivery_from(rows.front());
    });
  }

  Result<std::vector<Delivery>> list_for_activity(Id activity_id) override {
    return x_.read([&]() -> Result<std::vector<Delivery>> {
      std::vector<Delivery> out;
      for (auto row :
           x_.q("SELECT * FROM deliveries WHERE activity_id = $1 ORDER BY id", {activity_id}))
        out.push_back(delivery_from(row));
      return out;
    });
  }

  Result<QueueDepth> depth(TimePoint now) override {
    return x_.read([&]() -> Result<QueueDepth> {
      QueueDepth d;
      auto totals = x_.q(
          "SELECT coalesce(sum(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), 0) AS pending, "
          "coalesce(sum(CASE WHEN state = 'pending' AND lease_until > $1 THEN 1 ELSE 0 END), 0) "
          "AS leased, coalesce(sum(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), 0) AS failed "
          "FROM deliveries",
          {now});
      d.pending = totals.front().i64("pending");
      d.leased = totals.front().i64("leased");
      d.failed = totals.front().i64("failed");
      // Bounded: per-host state must not grow without limit in a metrics scrape (rule 6).
      for (auto row : x_.q("SELECT host, count(*) AS n FROM deliveries WHERE state = 'pending' "
                           "GROUP BY host ORDER BY n DESC, host LIMIT 1000"))
        d.hosts.push_back({row.text("host"), row.i64("n")});
      return d;
    });
  }

  Result<PeerState> record_success(std::string_view host, TimePoint now) override {
    return x_.write([&]() -> Result<PeerState> {
      auto before = x_.q(
          "SELECT consecutive_failures, circuit_open_until FROM peers WHERE host = $1", {host});
      const bool was_failing = !before.empty() && (before.front().i64("consecutive_failures") > 0 ||
                                                   !before.front().is_null("circuit_open_until"));
      auto rows = x_.q(
          "INSERT INTO peers (host, consecutive_failures, circuit_trips, last_success_at, "
          "updated_at) VALUES ($1, 0, 0, $2, $2) ON CONFLICT (host) DO UPDATE SET "
          "consecutive_failures = 0, circuit_trips = 0, circuit_open_until = NULL, "
          "last_success_at = $2, updated_at = $2 RETURNING *",
          {host, now});
      if (!was_failing)
        return peer_from(rows.front());
      reschedule_host(host, now);
      return peer_from(
          x_.q("UPDATE peers SET recovered_at = $2 WHERE host = $1 RETURNING *", {host, now})
              .front());
    });
  }

  Result<PeerState> record_failure(const PeerFailure& f, const CircuitPolicy& policy) override {
    return x_.write([&]() -> Result<PeerState> {
      // The upsert locks the peer row (PostgreSQL), so concurrent reporters serialize here.
      PeerState p = peer_from(
          x_.q("INSERT INTO peers (host, consecutive_failures, last_failure_at, last_status, "
               "last_error, updated_at) VALUES ($1, $2, $3, $4, $5, $3) ON CONFLICT (host) DO "
               "UPDATE SET consecutive_failures = peers.consecutive_failures + $2, "
               "last_failure_at = $3, last_status = $4, last_error = $5, updated_at = $3 "
               "RETURNING *",
               {f.host, std::max(f.failures, 1), f.now, f.status, clean_text(f.error)})
              .front());
      const bool open = p.circuit_open_until && *p.circuit_open_until > f.now;
      if (p.consecutive_failures < policy.failure_threshold || open)
        return p;
      // Trip (or re-trip after a failed half-open probe) with a doubling cool-down.
      const int trips = p.circuit_trips + 1;
      auto cooldown = policy.base_cooldown;
      for (int i = 1; i < trips && cooldown < policy.max_cooldown; ++i)
        cooldown *= 2;
      cooldown = std::min(cooldown, policy.max_cooldown);
      return peer_from(x_.q("UPDATE peers SET circuit_trips = $2, circuit_open_until = $3 WHERE "
                            "host = $1 RETURNING *",
                            {f.host, trips, f.now + cooldown})
                           .front());
    });
  }

  Result<PeerState> get_peer(std::string_view host) override {
    return x_.read([&]() -> Result<PeerState> {
      auto rows = x_.q("SELECT * FROM peers WHERE host = $1", {host});
      if (rows.empty())
        return core::Error::not_found("peer not known");
      return peer_from(rows.front());
    });
  }

  Result<std::size_t> retry_host_now(std::string_view host, TimePoint now) override {
    return x_.write([&]() -> Result<std::size_t> {
      x_.q(
          "UPDATE peers SET consecutive_failures = 0, circuit_trips = 0, circuit_open_until = "
          "NULL, recovered_at = $2, updated_at = $2 WHERE host = $1",
          {host, now});
      return reschedule_host(host, now);
    });
  }

 private:
  std::size_t reschedule_host(std::string_view host, TimePoint now) {
    return x_
        .q("UPDATE deliveries SET next_attempt_at = $2 WHERE host = $1 AND state = 'pending' AND "
           "next_attempt_at > $2 RETURNING id",
           {host, now})
        .size();
  }

  RepoContext x_;
};

}  // namespace

std::unique_ptr<InboxLogRepo> make_inbox_log_repo(Connection& connection, core::IdGenerator& ids,
                                                  const core::Clock& clock) {
  return std::make_unique<InboxLogRepoImpl>(RepoContext{connection, ids, clock});
}

std::unique_ptr<DeliveryQueueRepo> make_delivery_queue_repo(Connection& connection,
                                                            core::IdGenerator& ids,
                                                            const core::Clock& clock) {
  return std::make_unique<DeliveryQueueRepoImpl>(RepoContext{connection, ids, clock});
}

}  // namespace detail

}  // namespace guildhall::storage
