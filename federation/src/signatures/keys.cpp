#include "guildhall/federation/signatures/keys.hpp"

#include <array>
#include <cstdint>
#include <vector>

#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace guildhall::federation::signatures {

namespace {

struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct DecoderDeleter {
  void operator()(OSSL_DECODER_CTX* c) const { OSSL_DECODER_CTX_free(c); }
};

// Fetched once: implicit fetches on every EVP_DigestSignInit cost measurable time at fan-out rates.
const EVP_MD* sha256_md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}
const EVP_MD* sha512_md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA512", nullptr);
  return md;
}

bool type_of(EVP_PKEY* key, KeyType& out) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
      out = KeyType::rsa;
      return true;
    case EVP_PKEY_ED25519:
      out = KeyType::ed25519;
      return true;
    default:
      return false;
  }
}

// PEM in any of the forms OpenSSL's decoders know (SPKI, PKCS#1, PKCS#8), RSA or Ed25519 only.
EVP_PKEY* decode_pem(std::string_view pem, int selection) {
  if (pem.empty() || pem.size() > 64 * 1024)
    return nullptr;
  EVP_PKEY* key = nullptr;
  std::unique_ptr<OSSL_DECODER_CTX, DecoderDeleter> ctx(
      OSSL_DECODER_CTX_new_for_pkey(&key, "PEM", nullptr, nullptr, selection, nullptr, nullptr));
  if (!ctx)
    return nullptr;
  const auto* data = reinterpret_cast<const unsigned char*>(pem.data());
  std::size_t len = pem.size();
  if (OSSL_DECODER_from_data(ctx.get(), &data, &len) != 1) {
    ERR_clear_error();  // leave no stale errors in this thread's queue for unrelated callers
    EVP_PKEY_free(key);
    return nullptr;
  }
  return key;
}

bool init_ctx(EVP_MD_CTX* ctx, SignatureAlgorithm algorithm, EVP_PKEY* key, bool sign) {
  EVP_PKEY_CTX* pctx = nullptr;
  const EVP_MD* md = nullptr;
  switch (algorithm) {
    case SignatureAlgorithm::rsa_v1_5_sha256:
      md = sha256_md();
      break;
    case SignatureAlgorithm::rsa_pss_sha512:
      md = sha512_md();
      break;
    case SignatureAlgorithm::ed25519:
      md = nullptr;  // Ed25519 hashes internally; a digest here is an error
      break;
  }
  const int rc = sign ? EVP_DigestSignInit(ctx, &pctx, md, nullptr, key)
                      : EVP_DigestVerifyInit(ctx, &pctx, md, nullptr, key);
  if (rc != 1)
    return false;
  if (algorithm == SignatureAlgorithm::rsa_v1_5_sha256)
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
  if (algorithm == SignatureAlgorithm::rsa_pss_sha512)
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, sha512_md()) == 1 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 64) == 1;
  return true;
}

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

bool base58btc_decode(std::string_view text, std::string& out) {
  constexpr std::string_view alphabet =
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  if (text.size() > 200)  // the decoder is quadratic; multikeys are ~50 characters
    return false;
  std::vector<unsigned char> bytes;  // little-endian big number
  for (char c : text) {
    const auto pos = alphabet.find(c);
    if (pos == std::string_view::npos)
      return false;
    unsigned carry = static_cast<unsigned>(pos);
    for (auto& b : bytes) {
      carry += static_cast<unsigned>(b) * 58;
      b = static_cast<unsigned char>(carry & 0xff);
      carry >>= 8;
    }
    while (carry) {
      bytes.push_back(static_cast<unsigned char>(carry & 0xff));
      carry >>= 8;
    }
  }
  std::size_t zeros = 0;
  while (zeros < text.size() && text[zeros] == '1')
    ++zeros;
  out.assign(zeros, '\0');
  for (auto it = bytes.rbegin(); it != bytes.rend(); ++it)
    out.push_back(static_cast<char>(*it));
  return true;
}

}  // namespace

std::string_view to_string(KeyType type) noexcept {
  return type == KeyType::rsa ? "rsa" : "ed25519";
}

SignatureAlgorithm default_algorithm(KeyType type) noexcept {
  return type == KeyType::rsa ? SignatureAlgorithm::rsa_v1_5_sha256 : SignatureAlgorithm::ed25519;
}

KeyType key_type_of(SignatureAlgorithm algorithm) noexcept {
  return algorithm == SignatureAlgorithm::ed25519 ? KeyType::ed25519 : KeyType::rsa;
}

core::Result<PublicKey> PublicKey::from_pem(std::string_view pem) {
  EVP_PKEY* raw = decode_pem(pem, EVP_PKEY_PUBLIC_KEY);
  if (!raw)
    return core::Error::invalid_input("not a PEM public key");
  std::shared_ptr<evp_pkey_st> key(raw, PkeyDeleter{});
  KeyType type;
  if (!type_of(raw, type))
    return core::Error::invalid_input("unsupported public key type (RSA or Ed25519 only)");
  return PublicKey(std::move(key), type);
}

