// SQLite driver: WAL, foreign keys on, one writer connection behind a timed mutex plus a pool of
// query-only readers (an in-memory database is private to its connection, so it gets just one).

#include <cctype>
#include <map>

#include <sqlite3.h>

#include "driver.hpp"

namespace guildhall::storage::driver {

namespace {

bool starts_with_keyword(std::string_view sql, std::string_view keyword) {
  std::size_t i = 0;
  while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i])))
    ++i;
  if (sql.size() - i < keyword.size())
    return false;
  for (std::size_t k = 0; k < keyword.size(); ++k)
    if (std::toupper(static_cast<unsigned char>(sql[i + k])) != keyword[k])
      return false;
  return true;
}

core::Error translate(int rc, const char* message, std::string_view sql) {
  const std::string native = message != nullptr ? message : sqlite3_errstr(rc);
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return describe_unique_violation(native);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      // SQLite does not say which side failed; a DELETE can only fail as "still referenced".
      return describe_foreign_key_violation(sql, starts_with_keyword(sql, "DELETE"));
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
    case SQLITE_CONSTRAINT_DATATYPE:
      return core::Error::invalid_input("rejected by a database constraint: " + native);
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return core::Error::unavailable("database is busy (lock not obtained within the timeout)");
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_NOMEM:
      return core::Error::unavailable("database unavailable: " + native);
    case SQLITE_CONSTRAINT:
      return core::Error::invalid_input("rejected by a database constraint: " + native);
    default:
      return core::Error::internal("database error: " + native);
  }
}

// $1 -> ?1 outside string literals and quoted identifiers.
std::string rewrite_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      if (c == quote)
        quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '$' && i + 1 < sql.size() &&
               std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      out += '?';
      continue;
    }
    out += c;
  }
  return out;
}

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(const std::string& path, std::chrono::milliseconds busy_timeout,
                   bool query_only) {
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close_v2(db_);
      db_ = nullptr;
      throw DriverError(
          core::Error::unavailable("cannot open SQLite database " + path + ": " + message));
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, static_cast<int>(busy_timeout.count()));
    exec("PRAGMA foreign_keys = ON");
    if (path != ":memory:") {
      exec("PRAGMA journal_mode = WAL");
      exec("PRAGMA synchronous = NORMAL");
    }
    if (query_only) {
      exec("PRAGMA query_only = ON");
      query_only_ = true;
    }
  }

  ~SqliteConnection() override {
    for (auto& [sql, stmt] : statements_)
      sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  Dialect dialect() const noexcept override { return Dialect::sqlite; }

  void begin(TxMode mode) override {
    if (mode == TxMode::read_only && !query_only_) {
      // The single connection of an in-memory database doubles as a reader.
      exec("PRAGMA query_only = ON");
      toggled_query_only_ = true;
    }
    // IMMEDIATE takes the write lock up front, so a writer waits (busy_timeout) at BEGIN instead
    // of failing mid-transaction when it upgrades from a read lock.
    exec(mode == TxMode::read_write ? "BEGIN IMMEDIATE" : "BEGIN");
  }

  void commit() override {
    exec("COMMIT");
    restore_mode();
  }

  void rollback() noexcept override {
    if (sqlite3_get_autocommit(db_) == 0)
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    restore_mode();
  }

  Rows execute(std::string_view sql, const Params& params) override {
    sqlite3_stmt* stmt = prepare(sql);
    struct Reset {
      sqlite3_stmt* s;
      ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    } reset{stmt};

    for (std::size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i + 1);
      const int rc = std::visit(
          [&](const auto& v) -> int {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>)
              return sqlite3_bind_null(stmt, index);
            else if constexpr (std::is_same_v<T, std::int64_t>)
              return sqlite3_bind_int64(stmt, index, v);
            else if constexpr (std::is_same_v<T, bool>)
              return sqlite3_bind_int64(stmt, index, v ? 1 : 0);
            else if constexpr (std::is_same_v<T, double>)
              return sqlite3_bind_double(stmt, index, v);
            else
              return sqlite3_bind_text64(stmt, index, v.data(), v.size(), SQLITE_TRANSIENT,
                                         SQLITE_UTF8);
          },
          params[i].value());
      if (rc != SQLITE_OK)
        throw DriverError(translate(rc, sqlite3_errmsg(db_), sql));
    }

    const int columns = sqlite3_column_count(stmt);
    std::vector<std::string> names;
    names.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c)
      names.emplace_back(sqlite3_column_name(stmt, c));
    std::vector<std::vector<Cell>> cells;
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE)
        break;
      if (rc != SQLITE_ROW)
        throw DriverError(translate(rc, sqlite3_errmsg(db_), sql));
      std::vector<Cell> row;
      row.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_NULL:
            row.emplace_back(std::monostate{});
            break;
          case SQLITE_INTEGER:
            row.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, c)));
            break;
          case SQLITE_FLOAT:
            row.emplace_back(sqlite3_column_double(stmt, c));
            break;
          default: {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            row.emplace_back(
                std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, c))));
          }
        }
      }
      cells.push_back(std::move(row));
    }
    return Rows(std::move(names), std::move(cells));
  }

  void execute_script(std::string_view sql) override { exec(std::string(sql).c_str()); }

 private:
  void exec(const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      core::Error error = translate(rc, message != nullptr ? message : sqlite3_errmsg(db_), sql);
      sqlite3_free(message);
      throw DriverError(std::move(error));
    }
  }

  void restore_mode() noexcept {
    if (toggled_query_only_) {
      sqlite3_exec(db_, "PRAGMA query_only = OFF", nullptr, nullptr, nullptr);
      toggled_query_only_ = false;
    }
  }

  sqlite3_stmt* prepare(std::string_view sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end())
      return it->second;
    const std::string rewritten = rewrite_placeholders(sql);
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, rewritten.c_str(), static_cast<int>(rewritten.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK)
      throw DriverError(translate(rc, sqlite3_errmsg(db_), sql));
    statements_.emplace(std::string(sql), stmt);
    return stmt;
  }

  sqlite3* db_ = nullptr;
  bool query_only_ = false;
  bool toggled_query_only_ = false;
  std::map<std::string, sqlite3_stmt*, std::less<>> statements_;
};

