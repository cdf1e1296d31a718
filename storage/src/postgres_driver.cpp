// PostgreSQL driver over libpqxx 6.4: a bounded pool of connections, one pqxx transaction per
// unit of work, every pqxx exception translated here.

#include <algorithm>
#include <atomic>
#include <charconv>
#include <future>
#include <thread>

#include <pqxx/pqxx>

#include "driver.hpp"

namespace guildhall::storage::driver {

namespace {

core::Error translate_sql_error(const pqxx::sql_error& e) {
  const std::string& state = e.sqlstate();
  const std::string_view what = e.what();
  if (state == "23505")
    return describe_unique_violation(what);
  if (state == "23503")
    return describe_foreign_key_violation(e.query(),
                                          what.find("still referenced") != std::string_view::npos);
  if (state == "23514" || state == "23502" || state.rfind("22", 0) == 0)
    return core::Error::invalid_input("rejected by a database constraint: " + std::string(what));
  if (state == "40001" || state == "40P01")
    return core::Error::conflict("concurrent update; retry the operation");
  // 08: connection exceptions, 53: insufficient resources, 57: operator intervention.
  if (state.rfind("08", 0) == 0 || state.rfind("53", 0) == 0 || state.rfind("57", 0) == 0)
    return core::Error::unavailable("database unavailable: " + std::string(what));
  if (state == "25006")  // read_only_sql_transaction: a write inside Database::read()
    return core::Error::internal("write attempted in a read-only transaction");
  return core::Error::internal("database error: " + std::string(what));
}

// Runs f, turning every libpqxx exception into a DriverError.
template <typename F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const DriverError&) {
    throw;
  } catch (const pqxx::broken_connection& e) {
    throw DriverError(core::Error::unavailable(std::string("database unavailable: ") + e.what()));
  } catch (const pqxx::sql_error& e) {
    throw DriverError(translate_sql_error(e));
  } catch (const pqxx::in_doubt_error& e) {
    throw DriverError(core::Error::unavailable(
        std::string("connection lost during commit; outcome unknown: ") + e.what()));
  } catch (const pqxx::transaction_rollback& e) {
    throw DriverError(core::Error::conflict(std::string("transaction rolled back: ") + e.what()));
  } catch (const std::exception& e) {
    throw DriverError(core::Error::internal(std::string("database error: ") + e.what()));
  }
}

std::string to_text(const Param::Value& value, bool& is_null) {
  is_null = false;
  return std::visit(
      [&](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          is_null = true;
          return {};
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return std::to_string(v);
        } else if constexpr (std::is_same_v<T, bool>) {
          return v ? "t" : "f";
        } else if constexpr (std::is_same_v<T, double>) {
          char buffer[64];
          auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
          (void)ec;
          return std::string(buffer, end);
        } else {
          return v;
        }
      },
      value);
}

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(const std::string& uri)
      : conn_(guarded([&] {
          auto c = std::make_unique<pqxx::connection>(uri);
          // Keep "relation already exists, skipping" and similar notices out of our logs.
          pqxx::nontransaction(*c).exec("SET client_min_messages TO warning");
          return c;
        })) {}

  ~PostgresConnection() override {
    tx_.reset();  // aborts an open transaction before the connection closes
  }

  Dialect dialect() const noexcept override { return Dialect::postgres; }

  void begin(TxMode mode) override {
    guarded([&] {
      if (mode == TxMode::read_only)
        tx_ = std::make_unique<pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>>(*conn_);
      else
        tx_ = std::make_unique<pqxx::work>(*conn_);
    });
  }

  void commit() override {
    guarded([&] {
      tx_->commit();
      tx_.reset();
    });
  }

  void rollback() noexcept override {
    try {
      if (tx_)
        tx_->abort();
    } catch (...) {  // the connection may be gone; dropping the transaction is all we can do
    }
    tx_.reset();
  }

  Rows execute(std::string_view sql, const Params& params) override {
    return guarded([&] {
      std::vector<std::string> texts(params.size());
      std::vector<const char*> pointers(params.size());
      for (std::size_t i = 0; i < params.size(); ++i) {
        bool is_null = false;
        texts[i] = to_text(params[i].value(), is_null);
        pointers[i] = is_null ? nullptr : texts[i].c_str();
      }
      const pqxx::result r =
          tx_->exec_params(std::string(sql), pqxx::prepare::make_dynamic_params(pointers));
      std::vector<std::string> names;
      for (pqxx::row::size_type c = 0; c < r.columns(); ++c)
        names.emplace_back(r.column_name(c));
      std::vector<std::vector<Cell>> cells;
      cells.reserve(r.size());
      for (const auto& row : r) {
        std::vector<Cell> out;
        out.reserve(row.size());
        for (const auto& field : row) {
          if (field.is_null())
            out.emplace_back(std::monostate{});
          else
            out.emplace_back(std::string(field.c_str(), field.size()));
        }
        cells.push_back(std::move(out));
      }
      return Rows(std::move(names), std::move(cells));
    });
  }

  void execute_script(std::string_view sql) override {
    guarded([&] { tx_->exec(std::string(sql)); });
  }

  bool healthy() const noexcept override {
    try {
      return conn_->is_open();
    } catch (...) {
      return false;
    }
  }

 private:
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::dbtransaction> tx_;
};

