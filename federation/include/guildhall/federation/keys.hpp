#pragma once

#include <string>

#include "guildhall/core/result.hpp"

namespace guildhall::federation {

// An actor's key pair in PEM form, as stored and as published in `publicKey.publicKeyPem`.
struct KeyPairPem {
  std::string public_pem;   // SubjectPublicKeyInfo ("BEGIN PUBLIC KEY")
  std::string private_pem;  // PKCS#8 ("BEGIN PRIVATE KEY"); only ever held for local actors
};

// RSA-2048 with e=65537: what Mastodon, Lemmy and every peer verify with rsa-sha256.
core::Result<KeyPairPem> generate_rsa_keypair(int bits = 2048);

// Derives the public half from a private PEM (used to check stored keys at startup).
core::Result<std::string> public_pem_from_private(const std::string& private_pem);

}  // namespace guildhall::federation
