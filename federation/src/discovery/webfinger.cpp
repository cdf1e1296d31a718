#include "guildhall/federation/discovery/webfinger.hpp"

#include <algorithm>
#include <cctype>

namespace guildhall::federation::discovery {

namespace {

using core::Error;
using nlohmann::json;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == prefix;
}

// Host comparison per the security catalogue (ORI-12): case-insensitive, trailing dot ignored.
bool is_our_host(std::string_view host, const Urls& urls) {
  std::string h = lower(host);
  if (!h.empty() && h.back() == '.')
    h.pop_back();
  return !h.empty() && h == lower(urls.host());
}

Error not_here() {
  return Error::not_found("no such account on this server");
}

// A name that passed the host check: a local handle (any case) or nothing here.
core::Result<WebfingerQuery> local_name(std::string_view name, WebfingerQuery::Scope scope) {
  std::string handle = lower(name);
  if (!is_valid_local_handle(handle))
    return not_here();
  return WebfingerQuery{scope, std::move(handle)};
}

core::Result<WebfingerQuery> parse_acct(std::string_view acct, const Urls& urls) {
  if (!acct.empty() && acct.front() == '@')
    acct.remove_prefix(1);
  const auto at = acct.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == acct.size())
    return Error::invalid_input("resource must be acct:name@host");
  const std::string_view name = acct.substr(0, at);
  const std::string_view host = acct.substr(at + 1);
  if (!is_our_host(host, urls))
    return not_here();
  // Mastodon's convention: the instance actor is acct:host@host (no handle contains a '.').
  if (is_our_host(name, urls))
    return WebfingerQuery{WebfingerQuery::Scope::instance, {}};
  return local_name(name, WebfingerQuery::Scope::any);
}

core::Result<WebfingerQuery> parse_url(std::string_view url, const Urls& urls) {
  const auto scheme_end = url.find("://");
  std::string_view rest = url.substr(scheme_end + 3);
  const auto path_start = rest.find('/');
  const std::string_view authority = rest.substr(0, path_start);
  if (authority.empty() || authority.find('@') != std::string_view::npos)
    return Error::invalid_input("resource is not a valid URL");
  if (!is_our_host(authority, urls))
    return not_here();
  std::string_view path = path_start == std::string_view::npos ? "" : rest.substr(path_start);
  if (path.find_first_of("?#") != std::string_view::npos)
    return not_here();
  if (path.size() > 1 && path.back() == '/')
    path.remove_suffix(1);
  if (path == "/actor")
    return WebfingerQuery{WebfingerQuery::Scope::instance, {}};
  for (const auto& [prefix, scope] :
       {std::pair{std::string_view("/users/"), WebfingerQuery::Scope::person},
        std::pair{std::string_view("/c/"), WebfingerQuery::Scope::group},
        std::pair{std::string_view("/@"), WebfingerQuery::Scope::any}}) {
    if (path.starts_with(prefix)) {
      const std::string_view name = path.substr(prefix.size());
      if (name.find('/') != std::string_view::npos)
        return not_here();
      return local_name(name, scope);
    }
  }
  return not_here();
}

}  // namespace

core::Result<WebfingerQuery> parse_webfinger_resource(std::string_view resource, const Urls& urls) {
  if (resource.empty())
    return Error::invalid_input("the resource parameter is required");
  if (resource.size() > kMaxResourceBytes)
    return Error::invalid_input("resource is too long");
  if (std::any_of(resource.begin(), resource.end(),
                  [](unsigned char c) { return c <= 0x20 || c == 0x7f; }))
    return Error::invalid_input("resource contains spaces or control characters");
  if (starts_with_nocase(resource, "acct:"))
    return parse_acct(resource.substr(5), urls);
  if (starts_with_nocase(resource, "https://") || starts_with_nocase(resource, "http://"))
    return parse_url(resource, urls);
  // Bare name@host (or @name@host), as Mastodon accepts it; a ':' before the '@' is a scheme.
  const auto at = resource.find('@', 1);
  if (at != std::string_view::npos && resource.substr(0, at).find(':') == std::string_view::npos)
    return parse_acct(resource, urls);
  return Error::invalid_input("unsupported resource: use acct:name@host or an actor URL");
}

json webfinger_document(const storage::Actor& actor, const Urls& urls) {
  std::string type = "Person";
  if (actor.kind == storage::ActorKind::group)
    type = "Group";
  else if (actor.kind == storage::ActorKind::application)
    type = "Application";
  else if (actor.kind == storage::ActorKind::service)
    type = "Service";
  const std::string profile = actor.url.value_or(actor.ap_id);

  json aliases = json::array({actor.ap_id});
  if (profile != actor.ap_id)
    aliases.push_back(profile);
  json links = json::array();
  links.push_back({{"rel", kProfilePageRel}, {"type", "text/html"}, {"href", profile}});
  links.push_back({{"rel", "self"},
                   {"type", "application/activity+json"},
                   {"href", actor.ap_id},
                   {"properties", {{kAs2TypeProperty, type}}}});
  return {{"subject", "acct:" + actor.handle + "@" + urls.host()},
          {"aliases", std::move(aliases)},
          {"links", std::move(links)}};
}

std::string host_meta_xml(const Urls& urls) {
  // The origin comes from the validated configuration (a host name): nothing to escape.
  std::string tpl = urls.origin() + "/.well-known/webfinger?resource={uri}";
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n"
         "  <Link rel=\"lrdd\" type=\"application/jrd+json\" template=\"" +
         tpl + "\"/>\n</XRD>\n";
}

json host_meta_json(const Urls& urls) {
  return {{"links",
           json::array({{{"rel", "lrdd"},
                         {"type", "application/jrd+json"},
                         {"template", urls.origin() + "/.well-known/webfinger?resource={uri}"}}})}};
}

}  // namespace guildhall::federation::discovery
