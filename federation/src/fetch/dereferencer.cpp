#include "guildhall/federation/fetch/dereferencer.hpp"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "guildhall/activitystreams/parse.hpp"
#include "guildhall/federation/policy.hpp"
#include "guildhall/federation/signatures/headers.hpp"
#include "guildhall/federation/signatures/sign.hpp"
#include "guildhall/federation/signatures/verify.hpp"

namespace guildhall::federation::fetch {

namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return std::string(s);
}

struct MediaType {
  std::string type;                                         // lower case, no parameters
  std::vector<std::pair<std::string, std::string>> params;  // names lower case, values unquoted
};

MediaType parse_media_type(std::string_view value) {
  MediaType out;
  std::size_t semi = value.find(';');
  out.type = signatures::to_lower(trim(value.substr(0, semi)));
  while (semi != std::string_view::npos) {
    value.remove_prefix(semi + 1);
    semi = value.find(';');
    std::string param = trim(value.substr(0, semi));
    std::size_t eq = param.find('=');
    if (eq == std::string::npos)
      continue;
    std::string name = signatures::to_lower(trim(std::string_view(param).substr(0, eq)));
    std::string val = trim(std::string_view(param).substr(eq + 1));
    if (val.size() >= 2 && val.front() == '"' && val.back() == '"')
      val = val.substr(1, val.size() - 2);
    out.params.emplace_back(std::move(name), std::move(val));
  }
  return out;
}

}  // namespace

bool is_activity_json(std::string_view content_type) {
  const MediaType media = parse_media_type(content_type);
  if (media.type == "application/activity+json")
    return true;
  if (media.type != "application/ld+json")
    return false;
  for (const auto& [name, value] : media.params) {
    // The profile parameter is a space-separated list of URIs.
    if (name == "profile" &&
        value.find("https://www.w3.org/ns/activitystreams") == std::string::npos)
      return false;
  }
  return true;
}

bool is_jrd_json(std::string_view content_type) {
  const MediaType media = parse_media_type(content_type);
  return media.type == "application/jrd+json" || media.type == "application/json";
}

core::Result<InstanceSigner> InstanceSigner::from_pem(std::string key_id,
                                                      std::string_view private_pem) {
  auto key = signatures::PrivateKey::from_pem(private_pem);
  if (!key)
    return key.error();
  return InstanceSigner{std::move(key_id), std::move(*key)};
}

Dereferencer::Dereferencer(egress::EgressClient& client, const PeerPolicy* policy,
                           std::optional<InstanceSigner> signer, DereferencerOptions options,
                           const core::Clock& clock)
    : client_(client),
      policy_(policy),
      signer_(std::move(signer)),
      options_(std::move(options)),
      clock_(clock) {
  options_.local_host = signatures::to_lower(options_.local_host);
}

bool Dereferencer::is_local(std::string_view authority) const {
  if (options_.local_host.empty())
    return false;
  std::string host = signatures::to_lower(authority);
  if (!host.empty() && host.back() == '.')
    host.pop_back();
  if (host == options_.local_host)
    return true;
  // Our host on an explicit default port is still us.
  return host == options_.local_host + ":443" || host == options_.local_host + ":80";
}

bool Dereferencer::allowed(const egress::Url& url) const {
  if (is_local(url.authority()) || is_local(url.host))
    return false;
  return policy_ == nullptr || policy_->allows(url.authority());
}

core::Result<egress::Url> Dereferencer::check_url(std::string_view text) const {
  auto url = egress::parse_url(text);
  if (!url)
    return url.error();
  if (is_local(url->authority()) || is_local(url->host))
    return core::Error::forbidden("refusing to fetch from our own domain");
  if (policy_ != nullptr && !policy_->allows(url->authority()))
    return core::Error::forbidden("host refused by federation policy: " + url->host);
  return std::move(*url);
}

