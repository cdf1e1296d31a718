#include "guildhall/storage/database.hpp"

#include <map>
#include <mutex>

#include "guildhall/core/random.hpp"

#include "driver.hpp"
#include "migrations.hpp"
#include "repositories_impl.hpp"

namespace guildhall::storage {

namespace {

using driver::Connection;
using driver::DriverError;
using driver::Params;

const std::vector<detail::EmbeddedMigration>& embedded(Backend backend) {
  return backend == Backend::sqlite ? detail::sqlite_migrations() : detail::postgres_migrations();
}

int latest_version(Backend backend) {
  const auto& m = embedded(backend);
  return m.empty() ? 0 : m.back().version;
}

core::Error newer_schema(int found, int known) {
  return core::Error::unavailable("database schema version " + std::to_string(found) +
                                  " is newer than this Guildhall (knows up to " +
                                  std::to_string(known) + "); upgrade Guildhall");
}

// Serializes migrate() across processes on PostgreSQL (SQLite's BEGIN IMMEDIATE already does).
constexpr std::int64_t kMigrationLockKey = 0x6775696c64;  // "guild"

class DatabaseImpl final : public Database {
 public:
  DatabaseImpl(Backend backend, std::unique_ptr<driver::ConnectionSource> source,
               const DatabaseOptions& options,
               std::optional<driver::PostgresOptions> listen = std::nullopt)
      : backend_(backend),
        source_(std::move(source)),
        clock_(options.clock != nullptr ? *options.clock : core::SystemClock::instance()),
        ids_(clock_),
        origin_(change_origin()),
        listen_options_(std::move(listen)) {}

  ~DatabaseImpl() override {
    listener_.reset();  // joins the LISTEN thread before the subscribers go
  }

  core::Result<ChangeSubscription> subscribe_changes(ChangeListener listener) override {
    std::lock_guard subscribe_lock(listener_mutex_);
    if (listen_options_ && !listener_) {
      try {
        listener_ = driver::listen_postgres(
            *listen_options_, std::string(detail::kChangeChannel),
            [this](std::string_view payload) {
              if (auto change = detail::decode_foreign_change(payload, origin_))
                publish({*change});
            });
      } catch (const DriverError& e) {
        return e.error();
      }
    }
    std::lock_guard lock(subscribers_mutex_);
    const ChangeSubscription id = ++last_subscription_;
    subscribers_.emplace(id, std::move(listener));
    return id;
  }

  void unsubscribe_changes(ChangeSubscription subscription) override {
    std::lock_guard lock(subscribers_mutex_);
    subscribers_.erase(subscription);
  }

  Backend backend() const noexcept override { return backend_; }

  core::Result<void> ping() override {
    return with_connection(driver::TxMode::read_only,
                           [](Connection& c) { c.execute("SELECT 1 AS one", {}); });
  }

  core::Result<int> schema_version() override {
    int version = 0;
    auto status = with_connection(driver::TxMode::read_only,
                                  [&](Connection& c) { version = current_version(c); });
    if (!status.ok())
      return std::move(status).error();
    return version;
  }

  core::Result<std::vector<AppliedMigration>> applied_migrations() override {
    std::vector<AppliedMigration> out;
    auto status = with_connection(driver::TxMode::read_only, [&](Connection& c) {
      if (!migrations_table_exists(c))
        return;
      for (auto row : c.execute(
               "SELECT version, name, applied_at FROM schema_migrations ORDER BY version", {}))
        out.push_back(
            {static_cast<int>(row.i64("version")), row.text("name"), row.time("applied_at")});
    });
    if (!status.ok())
      return std::move(status).error();
    return out;
  }

  core::Result<std::vector<MigrationInfo>> pending_migrations() override {
    auto applied = applied_migrations();
    if (!applied.ok())
      return std::move(applied).error();
    std::vector<MigrationInfo> out;
    for (const auto& m : embedded(backend_)) {
      bool done = false;
      for (const auto& a : *applied)
        done = done || a.version == m.version;
      if (!done)
        out.push_back({m.version, std::string(m.name)});
    }
    return out;
  }

