#include "guildhall/federation/signatures/keys.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "test_keys.hpp"

using namespace guildhall::federation::signatures;
using namespace guildhall::federation::signatures::testing;

namespace {
// `openssl rsa -pubin -in alice.pub -RSAPublicKey_out`: alice's key in PKCS#1 form.
constexpr const char* k_alice_pkcs1_public = R"PEM(-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEAjGmvoNXPHDQJfokBH+lqBLSI1FuHyCLiC+xyNt28KsMzCGroqBYR
VsaCk8SJFQ7w399xoyWg7+K2H1aJ71zyBO8uekI3wkw2P8RqWxe/gLoAWAD0Uca7
uoBYvxf0/pphsqZQXIQ5Cu6u0WWUIzfcdHK7K5sPvGP9mfVQQ1r1AgC6ylT/tltD
WCTbYQ9Kn1QflUYOZwlt+OjAbFLwCRN4lyZ9qODsiSjVwmTqjbYcjvYiMqJBOCJE
VXsH7KIMrBSlU6yD7muu0Ozc9qfnnr6By8mcUtruBkZH/F8rqFUq7Tpunf7Ni+uw
7sbz4rFhBZbPeL62QuQyowgY+cfC0pFiYQIDAQAB
-----END RSA PUBLIC KEY-----
)PEM";
// RFC 9421 B.1.3 test-key-ecc-p256: a key type we do not accept.
constexpr const char* k_p256_public = R"PEM(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lf
w0EkjqF7xB4FivAxzic30tMM4GF+hR6Dxh71Z50VGGdldkkDXZCnTNnoXQ==
-----END PUBLIC KEY-----
)PEM";
// carol's Ed25519 key as FEP-521a publicKeyMultibase (computed with a few lines of Python from
// the DER: 0xed 0x01 + raw key, base58btc, "z" prefix).
constexpr const char* k_carol_multibase = "z6MkjrsDCJZhz2qCS4quEaSFqwXk5B8F6uHZA8jMdYMA6tjP";
}  // namespace

TEST(SignatureKeys, ParsesRsaAndEd25519Pems) {
  auto rsa = PublicKey::from_pem(k_alice_public);
  ASSERT_TRUE(rsa.ok()) << rsa.error().message;
  EXPECT_EQ(rsa->type(), KeyType::rsa);
  EXPECT_EQ(rsa->bits(), 2048);
  auto ed = PublicKey::from_pem(k_carol_public);
  ASSERT_TRUE(ed.ok());
  EXPECT_EQ(ed->type(), KeyType::ed25519);
  auto priv = PrivateKey::from_pem(k_carol_private);
  ASSERT_TRUE(priv.ok());
  EXPECT_EQ(priv->type(), KeyType::ed25519);
  EXPECT_TRUE(priv->public_key().same_key(*ed));
  EXPECT_EQ(ed->to_pem(), k_carol_public);
}

TEST(SignatureKeys, ParsesPkcs1PublicKey) {
  auto pkcs1 = PublicKey::from_pem(k_alice_pkcs1_public);
  ASSERT_TRUE(pkcs1.ok());
  EXPECT_TRUE(pkcs1->same_key(*PublicKey::from_pem(k_alice_public)));
}

