#pragma once

// Per-test databases for the conformance suite. create() returns the URL of a fresh, empty
// database, or an empty string and a reason when the backend is not available here.

#include <string>

namespace guildhall::storage::testing {

// CI=true turns "backend not available" from a skip into a failure.
bool running_in_ci();

class SqliteBackend {
 public:
  static constexpr const char* kName = "Sqlite";
  SqliteBackend() = default;
  SqliteBackend(const SqliteBackend&) = delete;
  SqliteBackend& operator=(const SqliteBackend&) = delete;
  ~SqliteBackend();
  std::string create(std::string& skip_reason);  // a fresh file in a private temp directory
  void exec(const std::string& sql);             // raw SQL, bypassing storage (test set-up only)

 private:
  std::string dir_;
  std::string path_;
};

class PostgresBackend {
 public:
  static constexpr const char* kName = "Postgres";
  static constexpr const char* kUrlVariable = "GUILDHALL_TEST_POSTGRES_URL";
  PostgresBackend() = default;
  PostgresBackend(const PostgresBackend&) = delete;
  PostgresBackend& operator=(const PostgresBackend&) = delete;
  ~PostgresBackend();                            // drops the database
  std::string create(std::string& skip_reason);  // CREATE DATABASE on the test cluster
  void exec(const std::string& sql);

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

// postgresql://host/db?params with the path replaced by /name.
std::string with_database(const std::string& url, const std::string& name);

}  // namespace guildhall::storage::testing
