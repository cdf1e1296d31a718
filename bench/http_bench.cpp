// HTTP benchmark: the real `guildhall serve` against a minimal Beast hello-world measured in the
// same run, plus the server's memory (performance-limits rows 9, 19, 20). Prints figures and
// ratios; asserts nothing.
//
//   http_bench --hello PATH --guildhall PATH [--seconds 5] [--connections 64] [--threads 2]
//              [--memory-connections 256]
//   http_bench --port PORT --path /target [--accept TYPE] [--seconds 5] [--connections 64]
//
// The first form starts beast_hello, loads GET /, stops it; then starts `guildhall serve` on
// SQLite in a fresh temporary data directory (port 0, http ids), creates alice with the CLI, reads
// the idle resident set, loads each cached GET in turn, then a many-connection run, and reads the
// peak resident set. Traffic goes to 127.0.0.1 only; every run is bounded in time.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "load.hpp"

namespace fs = std::filesystem;
using namespace guildhall::bench;

namespace {

struct Options {
  std::string hello;
  std::string guildhall;
  std::uint16_t port = 0;
  std::string path = "/";
  std::string accept;
  int seconds = 5;
  int connections = 64;
  int threads = 2;
  int memory_connections = 256;
};

struct Row {
  std::string name;
  LoadResult load;
  double server_cpu = 0;  // server CPU seconds during the whole run (warm-up included)
  double total_seconds = 0;
  double rate() const { return load.rate(); }
  // Responses per second of server CPU, over the whole run (warm-up responses are not counted,
  // so this is scaled by the counted share of the run).
  double per_cpu_second() const {
    if (server_cpu <= 0 || total_seconds <= 0)
      return 0;
    double counted_share = load.seconds / total_seconds;
    return static_cast<double>(load.responses) / (server_cpu * counted_share);
  }
};

Row measure(const std::string& name, pid_t server, const Options& options,
            std::vector<std::string> requests, int connections, double rate = 0) {
  LoadSpec spec;
  spec.rate = rate;
  spec.port = options.port;
  spec.requests = std::move(requests);
  spec.connections = connections;
  spec.duration = std::chrono::seconds(options.seconds);
  spec.warmup = std::chrono::seconds(1);
  Row row;
  row.name = name;
  double cpu_before = proc_cpu_seconds(server);
  auto start = Clock::now();
  row.load = run_load(spec);
  row.total_seconds = seconds_since(start);
  row.server_cpu = proc_cpu_seconds(server) - cpu_before;
  return row;
}

void print_row(const Row& row, const Row* reference) {
  auto lat = row.load.lat_us;
  auto p50 = percentile(lat, 50);
  auto p99 = percentile(lat, 99);
  std::cout << "| " << row.name << " | " << thousands(row.rate()) << " | " << fixed(p50 / 1000.0, 2)
            << " | " << fixed(p99 / 1000.0, 2) << " | " << thousands(row.per_cpu_second()) << " | ";
  if (reference != nullptr && reference->rate() > 0 && reference->per_cpu_second() > 0)
    std::cout << fixed(row.rate() / reference->rate(), 2) << "x | "
              << fixed(row.per_cpu_second() / reference->per_cpu_second(), 2) << "x | ";
  else
    std::cout << "1.00x | 1.00x | ";
  std::cout << row.load.status_summary() << " |" << std::endl;
}

void print_header() {
  std::cout << "| case | req/s | p50 ms | p99 ms | req per server-CPU-s | ratio req/s | ratio "
               "per CPU-s | statuses |\n"
               "|---|---|---|---|---|---|---|---|"
            << std::endl;
}

int single_target(Options options) {
  Row row;
  row.name = "GET " + options.path;
  LoadSpec spec;
  spec.port = options.port;
  spec.requests = {get_request(options.path, "127.0.0.1", options.accept)};
  spec.connections = options.connections;
  spec.duration = std::chrono::seconds(options.seconds);
  row.load = run_load(spec);
  print_header();
  print_row(row, nullptr);
  return 0;
}

std::string mb(long kb) {
  return fixed(static_cast<double>(kb) / 1024.0, 1);
}

int suite(Options options) {
  std::cout << "== http_bench: guildhall serve vs beast_hello (" << options.connections
            << " keep-alive connections, " << options.seconds << " s + 1 s warm-up per case, "
            << options.threads << " server threads, 1 client thread; load average "
            << load_average() << ")" << std::endl;

  char dir_template[] = "/tmp/guildhall-bench-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) {
    std::cerr << "mkdtemp failed\n";
    return 1;
  }
  const fs::path dir = dir_template;
  const TempDirGuard cleanup(dir);
  const std::string threads = std::to_string(options.threads);

