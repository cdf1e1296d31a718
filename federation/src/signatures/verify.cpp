#include "guildhall/federation/signatures/verify.hpp"

#include <algorithm>
#include <functional>

#include <boost/url/parse.hpp>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "guildhall/federation/signatures/digest.hpp"

#include "internal.hpp"

namespace guildhall::federation::signatures {

namespace {

using core::Result;
using std::chrono::seconds;

// Caps that keep parsing linear and cheap (SIG-03); real headers are a few hundred bytes.
constexpr std::size_t kMaxSignatureHeader = 8 * 1024;
constexpr std::size_t kMaxParams = 16;
constexpr std::size_t kMaxCovered = 32;
constexpr std::size_t kMaxLabels = 8;

bool has_body(const VerifyInput& in) {
  return !in.body.empty() || iequals(in.method, "POST");
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// ---------------------------------------------------------------------------------------------
// draft-cavage parameter list: name="quoted" or name=token, comma separated, OWS anywhere between.

struct CavageParam {
  std::string name;
  std::string value;
};

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}
bool is_token_char(char c) {
  return is_name_char(c) || c == '.' || c == '~' || c == '+' || c == '/' || c == '=' || c == ':';
}

Result<std::vector<CavageParam>> parse_cavage_params(std::string_view s) {
  const auto bad = [](std::string_view what) {
    return make_error(Reason::signature_malformed, what);
  };
  if (s.size() > kMaxSignatureHeader)
    return bad("Signature header too long");
  std::vector<CavageParam> params;
  std::size_t i = 0;
  const auto skip_ows = [&] {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
      ++i;
  };
  skip_ows();
  if (i == s.size())
    return bad("empty Signature header");
  while (true) {
    CavageParam p;
    while (i < s.size() && is_name_char(s[i]))
      p.name += s[i++];
    if (p.name.empty())
      return bad("expected a parameter name");
    skip_ows();
    if (i == s.size() || s[i] != '=')
      return bad("expected '=' after " + p.name);
    ++i;
    skip_ows();
    if (i < s.size() && s[i] == '"') {
      ++i;
      bool closed = false;
      while (i < s.size()) {
        const char c = s[i++];
        if (c == '\\') {
          if (i == s.size())
            break;
          p.value += s[i++];
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          p.value += c;
        }
      }
      if (!closed)
        return bad("unterminated quoted string");
    } else {
      while (i < s.size() && is_token_char(s[i]))
        p.value += s[i++];
      if (p.value.empty())
        return bad("expected a value for " + p.name);
    }
    for (const auto& q : params)
      if (iequals(q.name, p.name))
        return bad("duplicate parameter " + p.name);
    params.push_back(std::move(p));
    if (params.size() > kMaxParams)
      return bad("too many parameters");
    skip_ows();
    if (i == s.size())
      break;
    if (s[i] != ',')
      return bad("expected ',' between parameters");
    ++i;
    skip_ows();
    if (i == s.size())
      return bad("trailing ','");
  }
  return params;
}

const std::string* find_param(const std::vector<CavageParam>& params, std::string_view name) {
  for (const auto& p : params)
    if (p.name == name)
      return &p.value;
  return nullptr;
}

// Unix seconds, optionally with a fraction (draft-cavage allows decimals for expires).
bool parse_unix_seconds(std::string_view s, std::int64_t& out) {
  const auto dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  if (whole.empty() || whole.size() > 12)
    return false;
  out = 0;
  for (char c : whole) {
    if (c < '0' || c > '9')
      return false;
    out = out * 10 + (c - '0');
  }
  if (dot != std::string_view::npos) {
    const std::string_view frac = s.substr(dot + 1);
    if (frac.empty() || frac.size() > 9 ||
        !std::all_of(frac.begin(), frac.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
  }
  return true;
}

core::TimePoint from_unix(std::int64_t s) {
  return core::TimePoint(seconds(s));
}

// ---------------------------------------------------------------------------------------------
// Shared checks.

Result<void> check_window(core::TimePoint created, std::optional<core::TimePoint> expires,
                          core::TimePoint now, const VerifyOptions& o) {
  if (created > now + o.clock_skew)
    return make_error(Reason::signature_future, "signature created too far in the future");
  if (expires && now > *expires)
    return make_error(Reason::signature_expired, "signature has expired");
  core::TimePoint limit = created + o.default_validity;
  if (expires)
    limit = std::min(*expires, created + o.max_validity);
  if (now > limit + o.clock_skew)
    return make_error(Reason::signature_expired, "signature is too old");
  return {};
}

Result<void> check_key_id(std::string_view key_id, const VerifyOptions& o) {
  if (!o.check_key_id_url)
    return {};
  auto url = boost::urls::parse_uri(key_id);  // key ids carry a fragment (#main-key)
  if (!url)
    return make_error(Reason::key_id_invalid, "keyId is not an absolute URL");
  const auto scheme = url->scheme_id();
  const bool scheme_ok = scheme == boost::urls::scheme::https ||
                         (o.allow_http_key_id && scheme == boost::urls::scheme::http);
  if (!scheme_ok)
    return make_error(Reason::key_id_invalid, "keyId must be an https URL");
  if (!url->has_authority() || url->encoded_host().empty() || url->has_userinfo())
    return make_error(Reason::key_id_invalid, "keyId must name a host and carry no userinfo");
  if (url->host_type() != boost::urls::host_type::name && !o.allow_http_key_id)
    return make_error(Reason::key_id_invalid, "keyId host must be a domain name");
  return {};
}

Result<void> check_key(const PublicKey& key, SignatureAlgorithm algorithm, const VerifyOptions& o) {
  if (key.type() != key_type_of(algorithm))
    return make_error(Reason::key_type_mismatch, "the algorithm needs a different key type than " +
                                                     std::string(to_string(key.type())));
  if (key.type() == KeyType::rsa) {
    const int bits = key.bits();
    if (bits < o.min_rsa_bits || bits > o.max_rsa_bits)
      return make_error(Reason::key_rejected,
                        "RSA key size " + std::to_string(bits) + " is outside the accepted range");
    BIGNUM* e = nullptr;
    bool exponent_ok = false;
    if (EVP_PKEY_get_bn_param(key.native(), OSSL_PKEY_PARAM_RSA_E, &e) == 1)
      exponent_ok = BN_is_odd(e) && BN_num_bits(e) >= 2 && BN_num_bits(e) <= 32;
    BN_free(e);
    if (!exponent_ok)
      return make_error(Reason::key_rejected, "RSA public exponent not acceptable");
  }
  return {};
}

// `choose` picks the algorithm for a resolved key (or fails); `candidates` are the strings that
// may have been signed (more than one only for the query-string quirk).
Result<VerifiedSignature> resolve_and_verify(
    KeyResolver& resolver, VerifiedSignature verified, std::string_view signature,
    const std::vector<std::string>& candidates,
    const std::function<Result<SignatureAlgorithm>(const PublicKey&)>& choose,
    const VerifyOptions& o) {
  const auto attempt = [&](const ResolvedKey& rk) -> Result<void> {
    auto algorithm = choose(rk.key);
    if (!algorithm)
      return std::move(algorithm).error();
    if (auto ok = check_key(rk.key, *algorithm, o); !ok)
      return ok;
    for (const auto& candidate : candidates)
      if (rk.key.verify(*algorithm, candidate, signature))
        return {};
    return make_error(Reason::signature_mismatch, "signature does not verify");
  };
  const auto resolve = [&](bool refresh) -> Result<ResolvedKey> {
    auto rk = resolver.resolve(verified.key_id, refresh);
    if (rk)
      return rk;
    if (rk.error().kind == core::ErrorKind::forbidden)
      return make_error(Reason::key_forbidden, rk.error().message);
    return make_error(Reason::key_unavailable, rk.error().message);
  };

  auto key = resolve(false);
  if (!key)
    return std::move(key).error();
  auto result = attempt(*key);
  if (!result && key->from_cache) {
    // The peer may have rotated its key: fetch it fresh, once.
    auto fresh = resolve(true);
    if (!fresh)
      return make_error(Reason::signature_mismatch,
                        "signature does not verify and the key could not be refreshed");
    key = std::move(fresh);
    result = attempt(*key);
    verified.refreshed_key = true;
  }
  if (!result)
    return std::move(result).error();
  verified.owner = key->owner;
  return verified;
}

Result<void> check_host(const VerifyInput& in, const VerifyOptions& o) {
  if (o.expected_host.empty())
    return {};
  const auto host = in.headers.values("host");
  if (host.size() != 1 || detail::normalized_authority(host.front(), in.scheme) !=
                              detail::normalized_authority(o.expected_host, in.scheme))
    return make_error(Reason::host_mismatch, "signed Host is not this server");
  return {};
}

// ---------------------------------------------------------------------------------------------
// draft-cavage-http-signatures-12

Result<VerifiedSignature> verify_cavage(const VerifyInput& in, std::string_view header,
                                        KeyResolver& resolver, const core::Clock& clock,
                                        const VerifyOptions& o) {
  auto parsed = parse_cavage_params(header);
  if (!parsed)
    return std::move(parsed).error();
  const auto& params = *parsed;

  const std::string* key_id = find_param(params, "keyId");
  const std::string* signature_b64 = find_param(params, "signature");
  if (!key_id || key_id->empty())
    return make_error(Reason::signature_incomplete, "keyId is missing");
  if (!signature_b64 || signature_b64->empty())
    return make_error(Reason::signature_incomplete, "signature is missing");
  std::string signature;
  if (!base64_decode(*signature_b64, signature) || signature.empty())
    return make_error(Reason::signature_encoding, "signature is not base64");

  // Allowlist by exact label; "RSA-SHA256 " or "rsa-sha1" are refused (SIG-22).
  const std::string* label = find_param(params, "algorithm");
  if (label && *label != "rsa-sha256" && *label != "hs2019")
    return make_error(Reason::algorithm_unsupported, "algorithm is not rsa-sha256 or hs2019");
  const bool is_rsa_sha256 = label && *label == "rsa-sha256";

  std::vector<std::string> covered;
  {
    const std::string* list = find_param(params, "headers");
    const std::string_view text = list ? std::string_view(*list) : std::string_view("date");
    std::size_t i = 0;
    while (i < text.size()) {
      while (i < text.size() && text[i] == ' ')
        ++i;
      const auto start = i;
      while (i < text.size() && text[i] != ' ')
        ++i;
      if (i > start)
        covered.push_back(to_lower(text.substr(start, i - start)));
    }
    if (covered.empty())
      return make_error(Reason::not_covered, "headers parameter is empty");
    if (covered.size() > kMaxCovered)
      return make_error(Reason::signature_malformed, "too many signed headers");
  }

  const bool covers_created = contains(covered, "(created)");
  const bool covers_expires = contains(covered, "(expires)");
  // Mastodon's rule (SIG-24): the pseudo-headers belong to hs2019 only.
  if (is_rsa_sha256 && (covers_created || covers_expires))
    return make_error(Reason::algorithm_unsupported,
                      "(created) and (expires) require algorithm hs2019");
  std::optional<std::int64_t> created, expires;
  for (auto [name, slot, covers] : {std::tuple{"created", &created, covers_created},
                                    std::tuple{"expires", &expires, covers_expires}}) {
    const std::string* v = find_param(params, name);
    if (!covers)
      continue;  // an unsigned created/expires says nothing
    std::int64_t t;
    if (!v || !parse_unix_seconds(*v, t))
      return make_error(Reason::date_invalid, std::string(name) + " parameter missing or invalid");
    *slot = t;
  }

  if (o.require_coverage) {
    if (!contains(covered, "(request-target)"))
      return make_error(Reason::not_covered, "(request-target) must be signed");
    if (!contains(covered, "host"))
      return make_error(Reason::not_covered, "host must be signed");
    if (!contains(covered, "date") && !covers_created)
      return make_error(Reason::not_covered, "date or (created) must be signed");
    if (has_body(in) && !contains(covered, "digest"))
      return make_error(Reason::not_covered, "digest must be signed when there is a body");
  }

  // Time window: (created) wins over Date when both are signed.
  std::optional<core::TimePoint> created_at;
  if (created) {
    created_at = from_unix(*created);
  } else if (contains(covered, "date")) {
    const auto date = in.headers.values("date");
    core::TimePoint t;
    if (date.size() != 1)
      return make_error(Reason::header_missing, "signed header date is absent");
    if (!parse_http_date(date.front(), t))
      return make_error(Reason::date_invalid, "Date is not an IMF-fixdate");
    created_at = t;
  }
  if (created_at) {
    std::optional<core::TimePoint> expires_at;
    if (expires)
      expires_at = from_unix(*expires);
    if (auto ok = check_window(*created_at, expires_at, clock.now(), o); !ok)
      return std::move(ok).error();
  }

  if (contains(covered, "host"))
    if (auto ok = check_host(in, o); !ok)
      return std::move(ok).error();

  if (const auto digest = in.headers.joined("digest")) {
    if (auto ok = verify_digest_header(*digest, in.body); !ok)
      return std::move(ok).error();
  } else if (contains(covered, "digest")) {
    return make_error(Reason::digest_missing, "Digest is signed but absent");
  }

  std::vector<std::string> candidates;
  auto full = cavage_signing_string(covered, in.method, in.target, in.headers, created, expires);
  if (!full)
    return std::move(full).error();
  candidates.push_back(std::move(*full));
  if (o.allow_target_without_query && contains(covered, "(request-target)")) {
    if (const auto q = in.target.find('?'); q != std::string::npos) {
      auto bare = cavage_signing_string(covered, in.method, in.target.substr(0, q), in.headers,
                                        created, expires);
      if (bare)
        candidates.push_back(std::move(*bare));
    }
  }

  if (auto ok = check_key_id(*key_id, o); !ok)
    return std::move(ok).error();

  VerifiedSignature verified;
  verified.key_id = *key_id;
  verified.scheme = SignatureScheme::cavage;
  verified.algorithm = label ? *label : "hs2019";
  verified.components = covered;
  verified.created = created_at.value_or(core::TimePoint{});
  const auto choose = [&](const PublicKey& key) -> Result<SignatureAlgorithm> {
    if (is_rsa_sha256)
      return SignatureAlgorithm::rsa_v1_5_sha256;  // check_key refuses a non-RSA key
    return default_algorithm(key.type());          // hs2019: the key type decides, never HMAC
  };
  return resolve_and_verify(resolver, std::move(verified), signature, candidates, choose, o);
}

// ---------------------------------------------------------------------------------------------
// RFC 9421

Result<void> rfc9421_policy(const sf::InnerList& list, const VerifyInput& in) {
  std::vector<std::string> names;
  for (const auto& item : list.items)
    if (const auto* s = std::get_if<std::string>(&item.value))
      names.push_back(*s);
  const bool has_query = in.target.find('?') != std::string::npos;
  if (!contains(names, "@method"))
    return make_error(Reason::not_covered, "@method must be signed");
  const bool target = contains(names, "@target-uri") || contains(names, "@request-target") ||
                      (contains(names, "@path") && (contains(names, "@query") || !has_query));
  if (!target)
    return make_error(Reason::not_covered, "@target-uri (or @path and @query) must be signed");
  if (!contains(names, "@target-uri") && !contains(names, "@authority") && !contains(names, "host"))
    return make_error(Reason::not_covered, "@authority must be signed");
  if (!sf::find_param(list.params, "created"))
    return make_error(Reason::not_covered, "the created parameter is required");
  if (has_body(in) && !contains(names, "content-digest"))
    return make_error(Reason::not_covered, "content-digest must be signed when there is a body");
  return {};
}

Result<VerifiedSignature> verify_rfc9421(const VerifyInput& in, KeyResolver& resolver,
                                         const core::Clock& clock, const VerifyOptions& o) {
  const auto input_text = in.headers.joined("signature-input");
  const auto signature_text = in.headers.joined("signature");
  if (!signature_text)
    return make_error(Reason::signature_incomplete, "Signature-Input without Signature");
  if (input_text->size() > kMaxSignatureHeader || signature_text->size() > kMaxSignatureHeader)
    return make_error(Reason::signature_malformed, "signature headers too long");
  auto inputs = sf::parse_dictionary(*input_text);
  if (!inputs)
    return make_error(Reason::signature_malformed, "Signature-Input: " + inputs.error().message);
  auto signatures = sf::parse_dictionary(*signature_text);
  if (!signatures)
    return make_error(Reason::signature_malformed, "Signature: " + signatures.error().message);
  if (inputs->empty())
    return make_error(Reason::signature_missing, "Signature-Input is empty");
  if (inputs->size() > kMaxLabels)
    return make_error(Reason::signature_malformed, "too many signatures");

  // The first label that meets the coverage policy is the one verified.
  const sf::InnerList* chosen = nullptr;
  std::string label;
  std::optional<core::Error> first_error;
  for (const auto& [name, member] : *inputs) {
    const auto* list = std::get_if<sf::InnerList>(&member);
    if (!list)
      return make_error(Reason::signature_malformed, "Signature-Input member is not a list");
    if (list->items.size() > kMaxCovered)
      return make_error(Reason::signature_malformed, "too many covered components");
    auto ok = o.require_coverage ? rfc9421_policy(*list, in) : Result<void>();
    if (!ok) {
      if (!first_error)
        first_error = std::move(ok).error();
      continue;
    }
    chosen = list;
    label = name;
    break;
  }
  if (!chosen)
    return std::move(*first_error);

  const sf::Member* sig_member = nullptr;
  for (const auto& [name, member] : *signatures)
    if (name == label)
      sig_member = &member;
  if (!sig_member)
    return make_error(Reason::signature_incomplete, "no Signature for label " + label);
  const auto* sig_item = std::get_if<sf::Item>(sig_member);
  const auto* sig_bytes = sig_item ? std::get_if<sf::ByteSequence>(&sig_item->value) : nullptr;
  if (!sig_bytes || sig_bytes->bytes.empty())
    return make_error(Reason::signature_encoding, "Signature value is not a byte sequence");

  const auto int_param = [&](std::string_view key, std::optional<std::int64_t>& out) {
    const sf::BareItem* v = sf::find_param(chosen->params, key);
    if (!v)
      return true;
    const auto* i = std::get_if<std::int64_t>(v);
    if (!i)
      return false;
    out = *i;
    return true;
  };
  std::optional<std::int64_t> created, expires;
  if (!int_param("created", created) || !int_param("expires", expires))
    return make_error(Reason::date_invalid, "created / expires must be integers");
  const sf::BareItem* keyid_item = sf::find_param(chosen->params, "keyid");
  const auto* key_id = keyid_item ? std::get_if<std::string>(keyid_item) : nullptr;
  if (!key_id || key_id->empty())
    return make_error(Reason::signature_incomplete, "keyid parameter is missing");
  std::optional<SignatureAlgorithm> alg;
  std::string alg_label;
  if (const sf::BareItem* a = sf::find_param(chosen->params, "alg")) {
    const auto* s = std::get_if<std::string>(a);
    if (!s)
      return make_error(Reason::signature_malformed, "alg must be a string");
    alg_label = *s;
    if (*s == "rsa-v1_5-sha256")
      alg = SignatureAlgorithm::rsa_v1_5_sha256;
    else if (*s == "rsa-pss-sha512")
      alg = SignatureAlgorithm::rsa_pss_sha512;
    else if (*s == "ed25519")
      alg = SignatureAlgorithm::ed25519;
    else
      return make_error(Reason::algorithm_unsupported, "alg " + *s + " is not supported");
  }

  if (created) {
    std::optional<core::TimePoint> expires_at;
    if (expires)
      expires_at = from_unix(*expires);
    if (auto ok = check_window(from_unix(*created), expires_at, clock.now(), o); !ok)
      return std::move(ok).error();
  }

  std::vector<std::string> names;
  for (const auto& item : chosen->items)
    if (const auto* s = std::get_if<std::string>(&item.value))
      names.push_back(*s);
  if (contains(names, "@authority") || contains(names, "@target-uri") || contains(names, "host"))
    if (auto ok = check_host(in, o); !ok)
      return std::move(ok).error();

  if (const auto digest = in.headers.joined("content-digest")) {
    if (auto ok = verify_content_digest_header(*digest, in.body); !ok)
      return std::move(ok).error();
  } else if (contains(names, "content-digest")) {
    return make_error(Reason::digest_missing, "Content-Digest is signed but absent");
  }

  auto base = detail::rfc9421_signature_base(
      *chosen, detail::MessageView{in.method, in.target, in.scheme, in.headers});
  if (!base)
    return std::move(base).error();

  if (auto ok = check_key_id(*key_id, o); !ok)
    return std::move(ok).error();

  VerifiedSignature verified;
  verified.key_id = *key_id;
  verified.scheme = SignatureScheme::rfc9421;
  verified.components = names;
  verified.label = label;
  verified.created = created ? from_unix(*created) : core::TimePoint{};
  verified.algorithm = alg_label;
  std::string implied;
  const auto choose = [&](const PublicKey& key) -> Result<SignatureAlgorithm> {
    if (alg)
      return *alg;
    implied = key.type() == KeyType::rsa ? "rsa-v1_5-sha256" : "ed25519";
    return default_algorithm(key.type());  // no alg: the key type decides
  };
  auto result = resolve_and_verify(resolver, std::move(verified), sig_bytes->bytes,
                                   {std::move(*base)}, choose, o);
  if (result && result->algorithm.empty())
    result->algorithm = implied;
  return result;
}

bool authorization_signature(std::string_view value, std::string_view& params) {
  constexpr std::string_view scheme = "Signature";
  if (value.size() <= scheme.size() || !iequals(value.substr(0, scheme.size()), scheme) ||
      value[scheme.size()] != ' ')
    return false;
  params = value.substr(scheme.size() + 1);
  return true;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

Result<std::string> cavage_signing_string(const std::vector<std::string>& headers,
                                          std::string_view method, std::string_view target,
                                          const HeaderMap& request_headers,
                                          std::optional<std::int64_t> created,
                                          std::optional<std::int64_t> expires) {
  std::string out;
  for (const auto& name : headers) {
    if (!out.empty())
      out += '\n';
    out += name;
    out += ": ";
    if (name == "(request-target)") {
      out += to_lower(method);
      out += ' ';
      out += target;
    } else if (name == "(created)" || name == "(expires)") {
      const auto& v = name == "(created)" ? created : expires;
      if (!v)
        return make_error(Reason::date_invalid, name + " is signed without its parameter");
      out += std::to_string(*v);
    } else if (name.starts_with('(')) {
      return make_error(Reason::component_unsupported, name + " is not supported");
    } else {
      auto value = request_headers.joined(name);
      if (!value)
        return make_error(Reason::header_missing, "signed header " + name + " is absent");
      out += *value;
    }
  }
  return out;
}

Result<VerifiedSignature> verify_request(const VerifyInput& in, KeyResolver& resolver,
                                         const core::Clock& clock, const VerifyOptions& o) {
  // One value each, or the request is ambiguous (SIG-27).
  for (const char* name : {"host", "date", "digest", "content-digest", "signature",
                           "signature-input", "authorization"})
    if (in.headers.count(name) > 1)
      return make_error(Reason::duplicate_header, std::string("more than one ") + name + " header");

  const auto signature = in.headers.joined("signature");
  const auto authorization = in.headers.joined("authorization");
  std::string_view auth_params;
  const bool auth_signature = authorization && authorization_signature(*authorization, auth_params);

  if (in.headers.count("signature-input")) {
    if (auth_signature)
      return make_error(Reason::duplicate_header,
                        "both Signature-Input and Authorization: Signature");
    if (!o.accept_rfc9421)
      return make_error(Reason::algorithm_unsupported, "RFC 9421 signatures are not accepted");
    return verify_rfc9421(in, resolver, clock, o);
  }
  if (signature && auth_signature)
    return make_error(Reason::duplicate_header, "both Signature and Authorization: Signature");
  if (!signature && !auth_signature)
    return make_error(Reason::signature_missing, "request is not signed");
  if (!o.accept_cavage)
    return make_error(Reason::algorithm_unsupported, "draft-cavage signatures are not accepted");
  return verify_cavage(in, signature ? std::string_view(*signature) : auth_params, resolver, clock,
                       o);
}

Result<void> check_actor_matches(const VerifiedSignature& verified,
                                 std::string_view activity_actor_id) {
  if (verified.owner.empty() || verified.owner != activity_actor_id)
    return make_error(Reason::actor_mismatch, "the signing key does not belong to the actor");
  return {};
}

bool same_origin(std::string_view a, std::string_view b) {
  struct Origin {
    std::string scheme, host;
    std::uint16_t port = 0;
  };
  const auto origin = [](std::string_view text, Origin& out) {
    auto url = boost::urls::parse_uri(text);  // ids may carry a fragment (#main-key, #likes/1)
    if (!url || !url->has_authority() || url->has_userinfo())
      return false;
    const auto id = url->scheme_id();
    if (id != boost::urls::scheme::https && id != boost::urls::scheme::http)
      return false;
    out.scheme = id == boost::urls::scheme::https ? "https" : "http";
    out.host = to_lower(url->host());
    if (!out.host.empty() && out.host.back() == '.')
      out.host.pop_back();
    if (out.host.empty())
      return false;
    out.port = url->port_number();
    if (out.port == 0) {
      if (url->has_port() && !url->port().empty())
        return false;  // port 0 is not a real origin
      out.port = id == boost::urls::scheme::https ? 443 : 80;
    }
    return true;
  };
  Origin x, y;
  return origin(a, x) && origin(b, y) && x.scheme == y.scheme && x.host == y.host &&
         x.port == y.port;
}

// ---------------------------------------------------------------------------------------------

void InMemoryKeyResolver::add(std::string key_id, std::string owner, PublicKey key) {
  std::lock_guard lock(mutex_);
  keys_.insert_or_assign(std::move(key_id), Entry{std::move(owner), std::move(key)});
}

void InMemoryKeyResolver::stage_refresh(std::string key_id, std::string owner, PublicKey key) {
  std::lock_guard lock(mutex_);
  staged_.insert_or_assign(std::move(key_id), Entry{std::move(owner), std::move(key)});
}

void InMemoryKeyResolver::block(std::string key_id) {
  std::lock_guard lock(mutex_);
  blocked_.insert_or_assign(std::move(key_id), true);
}

Result<ResolvedKey> InMemoryKeyResolver::resolve(std::string_view key_id, bool refresh) {
  std::lock_guard lock(mutex_);
  ++calls_;
  if (blocked_.contains(key_id))
    return core::Error::forbidden("key is from a blocked actor or domain");
  if (refresh) {
    ++refreshes_;
    if (auto it = staged_.find(key_id); it != staged_.end()) {
      keys_.insert_or_assign(it->first, it->second);
      staged_.erase(it);
    }
  }
  auto it = keys_.find(key_id);
  if (it == keys_.end())
    return core::Error::not_found("unknown key");
  return ResolvedKey{it->first, it->second.owner, it->second.key, !refresh};
}

int InMemoryKeyResolver::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

int InMemoryKeyResolver::refreshes() const {
  std::lock_guard lock(mutex_);
  return refreshes_;
}

}  // namespace guildhall::federation::signatures
