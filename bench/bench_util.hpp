#pragma once

// Small helpers shared by the benchmark programs: timing, percentiles, /proc readings, child
// processes. Benchmarks print figures; they never assert timing.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace guildhall::bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Percentile (0..100) of an unsorted sample; sorts it.
template <typename T>
T percentile(std::vector<T>& sample, double p) {
  if (sample.empty())
    return T{};
  std::sort(sample.begin(), sample.end());
  auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sample.size() - 1) + 0.5);
  return sample[std::min(index, sample.size() - 1)];
}

// "12,345"
inline std::string thousands(double value) {
  auto n = static_cast<long long>(value + 0.5);
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

inline std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

// A value of /proc/PID/status in kB ("VmRSS", "VmHWM"); nullopt if unreadable.
inline std::optional<long> proc_status_kb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      std::istringstream fields(line.substr(field.size() + 1));
      long kb = 0;
      fields >> kb;
      return kb;
    }
  }
  return std::nullopt;
}

// User + system CPU seconds of a process (all its threads) from /proc/PID/stat.
inline double proc_cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = all.rfind(')');
  if (close == std::string::npos)
    return 0;
  std::istringstream fields(all.substr(close + 2));
  std::string field;
  unsigned long utime = 0, stime = 0;
  // After "pid (comm) ": state is field 3; utime is field 14, stime 15.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14)
      utime = std::stoul(field);
    if (i == 15)
      stime = std::stoul(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

inline std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

// A child process whose stdout and stderr go to a log file. The destructor kills it.
class Child {
 public:
  Child(const std::string& program, const std::vector<std::string>& args,
        const std::map<std::string, std::string>& extra_env, const std::string& log_path)
      : log_path_(log_path) {
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string entry = *e;
      auto eq = entry.find('=');
      if (eq != std::string::npos && extra_env.count(entry.substr(0, eq)) != 0)
        continue;
      env_strings.push_back(entry);
    }
    for (const auto& [k, v] : extra_env)
      env_strings.push_back(k + "=" + v);
    std::vector<std::string> argv_strings{program};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv, envp;
    for (auto& s : argv_strings)
      argv.push_back(s.data());
    argv.push_back(nullptr);
    for (auto& s : env_strings)
      envp.push_back(s.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    int rc = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
      pid_ = -1;
  }
  ~Child() {
    if (pid_ > 0 && !exit_code_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  bool started() const { return pid_ > 0; }
  std::string log() const {
    std::ifstream in(log_path_);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  // Polls the log for a line containing `needle`; returns the line, or nullopt at the deadline
  // or when the process exits.
  std::optional<std::string> wait_for_line(const std::string& needle,
                                           std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      std::istringstream lines(log());
      std::string line;
      while (std::getline(lines, line))
        if (line.find(needle) != std::string::npos)
          return line;
      if (wait(std::chrono::milliseconds(0)))
        return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
  }

  // Waits for exit; the exit code (128+signal when killed), or nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout) {
    if (exit_code_ || pid_ <= 0)
      return exit_code_;
    auto deadline = Clock::now() + timeout;
    for (;;) {
      int status = 0;
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return exit_code_;
      }
      if (Clock::now() >= deadline)
        return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  std::optional<int> stop(int signal, std::chrono::milliseconds timeout) {
    if (pid_ > 0 && !exit_code_)
      ::kill(pid_, signal);
    return wait(timeout);
  }

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  std::optional<int> exit_code_;
};

// Removes a temporary directory when the benchmark leaves its scope, early returns included.
// Declare it before the children and databases that use the directory, so they go first.
class TempDirGuard {
 public:
  explicit TempDirGuard(std::filesystem::path path) : path_(std::move(path)) {}
  ~TempDirGuard() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDirGuard(const TempDirGuard&) = delete;
  TempDirGuard& operator=(const TempDirGuard&) = delete;

 private:
  std::filesystem::path path_;
};

// "listening on http://127.0.0.1:PORT" -> PORT (0 if absent).
inline std::uint16_t port_from_line(const std::string& line) {
  auto at = line.find("127.0.0.1:");
  if (at == std::string::npos)
    return 0;
  return static_cast<std::uint16_t>(std::atoi(line.c_str() + at + 10));
}

}  // namespace guildhall::bench