class SqliteSource final : public ConnectionSource {
 public:
  explicit SqliteSource(const SqliteOptions& options)
      : options_(options),
        memory_(options.path == ":memory:"),
        writer_(std::make_unique<SqliteConnection>(options.path, options.busy_timeout, false)),
        readers_(options.readers, options.busy_timeout, [this] {
          return std::make_unique<SqliteConnection>(options_.path, options_.busy_timeout, true);
        }) {}

  Dialect dialect() const noexcept override { return Dialect::sqlite; }

  Lease acquire(TxMode mode) override {
    if (mode == TxMode::read_only && !memory_)
      return Lease(this, readers_.take(), mode);
    // In-process writers queue here; other processes are waited for by busy_timeout at BEGIN.
    if (!writer_mutex_.try_lock_for(options_.busy_timeout))
      throw DriverError(core::Error::unavailable("database is busy (writer lock timeout)"));
    return Lease(this, writer_.get(), mode);
  }

 protected:
  void release(Connection* connection, TxMode mode) noexcept override {
    if (connection == writer_.get())
      writer_mutex_.unlock();
    else
      readers_.give(connection);
    (void)mode;
  }

 private:
  SqliteOptions options_;
  bool memory_;
  std::unique_ptr<SqliteConnection> writer_;
  std::timed_mutex writer_mutex_;
  Pool readers_;
};

}  // namespace

std::unique_ptr<ConnectionSource> open_sqlite(const SqliteOptions& options) {
  return std::make_unique<SqliteSource>(options);
}

}  // namespace guildhall::storage::driver
