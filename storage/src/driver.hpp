#pragma once

// The small SQL driver interface the one repository implementation is written against. Queries
// use PostgreSQL's $1, $2 placeholders; the SQLite driver rewrites them to ?1, ?2. Internal to
// guildhall_storage: drivers throw DriverError, and the storage boundary turns it into a Result.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "guildhall/core/clock.hpp"
#include "guildhall/core/error.hpp"

namespace guildhall::storage::driver {

enum class Dialect { sqlite, postgres };

// A translated database failure. Thrown by drivers, caught by repositories and Database.
class DriverError : public std::exception {
 public:
  explicit DriverError(core::Error error) : error_(std::move(error)) {}
  const char* what() const noexcept override { return error_.message.c_str(); }
  const core::Error& error() const noexcept { return error_; }

 private:
  core::Error error_;
};

std::int64_t to_millis(core::TimePoint t) noexcept;
core::TimePoint from_millis(std::int64_t ms) noexcept;

// A bound parameter. Booleans stay booleans so each driver can bind its native form.
class Param {
 public:
  using Value = std::variant<std::monostate, std::int64_t, double, std::string, bool>;

  Param(std::nullopt_t) {}                               // NOLINT: NULL
  Param(std::int64_t v) : value_(v) {}                   // NOLINT
  Param(int v) : value_(std::int64_t{v}) {}              // NOLINT
  Param(bool v) : value_(v) {}                           // NOLINT
  Param(double v) : value_(v) {}                         // NOLINT
  Param(std::string v) : value_(std::move(v)) {}         // NOLINT
  Param(std::string_view v) : value_(std::string(v)) {}  // NOLINT
  Param(const char* v) : value_(std::string(v)) {}       // NOLINT
  Param(core::TimePoint t) : value_(to_millis(t)) {}     // NOLINT
  template <typename T>
  Param(const std::optional<T>& v) {  // NOLINT: nullopt binds NULL
    if (v)
      *this = Param(*v);
  }

  const Value& value() const noexcept { return value_; }

 private:
  Value value_;
};

using Params = std::vector<Param>;

// A cell: SQLite hands back typed values, PostgreSQL text; getters convert either.
using Cell = std::variant<std::monostate, std::int64_t, double, std::string>;

class Rows;

class Row {
 public:
  Row(const Rows& rows, std::size_t index) : rows_(&rows), index_(index) {}

  bool is_null(std::string_view column) const;
  std::int64_t i64(std::string_view column) const;
  double f64(std::string_view column) const;
  std::string text(std::string_view column) const;
  bool boolean(std::string_view column) const;
  core::TimePoint time(std::string_view column) const;
  std::optional<std::int64_t> opt_i64(std::string_view column) const;
  std::optional<double> opt_f64(std::string_view column) const;
  std::optional<std::string> opt_text(std::string_view column) const;
  std::optional<core::TimePoint> opt_time(std::string_view column) const;

 private:
  const Cell& cell(std::string_view column) const;
  const Rows* rows_;
  std::size_t index_;
};

class Rows {
 public:
  Rows() = default;
  Rows(std::vector<std::string> columns, std::vector<std::vector<Cell>> cells)
      : columns_(std::move(columns)), cells_(std::move(cells)) {}

  std::size_t size() const noexcept { return cells_.size(); }
  bool empty() const noexcept { return cells_.empty(); }
  Row operator[](std::size_t i) const { return Row(*this, i); }
  Row front() const { return Row(*this, 0); }

  class iterator {
   public:
    iterator(const Rows* rows, std::size_t i) : rows_(rows), i_(i) {}
    Row operator*() const { return Row(*rows_, i_); }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const iterator& o) const { return i_ != o.i_; }

   private:
    const Rows* rows_;
    std::size_t i_;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, cells_.size()}; }

 private:
  friend class Row;
  std::size_t column_index(std::string_view name) const;
  std::vector<std::string> columns_;
  std::vector<std::vector<Cell>> cells_;
};

enum class TxMode { read_write, read_only };

// One database session. Not thread-safe: a Connection is used by one transaction at a time.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const noexcept = 0;
  virtual void begin(TxMode mode) = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  // Runs one statement ($N placeholders) and returns its rows (RETURNING included).
  virtual Rows execute(std::string_view sql, const Params& params) = 0;
  // Runs several ;-separated statements without parameters (migrations).
  virtual void execute_script(std::string_view sql) = 0;
  // Whether the session is still usable (PostgreSQL: the socket did not break).
  virtual bool healthy() const noexcept { return true; }
};

// Hands out connections; a lease returns its connection when destroyed.
class ConnectionSource;

class Lease {
 public:
  Lease(ConnectionSource* source, Connection* connection, TxMode mode)
      : source_(source), connection_(connection), mode_(mode) {}
  Lease(Lease&& other) noexcept
      : source_(std::exchange(other.source_, nullptr)),
        connection_(std::exchange(other.connection_, nullptr)),
        mode_(other.mode_) {}
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Lease& operator=(Lease&&) = delete;
  ~Lease();

  Connection& operator*() const noexcept { return *connection_; }
  Connection* operator->() const noexcept { return connection_; }

 private:
  ConnectionSource* source_;
  Connection* connection_;
  TxMode mode_;
};

class ConnectionSource {
 public:
  virtual ~ConnectionSource() = default;
  virtual Dialect dialect() const noexcept = 0;
  // Blocks until a connection for mode is free; throws DriverError (unavailable) on timeout.
  virtual Lease acquire(TxMode mode) = 0;

 protected:
  friend class Lease;
  virtual void release(Connection* connection, TxMode mode) noexcept = 0;
};

inline Lease::~Lease() {
  if (source_ != nullptr && connection_ != nullptr)
    source_->release(connection_, mode_);
}

// A bounded set of connections made on demand by factory; take() blocks up to timeout.
class Pool {
 public:
  using Factory = std::function<std::unique_ptr<Connection>()>;
  Pool(std::size_t max_size, std::chrono::milliseconds timeout, Factory factory);
  ~Pool();
  Connection* take();  // throws DriverError (unavailable)
  void give(Connection* connection) noexcept;

 private:
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;
  const std::size_t max_size_;
  const std::chrono::milliseconds timeout_;
  Factory factory_;
};

// Native constraint messages name an index or columns; map them to client-safe wording.
core::Error describe_unique_violation(std::string_view native_message);
core::Error describe_foreign_key_violation(std::string_view sql, bool still_referenced);

struct SqliteOptions {
  std::string path;  // ":memory:" for an in-memory database
  std::size_t readers = 4;
  std::chrono::milliseconds busy_timeout{5000};
};
std::unique_ptr<ConnectionSource> open_sqlite(const SqliteOptions& options);

struct PostgresOptions {
  std::string uri;  // libpq connection URI or keyword string
  std::size_t pool_size = 8;
  std::chrono::milliseconds acquire_timeout{5000};
};
std::unique_ptr<ConnectionSource> open_postgres(const PostgresOptions& options);

// LISTEN on `channel` over a connection and thread of its own; on_payload runs on that thread for
// every notification. A lost connection is re-opened (notifications sent meanwhile are lost).
// The constructor waits until the first LISTEN is in place (DriverError unavailable after
// options.acquire_timeout); destruction stops and joins.
class NotificationListener {
 public:
  virtual ~NotificationListener() = default;
};
std::unique_ptr<NotificationListener> listen_postgres(
    const PostgresOptions& options, std::string channel,
    std::function<void(std::string_view payload)> on_payload);

}  // namespace guildhall::storage::driver
