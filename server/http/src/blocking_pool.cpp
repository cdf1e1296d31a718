#include "guildhall/server/http/blocking_pool.hpp"

#include <exception>
#include <stdexcept>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace guildhall::server::http {

struct BlockingPool::Impl {
  explicit Impl(std::size_t n) : pool(n) {}
  boost::asio::thread_pool pool;
  bool joined = false;
};

BlockingPool::BlockingPool(std::size_t threads) : size_(threads) {
  if (threads == 0)
    throw std::invalid_argument("BlockingPool needs at least one thread");
  impl_ = std::make_unique<Impl>(threads);
}

BlockingPool::~BlockingPool() {
  join();
}

void BlockingPool::join() {
  if (impl_->joined)
    return;
  impl_->joined = true;
  impl_->pool.join();
}

boost::asio::awaitable<void> BlockingPool::run_erased(std::function<void()> work) {
  std::exception_ptr error;
  co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void()>(
      [this, &work, &error](auto handler) {
        // Keep the caller's io_context alive (outstanding work) until the result is posted back.
        auto caller = boost::asio::prefer(boost::asio::get_associated_executor(handler),
                                          boost::asio::execution::outstanding_work.tracked);
        boost::asio::post(impl_->pool, [&work, &error, caller = std::move(caller),
                                        handler = std::move(handler)]() mutable {
          try {
            work();
          } catch (...) {
            error = std::current_exception();
          }
          boost::asio::post(caller, std::move(handler));
        });
      },
      boost::asio::use_awaitable);
  if (error)
    std::rethrow_exception(error);
}

}  // namespace guildhall::server::http
