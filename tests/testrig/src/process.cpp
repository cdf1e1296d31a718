#include "guildhall/testrig/process.hpp"

#include <stdexcept>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace guildhall::testrig {

using Clock = std::chrono::steady_clock;

Process::Process(const std::string& program, const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& extra_env) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    const auto name = entry.substr(0, entry.find('='));
    if (!extra_env.contains(name))
      env_strings.push_back(entry);
  }
  for (const auto& [k, v] : extra_env)
    env_strings.push_back(k + "=" + v);
  std::vector<char*> argv{const_cast<char*>(program.c_str())};
  for (const auto& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env_strings)
    envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_ = fork();
  if (pid_ < 0)
    throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    execve(program.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(fds[1]);
  out_fd_ = fds[0];
  reader_ = std::thread([this] { drain(); });
}

void Process::drain() {
  char buf[4096];
  for (;;) {
    const ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    std::lock_guard lock(mutex_);
    if (n <= 0) {
      eof_ = true;  // every copy of the pipe's write end is closed: the process (tree) is gone
      changed_.notify_all();
      return;
    }
    output_.append(buf, static_cast<std::size_t>(n));
    changed_.notify_all();
  }
}

std::string Process::output() const {
  std::lock_guard lock(mutex_);
  return output_;
}

Process::~Process() {
  if (!exit_code_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (reader_.joinable())
    reader_.join();  // EOF follows the exit
  if (out_fd_ >= 0)
    close(out_fd_);
}

std::optional<std::string> Process::wait_for_line(const std::string& needle,
                                                  std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::unique_lock lock(mutex_);
  for (;;) {
    // scanned_ is the start of the first line not yet looked at.
    for (std::size_t end; (end = output_.find('\n', scanned_)) != std::string::npos;) {
      std::string line = output_.substr(scanned_, end - scanned_);
      scanned_ = end + 1;
      if (line.find(needle) != std::string::npos)
        return line;
    }
    if (eof_)
      return std::nullopt;
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout)
      return std::nullopt;
  }
}

std::optional<int> Process::wait(std::chrono::milliseconds timeout) {
  if (exit_code_)
    return exit_code_;
  // The reader sees EOF when the process exits (its output pipe closes); then reap it.
  {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_until(lock, Clock::now() + timeout, [this] { return eof_; }))
      return std::nullopt;
  }
  int status = 0;
  if (waitpid(pid_, &status, 0) != pid_)
    return std::nullopt;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return exit_code_;
}

std::optional<int> Process::stop(int signal, std::chrono::milliseconds timeout) {
  if (exit_code_)
    return exit_code_;
  kill(pid_, signal);
  return wait(timeout);
}

std::string guildhall_binary() {
  return GUILDHALL_BINARY;
}

}  // namespace guildhall::testrig
