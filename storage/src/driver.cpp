#include "driver.hpp"

#include <array>
#include <charconv>

namespace guildhall::storage::driver {

std::int64_t to_millis(core::TimePoint t) noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

core::TimePoint from_millis(std::int64_t ms) noexcept {
  return core::TimePoint(std::chrono::milliseconds(ms));
}

// ---------------------------------------------------------------------------------------------
// Rows

std::size_t Rows::column_index(std::string_view name) const {
  for (std::size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i] == name)
      return i;
  // A typo in a query or a mapper is a bug, not a runtime condition.
  throw DriverError(core::Error::internal("storage: no column '" + std::string(name) + "'"));
}

const Cell& Row::cell(std::string_view column) const {
  return rows_->cells_.at(index_).at(rows_->column_index(column));
}

bool Row::is_null(std::string_view column) const {
  return std::holds_alternative<std::monostate>(cell(column));
}

namespace {

[[noreturn]] void bad_value(std::string_view column, std::string_view want) {
  throw DriverError(core::Error::internal("storage: column '" + std::string(column) + "' is not " +
                                          std::string(want)));
}

std::int64_t parse_i64(std::string_view text, std::string_view column) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size())
    bad_value(column, "an integer");
  return v;
}

}  // namespace

std::int64_t Row::i64(std::string_view column) const {
  const Cell& c = cell(column);
  if (const auto* v = std::get_if<std::int64_t>(&c))
    return *v;
  if (const auto* s = std::get_if<std::string>(&c))
    return parse_i64(*s, column);
  bad_value(column, "an integer");
}

double Row::f64(std::string_view column) const {
  const Cell& c = cell(column);
  if (const auto* v = std::get_if<double>(&c))
    return *v;
  if (const auto* v = std::get_if<std::int64_t>(&c))
    return static_cast<double>(*v);
  if (const auto* s = std::get_if<std::string>(&c)) {
    double d = 0;
    auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), d);
    if (ec == std::errc() && end == s->data() + s->size())
      return d;
  }
  bad_value(column, "a number");
}

std::string Row::text(std::string_view column) const {
  const Cell& c = cell(column);
  if (const auto* s = std::get_if<std::string>(&c))
    return *s;
  if (const auto* v = std::get_if<std::int64_t>(&c))
    return std::to_string(*v);
  bad_value(column, "text");
}

bool Row::boolean(std::string_view column) const {
  const Cell& c = cell(column);
  if (const auto* v = std::get_if<std::int64_t>(&c))
    return *v != 0;
  if (const auto* s = std::get_if<std::string>(&c)) {
    if (*s == "t" || *s == "true" || *s == "1")
      return true;
    if (*s == "f" || *s == "false" || *s == "0")
      return false;
  }
  bad_value(column, "a boolean");
}

core::TimePoint Row::time(std::string_view column) const {
  return from_millis(i64(column));
}

std::optional<std::int64_t> Row::opt_i64(std::string_view column) const {
  if (is_null(column))
    return std::nullopt;
  return i64(column);
}

std::optional<double> Row::opt_f64(std::string_view column) const {
  if (is_null(column))
    return std::nullopt;
  return f64(column);
}

std::optional<std::string> Row::opt_text(std::string_view column) const {
  if (is_null(column))
    return std::nullopt;
  return text(column);
}

std::optional<core::TimePoint> Row::opt_time(std::string_view column) const {
  if (is_null(column))
    return std::nullopt;
  return time(column);
}

// ---------------------------------------------------------------------------------------------
// Pool

Pool::Pool(std::size_t max_size, std::chrono::milliseconds timeout, Factory factory)
    : max_size_(max_size == 0 ? 1 : max_size), timeout_(timeout), factory_(std::move(factory)) {}

Pool::~Pool() = default;

Connection* Pool::take() {
  std::unique_lock lock(mutex_);
  if (!available_.wait_for(lock, timeout_, [&] { return !idle_.empty() || open_ < max_size_; })) {
    throw DriverError(
        core::Error::unavailable("database busy: no connection became free within the timeout"));
  }
  if (!idle_.empty()) {
    Connection* c = idle_.back().release();
    idle_.pop_back();
    return c;
  }
  ++open_;
  lock.unlock();
  try {
    return factory_().release();
  } catch (...) {
    lock.lock();
    --open_;
    available_.notify_one();
    throw;
  }
}

void Pool::give(Connection* connection) noexcept {
  std::unique_ptr<Connection> owned(connection);
  std::lock_guard lock(mutex_);
  if (owned->healthy()) {
    idle_.push_back(std::move(owned));
  } else {
    --open_;  // dropped; the next take() reconnects
  }
  available_.notify_one();
}

// ---------------------------------------------------------------------------------------------
// Constraint messages

core::Error describe_unique_violation(std::string_view native) {
  // SQLite names an expression/partial index ("index 'x'") or the columns ("t.a, t.b");
  // PostgreSQL names the constraint or index ("... constraint \"x\"").
  struct Known {
    std::array<std::string_view, 2> needles;
    std::string_view message;
  };
  static constexpr std::array<Known, 14> kKnown{{
      {{"actors_local_handle_key", "actors_local_handle_key"}, "this handle is already taken"},
      {{"actors_remote_handle_key", "actors_remote_handle_key"},
       "another actor on that domain has this handle"},
      {{"actors_ap_id_key", "actors.ap_id"}, "an actor with this ActivityPub id already exists"},
      {{"users_email_key", "users.email"}, "this email address is already in use"},
      {{"instances_local_key", "instances.is_local"}, "another instance is already the local one"},
      {{"instances_host_key", "instances.host"}, "this instance is already known"},
      {{"memberships_follow_ap_id_key", "memberships.follow_ap_id"},
       "this Follow activity is already recorded"},
      {{"memberships_community_actor_key", "memberships.community_id"},
       "this actor already has a membership in the community"},
      {{"follows_ap_id_key", "follows.ap_id"}, "this Follow activity is already recorded"},
      {{"follows_pair_key", "follows.follower_id"}, "already following"},
      {{"posts_ap_id_key", "posts.ap_id"}, "a post with this ActivityPub id already exists"},
      {{"reactions_ap_id_key", "reactions.ap_id"}, "this activity is already recorded"},
      {{"reactions_key", "reactions.post_id"}, "this reaction already exists"},
      {{"_pkey", ".id"}, "a row with this id already exists"},
  }};
  for (const auto& k : kKnown)
    for (auto needle : k.needles)
      if (native.find(needle) != std::string_view::npos)
        return core::Error::already_exists(std::string(k.message));
  return core::Error::already_exists("already exists");
}

core::Error describe_foreign_key_violation(std::string_view sql, bool still_referenced) {
  (void)sql;
  if (still_referenced)
    return core::Error::conflict("the row is still referenced by other rows");
  return core::Error::invalid_input("a referenced row does not exist");
}

}  // namespace guildhall::storage::driver