  core::Result<int> migrate() override {
    int applied = 0;
    // Bootstrap the bookkeeping table in its own transaction.
    auto status = with_connection(driver::TxMode::read_write, [&](Connection& c) {
      lock_for_migration(c);
      c.execute(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
          "name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
          {});
    });
    if (!status.ok())
      return std::move(status).error();
    for (const auto& m : embedded(backend_)) {
      status = with_connection(driver::TxMode::read_write, [&](Connection& c) {
        lock_for_migration(c);
        // Re-read under the lock: another process may have migrated meanwhile.
        const int current = current_version(c);
        if (current > latest_version(backend_))
          throw DriverError(newer_schema(current, latest_version(backend_)));
        if (!c.execute("SELECT version FROM schema_migrations WHERE version = $1", {m.version})
                 .empty())
          return;
        c.execute_script(m.sql);
        if (backend_ == Backend::sqlite) {
          // Table rebuilds in later migrations must not leave dangling references.
          if (!c.execute("PRAGMA foreign_key_check", {}).empty())
            throw DriverError(core::Error::internal("migration " + std::to_string(m.version) +
                                                    " left foreign key violations"));
        }
        c.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                  {m.version, m.name, clock_.now()});
        ++applied;
      });
      if (!status.ok())
        return core::Error{status.error().kind, "migration " + std::to_string(m.version) + " (" +
                                                    std::string(m.name) +
                                                    ") failed: " + status.error().message};
    }
    return applied;
  }

  core::Result<void> ensure_current() override {
    auto version = schema_version();
    if (!version.ok())
      return std::move(version).error();
    const int latest = latest_version(backend_);
    if (*version > latest)
      return newer_schema(*version, latest);
    if (*version < latest)
      return core::Error::unavailable("database schema version " + std::to_string(*version) +
                                      " is older than this Guildhall (" + std::to_string(latest) +
                                      "); run `guildhall admin migrate`");
    return {};
  }

 protected:
  core::Result<void> run_transaction(TxMode mode, const Body& body) override {
    const auto m =
        mode == TxMode::read_only ? driver::TxMode::read_only : driver::TxMode::read_write;
    // A nested transact() on one thread would wait for the connection it already holds.
    if (active_on_this_thread == this)
      return core::Error::internal("nested transaction on the same database and thread");
    struct Active {
      const DatabaseImpl* previous = active_on_this_thread;
      explicit Active(const DatabaseImpl* db) { active_on_this_thread = db; }
      ~Active() { active_on_this_thread = previous; }
    } active(this);
    try {
      detail::ChangeLog changes{origin_, {}};
      {
        auto lease = source_->acquire(m);
        Connection& c = *lease;
        c.begin(m);
        try {
          auto tx = detail::make_tx(c, ids_, clock_, &changes);
          core::Result<void> result = body(*tx);
          if (!result.ok()) {
            c.rollback();
            return result;
          }
          c.commit();
        } catch (...) {
          c.rollback();
          throw;
        }
      }
      publish(changes.changes);
      return {};
    } catch (const DriverError& e) {
      return e.error();
    } catch (const core::ErrorException& e) {
      return e.error();
    }
  }

 private:
  template <typename F>
  core::Result<void> with_connection(driver::TxMode mode, F&& f) {
    try {
      auto lease = source_->acquire(mode);
      Connection& c = *lease;
      c.begin(mode);
      try {
        f(c);
        c.commit();
      } catch (...) {
        c.rollback();
        throw;
      }
      return {};
    } catch (const DriverError& e) {
      return e.error();
    }
  }

  bool migrations_table_exists(Connection& c) {
    const char* sql = backend_ == Backend::sqlite
                          ? "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND "
                            "name = 'schema_migrations'"
                          : "SELECT count(*) AS n FROM information_schema.tables WHERE "
                            "table_schema = current_schema() AND table_name = 'schema_migrations'";
    return c.execute(sql, {}).front().i64("n") > 0;
  }

