#include "guildhall/server/http/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <mutex>
#include <stdexcept>
#include <tuple>
#include <vector>

namespace guildhall::server::http {

namespace {

constexpr std::string_view kRequestsTotal = "guildhall_http_requests_total";
constexpr std::string_view kDuration = "guildhall_http_request_duration_seconds";
constexpr std::string_view kInFlight = "guildhall_http_requests_in_flight";
constexpr std::string_view kConnections = "guildhall_http_open_connections";
constexpr std::string_view kStreams = "guildhall_http_open_streams";
constexpr std::size_t kShards = 16;

struct RouteSeries {
  // Per bucket (not cumulative), the last slot is +Inf.
  std::array<std::uint64_t, Metrics::kDurationBuckets.size() + 1> buckets{};
  std::uint64_t count = 0;
  std::uint64_t sum_ns = 0;
  // (method, status) -> requests; a route sees a handful of these, a flat vector is fastest.
  std::vector<std::tuple<std::string, int, std::uint64_t>> requests;
};

struct Shard {
  std::mutex mutex;
  std::map<std::string, RouteSeries, std::less<>> routes;
};

struct Callback {
  std::string name;
  std::string help;
  std::string_view type;
  std::function<double()> sample;
};

bool valid_name(std::string_view name) {
  if (name.empty())
    return false;
  auto ok = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           (!first && c >= '0' && c <= '9');
  };
  for (std::size_t i = 0; i < name.size(); ++i)
    if (!ok(name[i], i == 0))
      return false;
  return true;
}

void append_escaped(std::string& out, std::string_view s, bool quote) {
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (quote && c == '"')
      out += "\\\"";
    else
      out += c;
  }
}

void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[64];
    // Shortest round-trip digits; plain notation in the usual range ("0.0005", not "5e-04").
    const double mag = std::fabs(v);
    auto [end, ec] = (mag == 0 || (mag >= 1e-6 && mag < 1e15))
                         ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
                         : std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, ec == std::errc() ? end : buf);
  }
}

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void append_header(std::string& out, std::string_view name, std::string_view help,
                   std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  append_escaped(out, help, false);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

}  // namespace

struct Metrics::Impl {
  std::array<Shard, kShards> shards;
  mutable std::mutex callbacks_mutex;
  std::vector<Callback> callbacks;

  Shard& shard_for(std::string_view route) {
    return shards[std::hash<std::string_view>{}(route) % kShards];
  }

  void add(std::string name, std::string help, std::string_view type, std::function<double()> fn) {
    if (!valid_name(name))
      throw std::invalid_argument("invalid metric name: " + name);
    if (!fn)
      throw std::invalid_argument("metric without a callback: " + name);
    if (name.starts_with("guildhall_http_"))
      for (auto builtin : {kRequestsTotal, kDuration, kInFlight, kConnections})
        if (name == builtin)
          throw std::invalid_argument("duplicate metric: " + name);
    std::lock_guard lock(callbacks_mutex);
    for (const auto& c : callbacks)
      if (c.name == name)
        throw std::invalid_argument("duplicate metric: " + name);
    callbacks.push_back({std::move(name), std::move(help), type, std::move(fn)});
  }
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::record_request(std::string_view route, std::string_view method, int status,
                             std::chrono::nanoseconds duration) {
  const auto ns = static_cast<std::uint64_t>(std::max<std::int64_t>(duration.count(), 0));
  const double seconds = static_cast<double>(ns) / 1e9;
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(kDurationBuckets.begin(), kDurationBuckets.end(), seconds) -
      kDurationBuckets.begin());

  Shard& shard = impl_->shard_for(route);
  std::lock_guard lock(shard.mutex);
  auto it = shard.routes.find(route);
  if (it == shard.routes.end())
    it = shard.routes.emplace(std::string(route), RouteSeries{}).first;
  RouteSeries& series = it->second;
  ++series.buckets[bucket];
  ++series.count;
  series.sum_ns += ns;
  for (auto& [m, s, n] : series.requests) {
    if (s == status && m == method) {
      ++n;
      return;
    }
  }
  series.requests.emplace_back(std::string(method), status, 1);
}

