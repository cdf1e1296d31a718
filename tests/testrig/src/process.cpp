#include "guildhall/testrig/process.hpp"

#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
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
}

Process::~Process() {
  if (!exit_code_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_fd_ >= 0)
    close(out_fd_);
}

bool Process::read_some(std::chrono::milliseconds timeout) {
  pollfd p{out_fd_, POLLIN, 0};
  const int ready = poll(&p, 1, static_cast<int>(timeout.count()));
  if (ready <= 0)
    return false;
  char buf[4096];
  const ssize_t n = read(out_fd_, buf, sizeof buf);
  if (n <= 0)
    return false;
  output_.append(buf, static_cast<std::size_t>(n));
  return true;
}

std::optional<std::string> Process::wait_for_line(const std::string& needle,
                                                  std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    // scanned_ is the start of the first line not yet looked at.
    for (std::size_t end; (end = output_.find('\n', scanned_)) != std::string::npos;) {
      std::string line = output_.substr(scanned_, end - scanned_);
      scanned_ = end + 1;
      if (line.find(needle) != std::string::npos)
        return line;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0 || !read_some(left))
      return std::nullopt;  // deadline, or EOF (exited)
  }
}

std::optional<int> Process::wait(std::chrono::milliseconds timeout) {
  if (exit_code_)
    return exit_code_;
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      while (read_some(std::chrono::milliseconds(0))) {
      }
      return exit_code_;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0)
      return std::nullopt;
    // Drain output while waiting so the child never blocks on a full pipe; the poll timeout
    // bounds each wait (this is waiting for an event, not sleeping for synchronisation).
    read_some(std::min(left, std::chrono::milliseconds(20)));
  }
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