  int current_version(Connection& c) {
    if (!migrations_table_exists(c))
      return 0;
    auto rows = c.execute("SELECT coalesce(max(version), 0) AS v FROM schema_migrations", {});
    return static_cast<int>(rows.front().i64("v"));
  }

  void lock_for_migration(Connection& c) {
    if (backend_ == Backend::postgres)
      c.execute("SELECT pg_advisory_xact_lock($1)", {kMigrationLockKey});
  }

  // 64 random bits in hex: tells this process's NOTIFY payloads from other processes'.
  static std::string change_origin() {
    std::uint64_t bits = 0;
    core::random_bytes(&bits, sizeof bits);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, bits >>= 4)
      out[static_cast<std::size_t>(i)] = kHex[bits & 0xf];
    return out;
  }

  // Outside the transaction and any database lock: listeners may take their own locks.
  void publish(const std::vector<Change>& changes) {
    if (changes.empty())
      return;
    std::vector<ChangeListener> listeners;
    {
      std::lock_guard lock(subscribers_mutex_);
      for (const auto& [id, listener] : subscribers_)
        listeners.push_back(listener);
    }
    for (const auto& change : changes)
      for (const auto& listener : listeners)
        listener(change);
  }

  static thread_local const DatabaseImpl* active_on_this_thread;

  Backend backend_;
  std::unique_ptr<driver::ConnectionSource> source_;
  const core::Clock& clock_;
  core::IdGenerator ids_;
  const std::string origin_;
  const std::optional<driver::PostgresOptions> listen_options_;  // PostgreSQL only
  std::mutex listener_mutex_;                                    // opening the listener
  std::unique_ptr<driver::NotificationListener> listener_;
  std::mutex subscribers_mutex_;
  std::map<ChangeSubscription, ChangeListener> subscribers_;
  ChangeSubscription last_subscription_ = 0;
};

thread_local const DatabaseImpl* DatabaseImpl::active_on_this_thread = nullptr;

}  // namespace

const std::vector<MigrationInfo>& known_migrations(Backend backend) {
  static const auto build = [](Backend b) {
    std::vector<MigrationInfo> out;
    for (const auto& m : embedded(b))
      out.push_back({m.version, std::string(m.name)});
    return out;
  };
  static const std::vector<MigrationInfo> sqlite = build(Backend::sqlite);
  static const std::vector<MigrationInfo> postgres = build(Backend::postgres);
  return backend == Backend::sqlite ? sqlite : postgres;
}

core::Result<std::unique_ptr<Database>> open_database(std::string_view url,
                                                      const DatabaseOptions& options) {
  std::unique_ptr<DatabaseImpl> db;
  try {
    if (url.rfind("sqlite:", 0) == 0) {
      std::string path(url.substr(7));
      if (path.empty())
        return core::Error::invalid_input("database URL sqlite: needs a path (or :memory:)");
      // Accept sqlite:///abs/path and sqlite://rel as well as the documented sqlite:PATH.
      if (path.rfind("//", 0) == 0)
        path = path.substr(2);
      driver::SqliteOptions o{path, options.pool_size, options.busy_timeout};
      db = std::make_unique<DatabaseImpl>(Backend::sqlite, driver::open_sqlite(o), options);
    } else if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
      driver::PostgresOptions o{std::string(url), options.pool_size, options.acquire_timeout};
      db = std::make_unique<DatabaseImpl>(Backend::postgres, driver::open_postgres(o), options, o);
    } else {
      return core::Error::invalid_input(
          "unsupported database URL (want sqlite:PATH, postgresql://... or postgres://...)");
    }
  } catch (const DriverError& e) {
    return e.error();
  }
  auto version = db->schema_version();
  if (!version.ok())
    return std::move(version).error();
  const int known = latest_version(db->backend());
  if (*version > known)
    return newer_schema(*version, known);
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace guildhall::storage
