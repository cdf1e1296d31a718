#include "guildhall/federation/keys.hpp"

#include <memory>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace guildhall::federation {

namespace {
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::string drain(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

core::Result<std::string> public_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1)
    return core::Error::internal("cannot encode public key");
  return drain(bio.get());
}
}  // namespace

core::Result<KeyPairPem> generate_rsa_keypair(int bits) {
  std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1 ||
      EVP_PKEY_keygen(ctx.get(), &raw) != 1)
    return core::Error::internal("RSA key generation failed");
  PkeyPtr key(raw);
  BioPtr priv(BIO_new(BIO_s_mem()));
  if (!priv ||
      PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return core::Error::internal("cannot encode private key");
  auto pub = public_pem(key.get());
  if (!pub)
    return std::move(pub).error();
  return KeyPairPem{std::move(*pub), drain(priv.get())};
}

core::Result<std::string> public_pem_from_private(const std::string& private_pem) {
  BioPtr bio(BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size())));
  PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key)
    return core::Error::invalid_input("not a PEM private key");
  return public_pem(key.get());
}

}  // namespace guildhall::federation