  // (a) The ceiling.
  Row hello;
  {
    Child server(options.hello, {"--threads", threads, "--seconds", "300"}, {},
                 (dir / "hello.log").string());
    auto line = server.wait_for_line("listening on", std::chrono::seconds(10));
    if (!line) {
      std::cerr << "beast_hello did not start:\n" << server.log();
      return 1;
    }
    options.port = port_from_line(*line);
    hello = measure("beast_hello GET /", server.pid(), options, {get_request("/", "127.0.0.1")},
                    options.connections);
    server.stop(SIGTERM, std::chrono::seconds(5));
  }

  // (b) The real server.
  const std::string domain = "bench.test";
  std::map<std::string, std::string> env = {{"GUILDHALL_CONFIG", (dir / "guildhall.toml").string()},
                                            {"GUILDHALL_DATA_DIR", (dir / "data").string()},
                                            {"GUILDHALL_LISTEN", "127.0.0.1:0"},
                                            {"GUILDHALL_DOMAIN", domain},
                                            {"GUILDHALL_FEDERATION_ALLOW_HTTP", "true"},
                                            {"GUILDHALL_HTTP_THREADS", threads}};
  if (const char* level = std::getenv("BENCH_LOG_LEVEL"))
    env["GUILDHALL_LOG_LEVEL"] = level;
  std::ofstream(dir / "guildhall.toml") << "# http_bench: everything comes from GUILDHALL_*\n";

  std::vector<Row> rows;
  long idle_rss = 0, idle_hwm = 0, peak_hwm = 0, after_rss = 0;
  double half_rate = 0;
  Row half_load;
  {
    Child server(options.guildhall, {"serve"}, env, (dir / "serve.log").string());
    auto line = server.wait_for_line("listening on http://", std::chrono::seconds(60));
    if (!line) {
      std::cerr << "guildhall serve did not start:\n" << server.log();
      return 1;
    }
    options.port = port_from_line(*line);
    {
      Child cli(options.guildhall,
                {"admin", "user", "create", "alice", "--password", "correct horse battery",
                 "--display-name", "Alice"},
                env, (dir / "cli.log").string());
      if (cli.wait(std::chrono::seconds(60)) != 0) {
        std::cerr << "admin user create failed:\n" << cli.log();
        return 1;
      }
    }
    std::this_thread::sleep_for(std::chrono::seconds(2));
    idle_rss = proc_status_kb(server.pid(), "VmRSS").value_or(0);
    idle_hwm = proc_status_kb(server.pid(), "VmHWM").value_or(0);

    const std::string host = "127.0.0.1:" + std::to_string(options.port);
    const std::string as2 = "application/activity+json";
    struct Case {
      std::string name;
      std::string request;
    };
    const std::vector<Case> cases = {
        {"guildhall GET /health (SQLite query)", get_request("/health", host)},
        {"guildhall GET /.well-known/webfinger",
         get_request("/.well-known/webfinger?resource=acct:alice@" + domain, host)},
        {"guildhall GET /users/alice (activity+json)", get_request("/users/alice", host, as2)},
        {"guildhall GET /nodeinfo/2.1", get_request("/nodeinfo/2.1", host)},
    };
    for (const auto& c : cases)
      rows.push_back(measure(c.name, server.pid(), options, {c.request}, options.connections));
    rows.push_back(measure("guildhall GET /users/alice, " +
                               std::to_string(options.memory_connections) + " connections",
                           server.pid(), options, {cases[2].request}, options.memory_connections));
    // Latency at half the measured maximum (limits row 20), open loop.
    half_rate = rows[2].rate() / 2;
    if (half_rate > 0)
      half_load =
          measure("guildhall GET /users/alice at " + thousands(half_rate) +
                      " req/s (50 % of max, open loop)",
                  server.pid(), options, {cases[2].request}, options.connections, half_rate);
    peak_hwm = proc_status_kb(server.pid(), "VmHWM").value_or(0);
    after_rss = proc_status_kb(server.pid(), "VmRSS").value_or(0);
    auto code = server.stop(SIGTERM, std::chrono::seconds(30));
    if (code != 0)
      std::cerr << "guildhall serve exited with " << (code ? std::to_string(*code) : "timeout")
                << "\n";
  }

