#pragma once

// One io_context run by one thread of its own, for an EgressClient used from blocking code (the
// CLI, tests, or a server that prefers to keep outgoing I/O off its HTTP threads). A server that
// already runs an io_context can pass that executor to the EgressClient instead.
//
//   fetch::IoThread io;
//   egress::EgressClient client(io.executor(), options);
//   fetch::Dereferencer deref(client, ...);   // blocking calls from any other thread

#include <thread>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace guildhall::federation::fetch {

class IoThread {
 public:
  IoThread() : work_(io_.get_executor()), thread_([this] { io_.run(); }) {}
  // Stops the loop and joins. Destroy every client using the executor first.
  ~IoThread() { stop(); }
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;

  boost::asio::any_io_executor executor() { return io_.get_executor(); }
  // Idempotent; not from the loop's own thread.
  void stop() {
    work_.reset();
    io_.stop();
    if (thread_.joinable())
      thread_.join();
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace guildhall::federation::fetch