TEST(SignatureKeys, RejectsGarbageAndOtherKeyTypes) {
  EXPECT_FALSE(PublicKey::from_pem("").ok());
  EXPECT_FALSE(
      PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").ok());
  EXPECT_FALSE(PublicKey::from_pem(k_p256_public).ok());
  EXPECT_FALSE(PrivateKey::from_pem(k_alice_public).ok());
  EXPECT_FALSE(PrivateKey::from_pem("nope").ok());
}

TEST(SignatureKeys, DecodesEd25519Multikey) {
  auto key = PublicKey::from_multibase(k_carol_multibase);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_TRUE(key->same_key(*PublicKey::from_pem(k_carol_public)));
  EXPECT_FALSE(PublicKey::from_multibase("").ok());
  EXPECT_FALSE(PublicKey::from_multibase("u6MkjrsDCJZhz2qCS4quEaSFqwXk5B8F6uHZA8jMdYMA6tjP").ok());
  EXPECT_FALSE(PublicKey::from_multibase("z6MkjrsDCJZhz2qCS4quEaSFqwXk5B8F6uHZA8jMdYMA6tj0").ok());
  EXPECT_FALSE(PublicKey::from_multibase("z6MkjrsDCJZhz2qCS4quEaSFqwXk5B8F6uHZA8jMdYMA6t").ok());
  EXPECT_FALSE(PublicKey::from_multibase("zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme").ok());
}

TEST(SignatureKeys, SignsAndVerifiesEveryAlgorithm) {
  const auto rsa = *PrivateKey::from_pem(k_alice_private);
  const auto ed = *PrivateKey::from_pem(k_carol_private);
  for (auto alg : {SignatureAlgorithm::rsa_v1_5_sha256, SignatureAlgorithm::rsa_pss_sha512}) {
    auto sig = rsa.sign(alg, "hello");
    ASSERT_TRUE(sig.ok());
    EXPECT_EQ(sig->size(), 256u);
    EXPECT_TRUE(rsa.public_key().verify(alg, "hello", *sig));
    EXPECT_FALSE(rsa.public_key().verify(alg, "hellO", *sig));
  }
  auto sig = ed.sign(SignatureAlgorithm::ed25519, "hello");
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(sig->size(), 64u);
  EXPECT_TRUE(ed.public_key().verify(SignatureAlgorithm::ed25519, "hello", *sig));
  // A key never verifies under an algorithm of another type, and cannot sign with one.
  EXPECT_FALSE(ed.public_key().verify(SignatureAlgorithm::rsa_v1_5_sha256, "hello", *sig));
  EXPECT_FALSE(ed.sign(SignatureAlgorithm::rsa_v1_5_sha256, "hello").ok());
  EXPECT_FALSE(rsa.sign(SignatureAlgorithm::ed25519, "hello").ok());
  // PKCS#1 v1.5 and PSS are not interchangeable.
  auto v15 = *rsa.sign(SignatureAlgorithm::rsa_v1_5_sha256, "hello");
  EXPECT_FALSE(rsa.public_key().verify(SignatureAlgorithm::rsa_pss_sha512, "hello", v15));
}

TEST(SignatureKeys, OneKeySharedAcrossThreads) {
  const auto key = *PrivateKey::from_pem(k_carol_private);
  const auto pub = key.public_key();
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const std::string msg = "m" + std::to_string(t * 100 + i);
        auto sig = key.sign(SignatureAlgorithm::ed25519, msg);
        if (sig && pub.verify(SignatureAlgorithm::ed25519, msg, *sig))
          ++good;
      }
    });
  }
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(good.load(), 200);
}

TEST(SignatureKeys, Base64IsStrict) {
  std::string out;
  EXPECT_EQ(base64_encode("hello"), "aGVsbG8=");
  EXPECT_EQ(base64_encode(""), "");
  ASSERT_TRUE(base64_decode("aGVsbG8=", out));
  EXPECT_EQ(out, "hello");
  ASSERT_TRUE(base64_decode("aGVsbG8", out));  // unpadded is accepted
  EXPECT_EQ(out, "hello");
  EXPECT_FALSE(base64_decode("aGVs bG8=", out));
  EXPECT_FALSE(base64_decode("aGVsbG8=\n", out));
  EXPECT_FALSE(base64_decode("aGVsbG9=", out));  // non-zero trailing bits
  EXPECT_FALSE(base64_decode("aGVsbG8-", out));  // base64url alphabet
  EXPECT_FALSE(base64_decode("a", out));
  EXPECT_FALSE(base64_decode("aGVsbG8==", out));
}
