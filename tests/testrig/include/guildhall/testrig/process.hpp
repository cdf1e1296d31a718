#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>

namespace guildhall::testrig {

// A child process with its stdout and stderr captured (merged), for end-to-end tests of the real
// `guildhall` binary. A reader thread drains the output continuously, so a chatty server never
// blocks on a full pipe. The destructor kills the process if it is still running.
class Process {
 public:
  Process(const std::string& program, const std::vector<std::string>& args,
          const std::map<std::string, std::string>& extra_env = {});
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Reads output until a line contains `needle`; returns that line, or nullopt at the deadline or
  // when the process exits first. Everything read is kept in output().
  std::optional<std::string> wait_for_line(const std::string& needle,
                                           std::chrono::milliseconds timeout);
  // Sends a signal and waits for the exit status (nullopt on timeout; then it is killed).
  std::optional<int> stop(int signal, std::chrono::milliseconds timeout);
  // Waits for exit (nullopt on timeout).
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // Everything the process printed so far.
  std::string output() const;
  pid_t pid() const { return pid_; }

 private:
  void drain();  // the reader thread
  pid_t pid_ = -1;
  int out_fd_ = -1;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string output_;
  bool eof_ = false;
  std::size_t scanned_ = 0;
  std::optional<int> exit_code_;
  std::thread reader_;
};

// Path of the guildhall binary under test (set by CMake).
std::string guildhall_binary();

}  // namespace guildhall::testrig
