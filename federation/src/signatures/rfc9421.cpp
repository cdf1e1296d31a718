#include <algorithm>

#include "guildhall/federation/signatures/reasons.hpp"

#include "internal.hpp"

namespace guildhall::federation::signatures::detail {

std::string normalized_authority(std::string_view host, std::string_view scheme) {
  const std::string_view default_port = iequals(scheme, "http") ? ":80" : ":443";
  if (host.size() > default_port.size() &&
      iequals(host.substr(host.size() - default_port.size()), default_port))
    host.remove_suffix(default_port.size());
  return to_lower(host);
}

namespace {

core::Result<std::string> component_value(std::string_view name, const MessageView& m) {
  const auto query_pos = m.target.find('?');
  const std::string_view path = m.target.substr(0, query_pos);
  if (name == "@method")
    return std::string(m.method);
  if (name == "@request-target")
    return std::string(m.target);
  if (name == "@path")
    return path.empty() ? std::string("/") : std::string(path);
  if (name == "@query")
    return query_pos == std::string_view::npos ? std::string("?")
                                               : std::string(m.target.substr(query_pos));
  if (name == "@scheme")
    return to_lower(m.scheme);
  if (name == "@authority" || name == "@target-uri") {
    const auto host = m.headers.values("host");
    if (host.size() != 1)
      return make_error(Reason::header_missing, "Host header required for " + std::string(name));
    const std::string authority = normalized_authority(host.front(), m.scheme);
    if (name == "@authority")
      return authority;
    return to_lower(m.scheme) + "://" + authority + std::string(m.target);
  }
  if (name.starts_with('@'))
    return make_error(Reason::component_unsupported,
                      "component " + std::string(name) + " is not supported");
  if (name.empty() ||
      std::any_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
    return make_error(Reason::signature_malformed, "component names must be lowercase");
  auto value = m.headers.joined(name);
  if (!value)
    return make_error(Reason::header_missing, "signed header " + std::string(name) + " is absent");
  return std::move(*value);
}

}  // namespace

core::Result<std::string> rfc9421_signature_base(const sf::InnerList& params,
                                                 const MessageView& message) {
  std::string base;
  std::vector<std::string_view> seen;
  for (const auto& item : params.items) {
    const auto* name = std::get_if<std::string>(&item.value);
    if (!name)
      return make_error(Reason::signature_malformed, "component identifiers must be strings");
    if (!item.params.empty())
      return make_error(Reason::component_unsupported,
                        "component parameters (sf, key, bs, req, name) are not supported");
    if (std::find(seen.begin(), seen.end(), *name) != seen.end())
      return make_error(Reason::signature_malformed, "component listed twice");
    if (*name == "@signature-params")
      return make_error(Reason::signature_malformed, "@signature-params cannot be covered");
    seen.push_back(*name);
    auto value = component_value(*name, message);
    if (!value)
      return std::move(value).error();
    if (value->find_first_of("\r\n") != std::string::npos)
      return make_error(Reason::signature_malformed, "component value contains a line break");
    base += sf::serialize_item(item);
    base += ": ";
    base += *value;
    base += '\n';
  }
  base += "\"@signature-params\": ";
  base += sf::serialize_inner_list(params);
  return base;
}

}  // namespace guildhall::federation::signatures::detail
