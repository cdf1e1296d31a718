#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include <boost/asio/awaitable.hpp>

namespace guildhall::server::http {

// Runs blocking work (database calls) off the I/O threads:
//   auto rows = co_await pool.run([&] { return db.transact(...); });
// The coroutine resumes on its own executor with the result, or the work's exception rethrown.
// The pool must outlive every coroutine awaiting it (stop the server before destroying the pool).
class BlockingPool {
 public:
  explicit BlockingPool(std::size_t threads);
  ~BlockingPool();  // waits for queued work
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  std::size_t size() const noexcept { return size_; }

  template <typename F>
  auto run(F work) -> boost::asio::awaitable<std::decay_t<std::invoke_result_t<F&>>> {
    using R = std::decay_t<std::invoke_result_t<F&>>;
    if constexpr (std::is_void_v<R>) {
      co_await run_erased([&work] { work(); });
    } else {
      std::optional<R> result;
      co_await run_erased([&work, &result] { result.emplace(work()); });
      co_return std::move(*result);
    }
  }

  // Stops accepting work and waits for queued work to finish. Idempotent.
  void join();

 private:
  // Runs `work` on the pool and resumes the caller on its executor; rethrows what `work` threw.
  boost::asio::awaitable<void> run_erased(std::function<void()> work);

  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::size_t size_;
};

}  // namespace guildhall::server::http
