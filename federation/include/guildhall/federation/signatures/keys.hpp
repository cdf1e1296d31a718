#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "guildhall/core/result.hpp"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of every includer's headers

namespace guildhall::federation::signatures {

enum class KeyType { rsa, ed25519 };

// The signature schemes we produce or accept. The wire names differ between draft-cavage
// ("rsa-sha256", "hs2019") and RFC 9421 ("rsa-v1_5-sha256", "ed25519"); both map here.
enum class SignatureAlgorithm {
  rsa_v1_5_sha256,  // RSASSA-PKCS1-v1_5 with SHA-256: what every fediverse peer signs
  rsa_pss_sha512,   // RSASSA-PSS, SHA-512, 64-byte salt (RFC 9421 §3.3.1)
  ed25519,
};

std::string_view to_string(KeyType type) noexcept;
// The algorithm a key of this type implies when the label does not say (hs2019, no alg).
SignatureAlgorithm default_algorithm(KeyType type) noexcept;
KeyType key_type_of(SignatureAlgorithm algorithm) noexcept;

// A parsed public key. Parse the PEM once and keep this: copies share one immutable EVP_PKEY, so a
// key is cheap to pass around and safe to use from many threads at once.
class PublicKey {
 public:
  // SubjectPublicKeyInfo ("BEGIN PUBLIC KEY", RSA or Ed25519) or PKCS#1 ("BEGIN RSA PUBLIC KEY").
  static core::Result<PublicKey> from_pem(std::string_view pem);
  // FEP-521a `publicKeyMultibase`: "z" + base58btc(0xed 0x01 + 32-byte Ed25519 key).
  static core::Result<PublicKey> from_multibase(std::string_view multibase);

  KeyType type() const noexcept { return type_; }
  int bits() const noexcept;
  std::string to_pem() const;  // SubjectPublicKeyInfo PEM
  bool same_key(const PublicKey& other) const noexcept;

  // True when `signature` is a valid signature of `data` under this key and algorithm. A key of
  // the wrong type for the algorithm never verifies.
  bool verify(SignatureAlgorithm algorithm, std::string_view data,
              std::string_view signature) const;

  evp_pkey_st* native() const noexcept { return key_.get(); }

 private:
  PublicKey(std::shared_ptr<evp_pkey_st> key, KeyType type) : key_(std::move(key)), type_(type) {}
  std::shared_ptr<evp_pkey_st> key_;
  KeyType type_;
  friend class PrivateKey;
};

// A parsed private key (local actors only). Same sharing rules as PublicKey.
class PrivateKey {
 public:
  // PKCS#8 ("BEGIN PRIVATE KEY") or PKCS#1 ("BEGIN RSA PRIVATE KEY").
  static core::Result<PrivateKey> from_pem(std::string_view pem);

  KeyType type() const noexcept { return type_; }
  int bits() const noexcept;
  PublicKey public_key() const;

  // Raw signature bytes over `data`. Fails if the algorithm does not fit the key type.
  core::Result<std::string> sign(SignatureAlgorithm algorithm, std::string_view data) const;

 private:
  PrivateKey(std::shared_ptr<evp_pkey_st> key, KeyType type) : key_(std::move(key)), type_(type) {}
  std::shared_ptr<evp_pkey_st> key_;
  KeyType type_;
};

// Standard base64 (RFC 4648 §4) with padding; decoding is strict (no whitespace, no foreign
// characters, padding optional but correct when present).
std::string base64_encode(std::string_view bytes);
bool base64_decode(std::string_view text, std::string& out);

}  // namespace guildhall::federation::signatures
