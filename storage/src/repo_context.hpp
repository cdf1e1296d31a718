#pragma once

// What every repository implementation needs: the connection, ids, time and the error boundary.
// Shared by repositories.cpp and federation_queue.cpp so there is one savepoint discipline.

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guildhall/core/clock.hpp"
#include "guildhall/core/id.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/storage/changes.hpp"
#include "guildhall/storage/model.hpp"

#include "driver.hpp"

namespace guildhall::storage::detail {

// The placeholder of the parameter last added: "$3" after three.
inline std::string placeholder(const driver::Params& params) {
  return "$" + std::to_string(params.size());
}

// Appends id bounds, order and limit for keyset pagination on column.
inline void paginate(std::string& sql, driver::Params& params, const PageRequest& page,
                     std::string_view column) {
  const auto next = [&params] { return "$" + std::to_string(params.size()); };
  if (page.before) {
    params.emplace_back(*page.before);
    sql += " AND " + std::string(column) + " < " + next();
  }
  if (page.after) {
    params.emplace_back(*page.after);
    sql += " AND " + std::string(column) + " > " + next();
  }
  const auto limit = static_cast<std::int64_t>(std::clamp<std::size_t>(page.limit, 1, 200));
  params.emplace_back(limit);
  sql += " ORDER BY " + std::string(column) + (page.oldest_first ? " ASC" : " DESC") + " LIMIT " +
         next();
}

// A LIKE pattern matching `text` anywhere, ASCII case-insensitively: use it as
// `lower(column) LIKE $n ESCAPE '\'`.
inline std::string contains_pattern(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\')
      out += '\\';
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out + "%";
}

// The PostgreSQL NOTIFY channel of the change feed (changes.hpp).
inline constexpr std::string_view kChangeChannel = "guildhall_changes";

// What one transaction recorded for the change feed; the database publishes it after commit.
// `origin` tags this process's NOTIFY payloads so its own listener can skip them.
struct ChangeLog {
  std::string origin;
  std::vector<Change> changes;
};

// NOTIFY payload: "<origin> <kind> <id>".
std::string encode_change(std::string_view origin, const Change& change);
// The change, unless the payload is malformed or comes from `own_origin`.
std::optional<Change> decode_foreign_change(std::string_view payload, std::string_view own_origin);

struct RepoContext {
  RepoContext(driver::Connection& connection, core::IdGenerator& id_generator,
              const core::Clock& time, ChangeLog* change_log = nullptr)
      : c(connection), ids(id_generator), clock(time), log(change_log) {}

  driver::Connection& c;
  core::IdGenerator& ids;
  const core::Clock& clock;
  ChangeLog* log;  // nullptr: changes are not recorded (repositories made outside a Tx)

  driver::Rows q(std::string_view sql, const driver::Params& params = {}) {
    return c.execute(sql, params);
  }

  // Millisecond precision, as stored, so returned structs compare equal to re-read ones.
  core::TimePoint now() const { return driver::from_millis(driver::to_millis(clock.now())); }
  bool postgres() const noexcept { return c.dialect() == driver::Dialect::postgres; }

  // Records a change for the feed. Call inside write(): an undone savepoint drops it again (and
  // PostgreSQL discards the NOTIFY of a rolled-back savepoint itself).
  void record(ChangeKind kind, Id id) {
    if (log == nullptr)
      return;
    const Change change{kind, id};
    if (postgres())
      q("SELECT pg_notify($1, $2)",
        {std::string(kChangeChannel), encode_change(log->origin, change)});
    log->changes.push_back(change);
  }

  // A write runs inside a savepoint: on failure everything it did is undone and the surrounding
  // transaction stays usable (PostgreSQL would otherwise refuse every later statement).
  template <typename F>
  auto write(F&& f) -> decltype(f()) {
    try {
      q("SAVEPOINT guildhall_repo");
    } catch (const driver::DriverError& e) {
      return e.error();
    }
    const std::size_t recorded = log != nullptr ? log->changes.size() : 0;
    try {
      auto result = f();
      if (result.ok())
        q("RELEASE SAVEPOINT guildhall_repo");
      else
        undo(recorded);
      return result;
    } catch (const driver::DriverError& e) {
      undo(recorded);
      return e.error();
    } catch (const core::ErrorException& e) {
      undo(recorded);
      return e.error();
    }
  }

  template <typename F>
  auto read(F&& f) -> decltype(f()) {
    try {
      return f();
    } catch (const driver::DriverError& e) {
      return e.error();
    }
  }

 private:
  void undo(std::size_t recorded) noexcept {
    if (log != nullptr && log->changes.size() > recorded)
      log->changes.resize(recorded);
    try {
      q("ROLLBACK TO SAVEPOINT guildhall_repo");
      q("RELEASE SAVEPOINT guildhall_repo");
    } catch (...) {  // the transaction is already gone; commit will report it
    }
  }
};

}  // namespace guildhall::storage::detail