  std::cout << "\nThroughput (ratios are to beast_hello in this run; target >= 0.5x for cached "
               "GETs)\n\n";
  print_header();
  print_row(hello, nullptr);
  for (const auto& row : rows)
    print_row(row, &hello);
  if (half_rate > 0) {
    auto lat = half_load.load.lat_us;
    const double p99 = percentile(lat, 99) / 1000.0;
    std::cout << "\nLatency at 50 % load (open loop, latency from the scheduled send time; target "
                 "read APIs p99 <= 50 ms)\n\n";
    print_header();
    print_row(half_load, &hello);
    std::cout << "\np99 " << fixed(p99, 2) << " ms = " << fixed(p99 / 50.0, 2)
              << "x the 50 ms target" << std::endl;
  }

  std::cout << "\nMemory of guildhall serve (VmRSS / VmHWM from /proc/PID/status)\n\n"
               "| quantity | MB | target MB | ratio to target |\n|---|---|---|---|\n"
            << "| RSS idle (after start and one CLI user) | " << mb(idle_rss) << " | 30 | "
            << fixed(static_cast<double>(idle_rss) / 1024.0 / 30.0, 2) << "x |\n"
            << "| peak RSS before load (VmHWM) | " << mb(idle_hwm) << " | 30 | "
            << fixed(static_cast<double>(idle_hwm) / 1024.0 / 30.0, 2) << "x |\n"
            << "| peak RSS after the HTTP load (VmHWM) | " << mb(peak_hwm) << " | 150 | "
            << fixed(static_cast<double>(peak_hwm) / 1024.0 / 150.0, 2) << "x |\n"
            << "| RSS after the HTTP load | " << mb(after_rss) << " | 150 | "
            << fixed(static_cast<double>(after_rss) / 1024.0 / 150.0, 2) << "x |" << std::endl;
  std::cout << "\nload average at the end: " << load_average() << std::endl;

  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--hello")
      options.hello = value;
    else if (flag == "--guildhall")
      options.guildhall = value;
    else if (flag == "--port")
      options.port = static_cast<std::uint16_t>(std::stoi(value));
    else if (flag == "--path")
      options.path = value;
    else if (flag == "--accept")
      options.accept = value;
    else if (flag == "--seconds")
      options.seconds = std::clamp(std::stoi(value), 1, 120);
    else if (flag == "--connections")
      options.connections = std::clamp(std::stoi(value), 1, 4096);
    else if (flag == "--threads")
      options.threads = std::clamp(std::stoi(value), 1, 64);
    else if (flag == "--memory-connections")
      options.memory_connections = std::clamp(std::stoi(value), 1, 4096);
    else {
      std::cerr << "unknown flag " << flag << "\n";
      return 2;
    }
  }
  if (!options.hello.empty() && !options.guildhall.empty())
    return suite(options);
  if (options.port != 0)
    return single_target(options);
  std::cerr << "usage: http_bench --hello PATH --guildhall PATH [--seconds N] [--connections N] "
               "[--threads N] [--memory-connections N]\n"
               "       http_bench --port PORT --path TARGET [--accept TYPE] [--seconds N] "
               "[--connections N]\n";
  return 2;
}
