#include "guildhall/server/http/router.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <vector>

#include <boost/asio/this_coro.hpp>
#include <boost/beast/http/verb.hpp>

namespace guildhall::server::http {

namespace {

struct Route {
  std::string name;
  Handler handler;
  RouteOptions options;
};

struct Node;

// A "{name}" segment, possibly with a literal prefix and suffix ("@{name}").
struct ParamEdge {
  std::string prefix;
  std::string suffix;
  std::string name;
  std::unique_ptr<Node> child;
};

struct Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::vector<ParamEdge> params;  // most specific (longest literal parts) first
  std::map<Verb, Route> routes;
};

struct Segment {
  bool is_param = false;
  std::string literal;  // or the prefix
  std::string suffix;
  std::string name;
};

// Split "/users/{name}/inbox" into segments; the pattern is written decoded.
std::vector<Segment> parse_pattern(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/')
    throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  std::vector<Segment> out;
  std::string_view rest = pattern.substr(1);
  while (!rest.empty()) {
    auto slash = rest.find('/');
    auto seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (seg.empty()) {
      if (rest.empty())
        break;  // trailing slash
      throw std::invalid_argument("empty segment in route pattern: " + std::string(pattern));
    }
    Segment s;
    auto open = seg.find('{');
    if (open == std::string_view::npos) {
      if (seg.find('}') != std::string_view::npos)
        throw std::invalid_argument("unbalanced '}' in route pattern: " + std::string(pattern));
      s.literal = seg;
    } else {
      auto close = seg.find('}', open);
      if (close == std::string_view::npos || close == open + 1 ||
          seg.find('{', open + 1) != std::string_view::npos ||
          seg.find('}', close + 1) != std::string_view::npos)
        throw std::invalid_argument("bad parameter in route pattern: " + std::string(pattern));
      s.is_param = true;
      s.literal = seg.substr(0, open);
      s.name = seg.substr(open + 1, close - open - 1);
      s.suffix = seg.substr(close + 1);
    }
    out.push_back(std::move(s));
  }
  return out;
}

Node& insert(Node& root, const std::vector<Segment>& segments) {
  Node* node = &root;
  for (const auto& s : segments) {
    if (!s.is_param) {
      auto& child = node->literals[s.literal];
      if (!child)
        child = std::make_unique<Node>();
      node = child.get();
      continue;
    }
    auto it = std::find_if(node->params.begin(), node->params.end(), [&](const ParamEdge& e) {
      return e.prefix == s.literal && e.suffix == s.suffix;
    });
    if (it == node->params.end()) {
      node->params.push_back({s.literal, s.suffix, s.name, std::make_unique<Node>()});
      std::stable_sort(node->params.begin(), node->params.end(), [](const auto& a, const auto& b) {
        return a.prefix.size() + a.suffix.size() > b.prefix.size() + b.suffix.size();
      });
      it = std::find_if(node->params.begin(), node->params.end(), [&](const ParamEdge& e) {
        return e.prefix == s.literal && e.suffix == s.suffix;
      });
    } else if (it->name != s.name) {
      throw std::invalid_argument("conflicting parameter names {" + it->name + "} and {" + s.name +
                                  "} at the same position");
    }
    node = it->child.get();
  }
  return *node;
}

using Params = std::vector<std::pair<std::string, std::string>>;

// Depth-first: literals before parameters, backtracking so "/a/{x}/c" still matches when a literal
// sibling "/a/b" exists but leads nowhere.
const Node* find(const Node& node, const std::vector<std::string>& segs, std::size_t i,
                 Params& params) {
  if (i == segs.size())
    return !node.routes.empty() ? &node : nullptr;
  const auto& seg = segs[i];
  if (auto it = node.literals.find(seg); it != node.literals.end())
    if (auto* found = find(*it->second, segs, i + 1, params))
      return found;
  for (const auto& edge : node.params) {
    if (seg.size() <= edge.prefix.size() + edge.suffix.size())
      continue;  // a parameter is never empty
    if (!seg.starts_with(edge.prefix) || !seg.ends_with(edge.suffix))
      continue;
    params.emplace_back(edge.name, seg.substr(edge.prefix.size(), seg.size() - edge.prefix.size() -
                                                                      edge.suffix.size()));
    if (auto* found = find(*edge.child, segs, i + 1, params))
      return found;
    params.pop_back();
  }
  return nullptr;
}

std::string allow_header(const Node& node) {
  std::vector<std::string> methods;
  for (const auto& [verb, route] : node.routes) {
    auto s = boost::beast::http::to_string(verb);
    methods.emplace_back(s.data(), s.size());
  }
  if (node.routes.contains(Verb::get) && !node.routes.contains(Verb::head))
    methods.emplace_back("HEAD");
  std::sort(methods.begin(), methods.end());
  std::string out;
  for (const auto& m : methods) {
    if (!out.empty())
      out += ", ";
    out += m;
  }
  return out;
}

}  // namespace