// libpq waits for an unreachable host for minutes unless told otherwise.
std::string with_connect_timeout(std::string uri, std::chrono::milliseconds timeout) {
  if (uri.find("connect_timeout") != std::string::npos)
    return uri;
  const auto seconds =
      std::max<std::int64_t>(2, std::chrono::duration_cast<std::chrono::seconds>(timeout).count());
  const bool is_uri = uri.rfind("postgresql://", 0) == 0 || uri.rfind("postgres://", 0) == 0;
  if (is_uri)
    uri += (uri.find('?') == std::string::npos ? "?" : "&");
  else if (!uri.empty())
    uri += ' ';
  uri += "connect_timeout=" + std::to_string(seconds);
  return uri;
}

class PostgresSource final : public ConnectionSource {
 public:
  explicit PostgresSource(const PostgresOptions& options)
      : uri_(with_connect_timeout(options.uri, options.acquire_timeout)),
        pool_(options.pool_size, options.acquire_timeout,
              [this] { return std::make_unique<PostgresConnection>(uri_); }) {
    // Connect once now so a wrong URL or a down server is reported when opening.
    pool_.give(pool_.take());
  }

  Dialect dialect() const noexcept override { return Dialect::postgres; }

  Lease acquire(TxMode mode) override { return Lease(this, pool_.take(), mode); }

 protected:
  void release(Connection* connection, TxMode mode) noexcept override {
    (void)mode;
    pool_.give(connection);
  }

 private:
  std::string uri_;
  Pool pool_;
};

class ChannelReceiver final : public pqxx::notification_receiver {
 public:
  ChannelReceiver(pqxx::connection_base& c, const std::string& channel,
                  const std::function<void(std::string_view)>& on_payload)
      : pqxx::notification_receiver(c, channel), on_payload_(on_payload) {}
  void operator()(const std::string& payload, int) override { on_payload_(payload); }

 private:
  const std::function<void(std::string_view)>& on_payload_;
};

class PostgresListener final : public NotificationListener {
 public:
  PostgresListener(const PostgresOptions& options, std::string channel,
                   std::function<void(std::string_view)> on_payload)
      : uri_(with_connect_timeout(options.uri, options.acquire_timeout)),
        channel_(std::move(channel)),
        on_payload_(std::move(on_payload)) {
    auto listening = first_listen_.get_future();
    thread_ = std::thread([this] { run(); });
    if (listening.wait_for(options.acquire_timeout) != std::future_status::ready ||
        !listening.get()) {
      stop();
      throw DriverError(
          core::Error::unavailable("database unavailable: cannot LISTEN for changes"));
    }
  }
  ~PostgresListener() override { stop(); }

 private:
  // How long one wait for notifications blocks: bounds how late stop() is noticed.
  static constexpr long kPollMicroseconds = 200'000;
  static constexpr auto kReconnectPause = std::chrono::seconds(1);

  void run() {
    bool reported = false;
    while (!stopping_.load()) {
      try {
        pqxx::connection conn(uri_);
        ChannelReceiver receiver(conn, channel_, on_payload_);
        conn.get_notifs();  // the LISTEN is sent with the receiver; make sure it went through
        if (!reported) {
          first_listen_.set_value(true);
          reported = true;
        }
        while (!stopping_.load())
          conn.await_notification(0, kPollMicroseconds);
        return;
      } catch (const std::exception&) {
        if (!reported) {
          first_listen_.set_value(false);
          reported = true;
        }
        for (auto waited = std::chrono::milliseconds(0);
             waited < kReconnectPause && !stopping_.load(); waited += std::chrono::milliseconds(50))
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }

  void stop() {
    stopping_.store(true);
    if (thread_.joinable())
      thread_.join();
  }

  std::string uri_;
  std::string channel_;
  std::function<void(std::string_view)> on_payload_;
  std::promise<bool> first_listen_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace

std::unique_ptr<ConnectionSource> open_postgres(const PostgresOptions& options) {
  return std::make_unique<PostgresSource>(options);
}

std::unique_ptr<NotificationListener> listen_postgres(
    const PostgresOptions& options, std::string channel,
    std::function<void(std::string_view payload)> on_payload) {
  return std::make_unique<PostgresListener>(options, std::move(channel), std::move(on_payload));
}

}  // namespace guildhall::storage::driver