void Metrics::add_gauge(std::string name, std::string help, std::function<double()> sample) {
  impl_->add(std::move(name), std::move(help), "gauge", std::move(sample));
}

void Metrics::add_counter(std::string name, std::string help, std::function<double()> sample) {
  impl_->add(std::move(name), std::move(help), "counter", std::move(sample));
}

std::string Metrics::render() const {
  // Snapshot under the shard locks, format outside them.
  std::map<std::string, RouteSeries, std::less<>> routes;
  for (auto& shard : impl_->shards) {
    std::lock_guard lock(shard.mutex);
    for (const auto& [name, series] : shard.routes)
      routes.emplace(name, series);
  }

  std::vector<std::pair<std::string, std::string>> blocks;  // (metric name, text)

  {
    std::string out;
    append_header(out, kRequestsTotal, "HTTP requests by route, method and status.", "counter");
    for (auto& [route, series] : routes) {
      std::sort(series.requests.begin(), series.requests.end(), [](const auto& a, const auto& b) {
        return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
      });
      for (const auto& [method, status, n] : series.requests) {
        out += kRequestsTotal;
        out += "{route=\"";
        append_escaped(out, route, true);
        out += "\",method=\"";
        append_escaped(out, method, true);
        out += "\",status=\"";
        out += std::to_string(status);
        out += "\"} ";
        append_uint(out, n);
        out += '\n';
      }
    }
    blocks.emplace_back(kRequestsTotal, std::move(out));
  }
  {
    std::string out;
    append_header(out, kDuration,
                  "HTTP request latency by route, from headers read to response "
                  "written.",
                  "histogram");
    for (const auto& [route, series] : routes) {
      std::string label = "route=\"";
      append_escaped(label, route, true);
      label += '"';
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i <= kDurationBuckets.size(); ++i) {
        cumulative += series.buckets[i];
        out += kDuration;
        out += "_bucket{";
        out += label;
        out += ",le=\"";
        if (i < kDurationBuckets.size())
          append_number(out, kDurationBuckets[i]);
        else
          out += "+Inf";
        out += "\"} ";
        append_uint(out, cumulative);
        out += '\n';
      }
      out += kDuration;
      out += "_sum{" + label + "} ";
      append_number(out, static_cast<double>(series.sum_ns) / 1e9);
      out += '\n';
      out += kDuration;
      out += "_count{" + label + "} ";
      append_uint(out, series.count);
      out += '\n';
    }
    blocks.emplace_back(kDuration, std::move(out));
  }
  auto gauge = [&](std::string_view name, std::string_view help, double value,
                   std::string_view type) {
    std::string out;
    append_header(out, name, help, type);
    out += name;
    out += ' ';
    append_number(out, value);
    out += '\n';
    blocks.emplace_back(name, std::move(out));
  };
  gauge(kInFlight, "HTTP requests being handled.", static_cast<double>(requests_in_flight()),
        "gauge");
  gauge(kConnections, "Open HTTP connections.", static_cast<double>(open_connections()), "gauge");
  gauge(kStreams, "Open live streams (WebSocket and server-sent events).",
        static_cast<double>(open_streams()), "gauge");
  {
    std::lock_guard lock(impl_->callbacks_mutex);
    for (const auto& c : impl_->callbacks) {
      double value;
      try {
        value = c.sample();
      } catch (...) {
        value = std::nan("");  // a broken probe must not take /metrics down
      }
      gauge(c.name, c.help, value, c.type);
    }
  }

  std::sort(blocks.begin(), blocks.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string text;
  for (const auto& [name, block] : blocks)
    text += block;
  return text;
}

}  // namespace guildhall::server::http