struct Router::Impl {
  Node root;
  std::optional<Route> fallback;
};

Router::Router() : impl_(std::make_unique<Impl>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

void Router::add(Verb method, std::string_view pattern, Handler handler, std::string name,
                 RouteOptions options) {
  if (!handler)
    throw std::invalid_argument("route without a handler: " + std::string(pattern));
  Node& node = insert(impl_->root, parse_pattern(pattern));
  if (node.routes.contains(method))
    throw std::invalid_argument("duplicate route: " + std::string(pattern));
  node.routes.emplace(method, Route{std::move(name), std::move(handler), options});
}

void Router::set_fallback(Handler handler, std::string name) {
  if (!handler)
    throw std::invalid_argument("fallback route without a handler");
  if (impl_->fallback)
    throw std::invalid_argument("duplicate fallback route");
  impl_->fallback = Route{std::move(name), std::move(handler), {}};
}

Match Router::match(Request& req) const {
  Match m;
  Params params;
  const Node* node = find(impl_->root, req.segments(), 0, params);
  if (!node) {
    const bool get_or_head = req.method() == Verb::get || req.method() == Verb::head;
    if (impl_->fallback && get_or_head) {
      m.kind = Match::Kind::found;
      m.route_name = impl_->fallback->name;
      m.handler = &impl_->fallback->handler;
      m.head_from_get = req.method() == Verb::head;
    }
    req.set_route_name(m.route_name);
    return m;
  }
  const Route* route = nullptr;
  if (auto it = node->routes.find(req.method()); it != node->routes.end()) {
    route = &it->second;
  } else if (req.method() == Verb::head) {
    if (auto get = node->routes.find(Verb::get); get != node->routes.end()) {
      route = &get->second;
      m.head_from_get = true;
    }
  }
  req.mutable_params() = std::move(params);
  if (route) {
    m.kind = Match::Kind::found;
    m.route_name = route->name;
    m.handler = &route->handler;
    m.body_limit = route->options.body_limit;
    m.websocket = route->options.websocket && req.method() == Verb::get;
  } else {
    m.kind = Match::Kind::method_not_allowed;
    m.allow = allow_header(*node);
    m.route_name = node->routes.begin()->second.name;
  }
  req.set_route_name(m.route_name);
  return m;
}

boost::asio::awaitable<Response> Router::handle(const Match& match, Request& req) const {
  switch (match.kind) {
    case Match::Kind::not_found:
      co_return Response::error(404, "Record not found");
    case Match::Kind::method_not_allowed: {
      auto res = Response::error(405, "Method not allowed");
      res.set_header("Allow", match.allow);
      co_return res;
    }
    case Match::Kind::found:
      break;
  }
  Response res = co_await (*match.handler)(req);
  if (match.head_from_get || req.method() == Verb::head)
    res.strip_body();
  co_return res;
}

boost::asio::awaitable<Response> Router::dispatch(Request& req) const {
  Match m = match(req);
  co_return co_await handle(m, req);
}

}  // namespace guildhall::server::http
