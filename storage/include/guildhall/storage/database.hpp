#pragma once

// The storage entry point: open a database by URL, migrate it, run units of work.
//
// EVERY CALL BLOCKS on database I/O (SQLite file locks, PostgreSQL round trips). Run them on the
// server's database worker pool, never on an io_context (HTTP) thread.
//
//   auto db = storage::open_database("sqlite:data/guildhall.db", {}).value();
//   db->migrate().value();
//   auto user = db->transact([&](storage::Tx& tx) { return tx.users().create(new_user); });
//
// Errors come back as core::Result; database exceptions never leave this module.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "guildhall/core/clock.hpp"
#include "guildhall/core/id.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/storage/changes.hpp"
#include "guildhall/storage/client_api.hpp"
#include "guildhall/storage/community_content.hpp"
#include "guildhall/storage/community_log.hpp"
#include "guildhall/storage/community_queries.hpp"
#include "guildhall/storage/federation_queue.hpp"
#include "guildhall/storage/media.hpp"
#include "guildhall/storage/model.hpp"
#include "guildhall/storage/repositories.hpp"

namespace guildhall::storage {

enum class Backend { sqlite, postgres };
std::string_view to_string(Backend backend) noexcept;

struct DatabaseOptions {
  // PostgreSQL: the most connections the pool opens. SQLite: reader connections beside the one
  // writer (an in-memory database uses a single connection).
  std::size_t pool_size = 8;
  // SQLite: how long a statement waits for another connection's lock before failing (unavailable).
  std::chrono::milliseconds busy_timeout{5000};
  // PostgreSQL: how long a transaction waits for a free pool connection before failing
  // (unavailable). Also the connect timeout.
  std::chrono::milliseconds acquire_timeout{5000};
  // Timestamps (created_at, ...) and ids. nullptr: the system clock. Must outlive the database.
  const core::Clock* clock = nullptr;
};

struct MigrationInfo {
  int version = 0;
  std::string name;
};

struct AppliedMigration {
  int version = 0;
  std::string name;
  TimePoint applied_at;
};

// One unit of work. Repositories are valid only inside the transact()/read() callback.
class Tx {
 public:
  virtual ~Tx() = default;
  virtual InstanceRepo& instances() = 0;
  virtual InstanceSettingsRepo& instance_settings() = 0;  // what admins edit (migration 0012)
  virtual ActorRepo& actors() = 0;
  virtual UserRepo& users() = 0;
  virtual CommunityRepo& communities() = 0;
  virtual MembershipRepo& memberships() = 0;
  virtual FollowRepo& follows() = 0;
  virtual PostRepo& posts() = 0;
  virtual ReactionRepo& reactions() = 0;
  virtual InboxLogRepo& inbox_log() = 0;
  virtual DeliveryQueueRepo& delivery_queue() = 0;
  virtual CommunityOutboxRepo& community_outbox() = 0;  // hosted communities (community_log.hpp)
  virtual ModerationLogRepo& moderation_log() = 0;
  virtual OAuthRepo& oauth() = 0;           // client API: apps, codes, tokens
  virtual ClientApiRepo& client_api() = 0;  // client API: bookmarks, markers, timelines
  virtual CommunityReportRepo& community_reports() = 0;
  // The community API's reads: directory, thread lists, read markers, insights.
  virtual CommunityQueryRepo& community_queries() = 0;
  virtual PollRepo& polls() = 0;  // polls and events in threads (community_content.hpp)
  virtual EventRepo& events() = 0;
  virtual MediaRepo& media() = 0;  // uploads (media.hpp)
  // A fresh Snowflake id (for callers that must know an id before inserting, e.g. to build ap_id).
  virtual Id next_id() = 0;
  virtual TimePoint now() const = 0;
};

template <typename R>
struct is_result : std::false_type {};
template <typename T>
struct is_result<core::Result<T>> : std::true_type {};

class Database {
 public:
  virtual ~Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  virtual Backend backend() const noexcept = 0;

