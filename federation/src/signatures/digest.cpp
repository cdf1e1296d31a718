#include "guildhall/federation/signatures/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "guildhall/federation/signatures/headers.hpp"
#include "guildhall/federation/signatures/keys.hpp"
#include "guildhall/federation/signatures/reasons.hpp"
#include "guildhall/federation/signatures/structured_fields.hpp"

namespace guildhall::federation::signatures {

namespace {
std::string digest_of(std::string_view name, std::string_view body) {
  static EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  static EVP_MD* sha512 = EVP_MD_fetch(nullptr, "SHA512", nullptr);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(body.data(), body.size(), out, &len, name == "sha512" ? sha512 : sha256, nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

bool equal_ct(std::string_view a, std::string_view b) {
  // Lengths are public (fixed per algorithm); contents are compared in constant time.
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}
}  // namespace

std::string digest_header(std::string_view body) {
  return "SHA-256=" + base64_encode(digest_of("sha256", body));
}

std::string content_digest_header(std::string_view body) {
  return "sha-256=:" + base64_encode(digest_of("sha256", body)) + ":";
}

core::Result<void> verify_digest_header(std::string_view value, std::string_view body) {
  std::optional<std::string> expected;  // computed lazily, once
  bool seen = false;
  while (!value.empty()) {
    const auto comma = value.find(',');
    const std::string_view entry = trim(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos)
      return make_error(Reason::digest_mismatch, "malformed Digest header");
    if (!iequals(entry.substr(0, eq), "SHA-256"))
      continue;  // RFC 3230: unknown algorithms are ignored
    seen = true;
    std::string decoded;
    if (!base64_decode(entry.substr(eq + 1), decoded))
      return make_error(Reason::digest_mismatch, "Digest value is not base64");
    if (!expected)
      expected = digest_of("sha256", body);
    if (!equal_ct(decoded, *expected))
      return make_error(Reason::digest_mismatch, "Digest does not match the body");
  }
  if (!seen)
    return make_error(Reason::digest_unsupported, "Digest has no SHA-256 entry");
  return {};
}

core::Result<void> verify_content_digest_header(std::string_view value, std::string_view body) {
  auto dict = sf::parse_dictionary(value);
  if (!dict)
    return make_error(Reason::digest_mismatch, "malformed Content-Digest header");
  bool seen = false;
  for (const auto& [key, member] : *dict) {
    const char* algo = key == "sha-256" ? "sha256" : key == "sha-512" ? "sha512" : nullptr;
    if (!algo)
      continue;
    seen = true;
    const auto* item = std::get_if<sf::Item>(&member);
    const auto* bytes = item ? std::get_if<sf::ByteSequence>(&item->value) : nullptr;
    if (!bytes)
      return make_error(Reason::digest_mismatch, "Content-Digest value is not a byte sequence");
    if (!equal_ct(bytes->bytes, digest_of(algo, body)))
      return make_error(Reason::digest_mismatch, "Content-Digest does not match the body");
  }
  if (!seen)
    return make_error(Reason::digest_unsupported, "Content-Digest has no sha-256 or sha-512 entry");
  return {};
}

}  // namespace guildhall::federation::signatures
