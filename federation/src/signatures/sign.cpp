#include "guildhall/federation/signatures/sign.hpp"

#include <chrono>

#include "guildhall/federation/signatures/digest.hpp"
#include "guildhall/federation/signatures/headers.hpp"
#include "guildhall/federation/signatures/verify.hpp"

#include "internal.hpp"

namespace guildhall::federation::signatures {

namespace {
const std::string* find_header(const SignRequestInput& in, std::string_view name) {
  for (const auto& [k, v] : in.headers)
    if (iequals(k, name))
      return &v;
  return nullptr;
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}
}  // namespace

core::Result<HeaderList> sign_request(const SignRequestInput& in, const core::Clock& clock) {
  SignatureAlgorithm algorithm;
  if (in.cavage_algorithm == "rsa-sha256") {
    if (in.key.type() != KeyType::rsa)
      return core::Error::invalid_input("rsa-sha256 needs an RSA key");
    algorithm = SignatureAlgorithm::rsa_v1_5_sha256;
  } else if (in.cavage_algorithm == "hs2019") {
    algorithm = default_algorithm(in.key.type());
  } else {
    return core::Error::invalid_input("unsupported draft-cavage algorithm label");
  }

  HeaderList out;
  HeaderMap signed_headers;
  signed_headers.add("host", in.host);
  const std::string date = format_http_date(clock.now());
  signed_headers.add("date", date);
  out.emplace_back("Date", date);
  std::vector<std::string> covered{"(request-target)", "host", "date"};
  if (in.body) {
    std::string digest = digest_header(*in.body);
    signed_headers.add("digest", digest);
    covered.emplace_back("digest");
    out.emplace_back("Digest", std::move(digest));
  }
  for (const char* name : {"content-type", "accept"}) {
    if (const std::string* value = find_header(in, name)) {
      signed_headers.add(name, *value);
      covered.emplace_back(name);
    }
  }

  auto signing_string =
      cavage_signing_string(covered, in.method, in.target, signed_headers, {}, {});
  if (!signing_string)
    return std::move(signing_string).error();
  auto signature = in.key.sign(algorithm, *signing_string);
  if (!signature)
    return std::move(signature).error();

  std::string header_list;
  for (const auto& h : covered) {
    if (!header_list.empty())
      header_list += ' ';
    header_list += h;
  }
  std::string value = "keyId=" + quoted(in.key_id) + ",algorithm=" + quoted(in.cavage_algorithm) +
                      ",headers=" + quoted(header_list) +
                      ",signature=" + quoted(base64_encode(*signature));
  out.emplace_back("Signature", std::move(value));
  return out;
}

core::Result<HeaderList> sign_request_rfc9421(const SignRequestInput& in, const core::Clock& clock,
                                              std::string_view scheme) {
  const SignatureAlgorithm algorithm = default_algorithm(in.key.type());
  HeaderList out;
  HeaderMap headers;
  headers.add("host", in.host);
  sf::InnerList params;
  params.items.push_back({std::string("@method"), {}});
  params.items.push_back({std::string("@target-uri"), {}});
  if (in.body) {
    std::string digest = content_digest_header(*in.body);
    headers.add("content-digest", digest);
    params.items.push_back({std::string("content-digest"), {}});
    out.emplace_back("Content-Digest", std::move(digest));
  }
  const auto created =
      std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
  params.params.emplace_back("created", static_cast<std::int64_t>(created));
  params.params.emplace_back("keyid", in.key_id);
  params.params.emplace_back(
      "alg", std::string(algorithm == SignatureAlgorithm::ed25519 ? "ed25519" : "rsa-v1_5-sha256"));

  auto base = detail::rfc9421_signature_base(
      params, detail::MessageView{in.method, in.target, scheme, headers});
  if (!base)
    return std::move(base).error();
  auto signature = in.key.sign(algorithm, *base);
  if (!signature)
    return std::move(signature).error();
  out.emplace_back("Signature-Input", "sig1=" + sf::serialize_inner_list(params));
  out.emplace_back("Signature", "sig1=:" + base64_encode(*signature) + ":");
  return out;
}

}  // namespace guildhall::federation::signatures