  // Runs body(Tx&) -> core::Result<T> in a read-write transaction: commits when it returns ok,
  // rolls back when it returns an error or throws. A thrown core::ErrorException (from an
  // unwrapping .value()) becomes the returned error; other exceptions are rethrown after the
  // rollback (they are bugs). Do not call transact() again from inside body (it would deadlock on
  // SQLite and waste a pool connection on PostgreSQL).
  template <typename F>
  auto transact(F&& body) -> std::invoke_result_t<F&, Tx&> {
    return run<std::invoke_result_t<F&, Tx&>>(TxMode::read_write, body);
  }
  // The same for reads: a consistent snapshot; any write fails. Concurrent with other readers.
  template <typename F>
  auto read(F&& body) -> std::invoke_result_t<F&, Tx&> {
    return run<std::invoke_result_t<F&, Tx&>>(TxMode::read_only, body);
  }

  // The change feed (changes.hpp): `listener` gets every change committed from now on, by this
  // process and, on PostgreSQL, by every other process on the same database. On PostgreSQL the
  // first subscription opens the LISTEN connection and waits (up to the acquire timeout) until it
  // listens; unavailable if it cannot. Thread-safe.
  virtual core::Result<ChangeSubscription> subscribe_changes(ChangeListener listener) = 0;
  // After it returns the listener is not called again (unless a call is running on another thread).
  virtual void unsubscribe_changes(ChangeSubscription subscription) = 0;

  // A cheap round trip (SELECT 1) for /health.
  virtual core::Result<void> ping() = 0;

  // Schema migrations. Opening never migrates: the server calls migrate() at start (and
  // `guildhall admin migrate` does); ensure_current() lets startup refuse a stale schema.
  virtual core::Result<int> schema_version() = 0;  // 0 for an empty database
  virtual core::Result<std::vector<AppliedMigration>> applied_migrations() = 0;
  virtual core::Result<std::vector<MigrationInfo>> pending_migrations() = 0;
  // Applies every pending migration in order, each in its own transaction; returns how many ran.
  // Safe to run concurrently from two processes (the second finds nothing to do).
  virtual core::Result<int> migrate() = 0;
  // ok if the schema is exactly the latest known version; unavailable with a message otherwise
  // ("... run `guildhall admin migrate`" / "... upgrade Guildhall").
  virtual core::Result<void> ensure_current() = 0;

 protected:
  Database() = default;
  enum class TxMode { read_write, read_only };
  using Body = std::function<core::Result<void>(Tx&)>;
  // Begins, runs body, commits or rolls back, and translates native errors.
  virtual core::Result<void> run_transaction(TxMode mode, const Body& body) = 0;

 private:
  template <typename R, typename F>
  R run(TxMode mode, F& body) {
    static_assert(is_result<R>::value, "the transaction body must return core::Result<T>");
    if constexpr (std::is_same_v<R, core::Result<void>>) {
      return run_transaction(mode, [&](Tx& tx) -> core::Result<void> { return body(tx); });
    } else {
      std::optional<R> out;
      core::Result<void> status = run_transaction(mode, [&](Tx& tx) -> core::Result<void> {
        out.emplace(body(tx));
        if (!out->ok())
          return out->error();
        return {};
      });
      if (!status.ok())
        return std::move(status).error();
      return std::move(*out);
    }
  }
};

// The migrations compiled into this binary for a backend, in version order.
const std::vector<MigrationInfo>& known_migrations(Backend backend);

// Opens (and for SQLite creates) the database named by url:
//   sqlite:PATH, sqlite::memory:                       (embedded; WAL, foreign keys on)
//   postgresql://user@host/db, postgresql:///db?host=/socket/dir, postgres://...   (libpq URI)
// Fails with invalid_input for an unknown scheme, unavailable if the database cannot be reached,
// and with a clear message if its schema is newer than this binary knows. Does not migrate.
core::Result<std::unique_ptr<Database>> open_database(std::string_view url,
                                                      const DatabaseOptions& options = {});

}  // namespace guildhall::storage