core::Result<PublicKey> PublicKey::from_multibase(std::string_view multibase) {
  std::string bytes;
  if (multibase.size() < 2 || multibase[0] != 'z' || !base58btc_decode(multibase.substr(1), bytes))
    return core::Error::invalid_input("not a base58btc multibase value");
  // Multicodec ed25519-pub is 0xed, varint-encoded as 0xed 0x01.
  if (bytes.size() != 34 || static_cast<unsigned char>(bytes[0]) != 0xed ||
      static_cast<unsigned char>(bytes[1]) != 0x01)
    return core::Error::invalid_input("multikey is not an Ed25519 public key");
  EVP_PKEY* raw = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(bytes.data() + 2), 32);
  if (!raw) {
    ERR_clear_error();
    return core::Error::invalid_input("invalid Ed25519 public key");
  }
  return PublicKey(std::shared_ptr<evp_pkey_st>(raw, PkeyDeleter{}), KeyType::ed25519);
}

int PublicKey::bits() const noexcept {
  return EVP_PKEY_get_bits(key_.get());
}

std::string PublicKey::to_pem() const {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1)
    return {};
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

bool PublicKey::same_key(const PublicKey& other) const noexcept {
  return EVP_PKEY_eq(key_.get(), other.key_.get()) == 1;
}

bool PublicKey::verify(SignatureAlgorithm algorithm, std::string_view data,
                       std::string_view signature) const {
  if (key_type_of(algorithm) != type_)
    return false;
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  if (!ctx || !init_ctx(ctx.get(), algorithm, key_.get(), false)) {
    ERR_clear_error();
    return false;
  }
  const int rc = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
      reinterpret_cast<const unsigned char*>(data.data()), data.size());
  if (rc != 1)
    ERR_clear_error();
  return rc == 1;
}

core::Result<PrivateKey> PrivateKey::from_pem(std::string_view pem) {
  EVP_PKEY* raw = decode_pem(pem, EVP_PKEY_KEYPAIR);
  if (!raw)
    return core::Error::invalid_input("not a PEM private key");
  std::shared_ptr<evp_pkey_st> key(raw, PkeyDeleter{});
  KeyType type;
  if (!type_of(raw, type))
    return core::Error::invalid_input("unsupported private key type (RSA or Ed25519 only)");
  return PrivateKey(std::move(key), type);
}

int PrivateKey::bits() const noexcept {
  return EVP_PKEY_get_bits(key_.get());
}

PublicKey PrivateKey::public_key() const {
  // The private EVP_PKEY holds the public half; sharing it avoids a re-encode.
  return PublicKey(key_, type_);
}

core::Result<std::string> PrivateKey::sign(SignatureAlgorithm algorithm,
                                           std::string_view data) const {
  if (key_type_of(algorithm) != type_)
    return core::Error::invalid_input("algorithm does not match the key type");
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  if (!ctx || !init_ctx(ctx.get(), algorithm, key_.get(), true)) {
    ERR_clear_error();
    return core::Error::internal("cannot initialise signing");
  }
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, in, data.size()) != 1) {
    ERR_clear_error();
    return core::Error::internal("signing failed");
  }
  std::string out(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, in,
                     data.size()) != 1) {
    ERR_clear_error();
    return core::Error::internal("signing failed");
  }
  out.resize(len);
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += kBase64[(v >> 6) & 63];
    out += kBase64[v & 63];
  }
  if (const std::size_t rest = bytes.size() - i; rest == 1) {
    const std::uint32_t v = at(i) << 16;
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    const std::uint32_t v = (at(i) << 16) | (at(i + 1) << 8);
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += kBase64[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

bool base64_decode(std::string_view text, std::string& out) {
  out.clear();
  std::size_t len = text.size();
  std::size_t pad = 0;
  while (len > 0 && text[len - 1] == '=' && pad < 2) {
    --len;
    ++pad;
  }
  if (pad > 0 && text.size() % 4 != 0)
    return false;
  if (len % 4 == 1)
    return false;
  out.reserve(len * 3 / 4);
  std::uint32_t acc = 0;
  int nbits = 0;
  for (std::size_t i = 0; i < len; ++i) {
    const int v = base64_value(text[i]);
    if (v < 0)
      return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out += static_cast<char>((acc >> nbits) & 0xff);
    }
  }
  // Leftover bits must be zero, so each byte string has exactly one encoding.
  if (nbits > 0 && (acc & ((1u << nbits) - 1)) != 0)
    return false;
  return true;
}

}  // namespace guildhall::federation::signatures
