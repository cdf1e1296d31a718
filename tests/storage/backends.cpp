#include "backends.hpp"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string_view>

#include <pqxx/pqxx>
#include <sqlite3.h>
#include <unistd.h>

namespace guildhall::storage::testing {

bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && (std::string_view(ci) == "true" || std::string_view(ci) == "1");
}

SqliteBackend::~SqliteBackend() {
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

std::string SqliteBackend::create(std::string&) {
  std::string pattern = (std::filesystem::temp_directory_path() / "guildhall-storage-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  path_ = dir_ + "/guildhall.db";
  return "sqlite:" + path_;
}

void SqliteBackend::exec(const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path_.c_str(), &db) != SQLITE_OK)
    throw std::runtime_error("cannot open " + path_);
  sqlite3_busy_timeout(db, 5000);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  if (rc != SQLITE_OK)
    throw std::runtime_error("sqlite: " + message);
}

std::string with_database(const std::string& url, const std::string& name) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos)
    throw std::runtime_error("not a postgresql:// URL: " + url);
  const auto path_start = url.find('/', scheme_end + 3);
  const auto query_start = url.find('?', scheme_end + 3);
  const std::string head =
      url.substr(0, path_start == std::string::npos || path_start > query_start
                        ? (query_start == std::string::npos ? url.size() : query_start)
                        : path_start);
  const std::string query = query_start == std::string::npos ? "" : url.substr(query_start);
  return head + "/" + name + query;
}

PostgresBackend::~PostgresBackend() {
  if (name_.empty())
    return;
  try {
    pqxx::connection admin(admin_url_);
    pqxx::nontransaction(admin).exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {  // the cluster is thrown away after the run anyway
  }
}

std::string PostgresBackend::create(std::string& skip_reason) {
  const char* url = std::getenv(kUrlVariable);
  if (url == nullptr || *url == '\0') {
    skip_reason = std::string(kUrlVariable) +
                  " is not set: run through ctest (fixture `postgres` starts a throwaway "
                  "cluster) or point it at a scratch PostgreSQL server";
    return {};
  }
  static std::atomic<int> counter{0};
  admin_url_ = url;
  name_ = "guildhall_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  pqxx::connection admin(admin_url_);
  pqxx::nontransaction tx(admin);
  tx.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  tx.exec("CREATE DATABASE " + name_);
  url_ = with_database(admin_url_, name_);
  return url_;
}

void PostgresBackend::exec(const std::string& sql) {
  pqxx::connection c(url_);
  pqxx::nontransaction(c).exec(sql);
}

}  // namespace guildhall::storage::testing