core::Result<egress::EgressResponse> Dereferencer::get(const egress::Url& url,
                                                       std::string_view accept, bool sign) const {
  egress::EgressRequest request;
  request.method = egress::Method::get;
  request.url = url.str();
  request.headers.emplace_back("Accept", std::string(accept));
  request.max_body = options_.max_body;
  // Called before every hop, the first included: refuse a redirect to a refused host, and sign
  // what this hop sends (the signature covers its target and Host).
  const Dereferencer* self = this;
  const std::string accept_value(accept);
  request.sign = [self, accept_value, sign](const egress::OutgoingRequest& out,
                                            egress::Headers& headers) -> core::Result<void> {
    if (!self->allowed(out.url))
      return core::Error::forbidden("redirect to a refused host: " + out.url.host);
    if (!sign || !self->signer_)
      return {};
    const signatures::SignRequestInput input{.method = "GET",
                                             .target = out.url.target,
                                             .host = out.url.authority(),
                                             .headers = {{"Accept", accept_value}},
                                             .body = std::nullopt,
                                             .key_id = self->signer_->key_id,
                                             .key = self->signer_->key};
    auto signed_headers = signatures::sign_request(input, self->clock_);
    if (!signed_headers)
      return signed_headers.error();
    for (auto& header : *signed_headers)
      headers.push_back(std::move(header));
    return {};
  };
  auto response = client_.request_blocking(std::move(request));
  if (!response)
    return response.error();
  const int status = response->status;
  if (status >= 200 && status < 300)
    return response;
  const std::string where = " from " + url.host;
  if (status == 404)
    return core::Error::not_found("not found" + where);
  if (status == 410)
    return core::Error::not_found("gone" + where);
  if (status == 429 || status == 408 || status >= 500)
    return core::Error::unavailable("HTTP " + std::to_string(status) + where);
  if (status == 401 || status == 403)
    return core::Error::forbidden("HTTP " + std::to_string(status) + where);
  return core::Error::invalid_input("HTTP " + std::to_string(status) + where);
}

core::Result<Fetched> Dereferencer::fetch_once(std::string_view text) const {
  auto url = check_url(text);
  if (!url)
    return url.error();
  auto response = get(*url, kAcceptActivityJson, true);
  if (!response)
    return response.error();
  // CVE-2024-25623: a user upload served as JSON must not pass for an actor or a note.
  const auto content_type = response->header("Content-Type");
  if (!content_type || !is_activity_json(*content_type))
    return core::Error::invalid_input("not an ActivityStreams document (Content-Type " +
                                      std::string(content_type.value_or("missing")) + ")");
  auto object = activitystreams::parse(response->body);
  if (!object)
    return object.error();
  if (object->id.empty())
    return core::Error::invalid_input("fetched document has no id");
  // CVE-2024-23832: the id must be served by its own origin, judged by where the bytes came
  // from (the final URL after redirects), not by the URL we asked for.
  const std::string final_url = response->final_url.str();
  if (!signatures::same_origin(object->id, final_url))
    return core::Error::invalid_input("fetch_wrong_id: document id " + object->id +
                                      " is not on the origin of " + final_url);
  Fetched fetched{std::move(*object), response->final_url, {}};
  fetched.id = fetched.object.id;
  return fetched;
}

core::Result<Fetched> Dereferencer::fetch(std::string_view url) const {
  auto first = fetch_once(url);
  if (!first || !options_.confirm_canonical_id)
    return first;
  // ORI-08: a same-origin document naming another id is fetched once more from that id, which
  // must then name itself; we store what the id serves, not what another URL said about it.
  auto id_url = egress::parse_url(first->id);
  if (!id_url)
    return core::Error::invalid_input("fetched document id is not an http(s) URL");
  if (id_url->str() == first->final_url.str())
    return first;
  auto second = fetch_once(first->id);
  if (!second)
    return second.error();
  if (second->id != first->id)
    return core::Error::invalid_input("fetch_wrong_id: " + first->id + " does not name itself");
  return second;
}

core::Result<nlohmann::json> Dereferencer::fetch_json(std::string_view text,
                                                      std::string_view accept, bool sign) const {
  auto url = check_url(text);
  if (!url)
    return url.error();
  auto response = get(*url, accept, sign);
  if (!response)
    return response.error();
  const auto content_type = response->header("Content-Type");
  if (!content_type || !(is_jrd_json(*content_type) || is_activity_json(*content_type)))
    return core::Error::invalid_input("not a JSON document (Content-Type " +
                                      std::string(content_type.value_or("missing")) + ")");
  return activitystreams::parse_json(response->body);
}

}  // namespace guildhall::federation::fetch
