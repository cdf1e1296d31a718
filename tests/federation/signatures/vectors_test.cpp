// Published test vectors: draft-cavage-http-signatures-12 appendix C and RFC 9421 appendix B.2.6.
// Both were cross-checked in a shell before being pasted here:
//   printf '<signing string>' | openssl dgst -sha256 -sign cavage_test_key.pem | base64 -w0
//   openssl pkeyutl -sign -inkey test-key-ed25519.pem -rawin -in b26_base.txt | base64 -w0
// reproduce the signatures below byte for byte (PKCS#1 v1.5 and Ed25519 are deterministic).
#include <chrono>

#include <gtest/gtest.h>

#include "guildhall/core/clock.hpp"
#include "guildhall/federation/signatures/keys.hpp"
#include "guildhall/federation/signatures/verify.hpp"

using namespace guildhall;
using namespace guildhall::federation::signatures;

namespace {

// draft-cavage-12 appendix C: the 1024-bit "Test" key.
constexpr const char* k_cavage_private = R"PEM(-----BEGIN RSA PRIVATE KEY-----
MIICXgIBAAKBgQDCFENGw33yGihy92pDjZQhl0C36rPJj+CvfSC8+q28hxA161QF
NUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6Z4UMR7EOcpfdUE9Hf3m/hs+F
UR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJwoYi+1hqp1fIekaxsyQIDAQAB
AoGBAJR8ZkCUvx5kzv+utdl7T5MnordT1TvoXXJGXK7ZZ+UuvMNUCdN2QPc4sBiA
QWvLw1cSKt5DsKZ8UETpYPy8pPYnnDEz2dDYiaew9+xEpubyeW2oH4Zx71wqBtOK
kqwrXa/pzdpiucRRjk6vE6YY7EBBs/g7uanVpGibOVAEsqH1AkEA7DkjVH28WDUg
f1nqvfn2Kj6CT7nIcE3jGJsZZ7zlZmBmHFDONMLUrXR/Zm3pR5m0tCmBqa5RK95u
412jt1dPIwJBANJT3v8pnkth48bQo/fKel6uEYyboRtA5/uHuHkZ6FQF7OUkGogc
mSJluOdc5t6hI1VsLn0QZEjQZMEOWr+wKSMCQQCC4kXJEsHAve77oP6HtG/IiEn7
kpyUXRNvFsDE0czpJJBvL/aRFUJxuRK91jhjC68sA7NsKMGg5OXb5I5Jj36xAkEA
gIT7aFOYBFwGgQAQkWNKLvySgKbAZRTeLBacpHMuQdl1DfdntvAyqpAZ0lY0RKmW
G6aFKaqQfOXKCyWoUiVknQJAXrlgySFci/2ueKlIE1QqIiLSZ8V8OlpFLRnb1pzI
7U1yQXnTAEFYM560yJlzUpOb1V4cScGd365tiSMvxLOvTA==
-----END RSA PRIVATE KEY-----
)PEM";
constexpr const char* k_cavage_public = R"PEM(-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDCFENGw33yGihy92pDjZQhl0C3
6rPJj+CvfSC8+q28hxA161QFNUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6
Z4UMR7EOcpfdUE9Hf3m/hs+FUR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJw
oYi+1hqp1fIekaxsyQIDAQAB
-----END PUBLIC KEY-----
)PEM";

constexpr const char* k_c1 =
    "SjWJWbWN7i0wzBvtPl8rbASWz5xQW6mcJmn+ibttBqtifLN7Sazz6m79cNfwwb8DMJ5cou1s7uEGKKCs+FLEEaDV5lp7q2"
    "5WqS+lavg7T8hc0GppauB6hbgEKTwblDHYGEtbGmtdHgVCk9SuS13F0hZ8FD0k/5OxEPXe5WozsbM=";
constexpr const char* k_c2 =
    "qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3HMbe8V"
    "fEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0=";
constexpr const char* k_c3 =
    "vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+MFHB32NfpB2bEKBIvB1q52LaEUHF"
    "v120V01IL+TAD48XaERZFukWgHoBTLMhYS2Gb51gWxpeIq8knRmPnYePbF5MOkR0Zkly4zKH7s1dE=";

// RFC 9421 B.1.4 test-key-ed25519.
constexpr const char* k_rfc_ed25519_private = R"PEM(-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF
-----END PRIVATE KEY-----
)PEM";
constexpr const char* k_rfc_ed25519_public = R"PEM(-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----
)PEM";
constexpr const char* k_b26_base =
    "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n"
    "\"@method\": POST\n"
    "\"@path\": /foo\n"
    "\"@authority\": example.com\n"
    "\"content-type\": application/json\n"
    "\"content-length\": 18\n"
    "\"@signature-params\": (\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" "
    "\"content-length\");created=1618884473;keyid=\"test-key-ed25519\"";
constexpr const char* k_b26_signature =
    "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==";

const char* kBody = R"({"hello": "world"})";

core::TimePoint at(int y, unsigned mo, unsigned d, int h, int mi, int s) {
  using namespace std::chrono;
  return sys_days(year(y) / month(mo) / day(d)) + hours(h) + minutes(mi) + seconds(s);
}

HeaderMap cavage_request_headers() {
  return {{"Host", "example.com"},
          {"Date", "Sun, 05 Jan 2014 21:31:40 GMT"},
          {"Content-Type", "application/json"},
          {"Digest", "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="},
          {"Content-Length", "18"}};
}

class CavageVectors : public ::testing::Test {
 protected:
  CavageVectors() : clock_(at(2014, 1, 5, 21, 31, 40)) {
    resolver_.add("Test", "https://example.com/actor", *PublicKey::from_pem(k_cavage_public));
    options_.min_rsa_bits = 1024;       // the spec's key is 1024-bit
    options_.check_key_id_url = false;  // keyId "Test" is not a URL
  }
  VerifyInput request(std::string signature_header, bool authorization = false) {
    VerifyInput in{"POST", "/foo?param=value&pet=dog", cavage_request_headers(), kBody};
    if (authorization)
      in.headers.add("Authorization", "Signature " + signature_header);
    else
      in.headers.add("Signature", signature_header);
    return in;
  }
  core::ManualClock clock_;
  InMemoryKeyResolver resolver_;
  VerifyOptions options_;
};

}  // namespace

TEST_F(CavageVectors, SigningStringsAndSignaturesMatchAppendixC) {
  const auto key = *PrivateKey::from_pem(k_cavage_private);
  const auto headers = cavage_request_headers();
  struct Case {
    std::vector<std::string> covered;
    const char* expected;
  };
  for (const auto& c :
       {Case{{"date"}, k_c1}, Case{{"(request-target)", "host", "date"}, k_c2},
        Case{{"(request-target)", "host", "date", "content-type", "digest", "content-length"},
             k_c3}}) {
    auto text =
        cavage_signing_string(c.covered, "POST", "/foo?param=value&pet=dog", headers, {}, {});
    ASSERT_TRUE(text.ok());
    auto sig = key.sign(SignatureAlgorithm::rsa_v1_5_sha256, *text);
    ASSERT_TRUE(sig.ok());
    EXPECT_EQ(base64_encode(*sig), c.expected);
  }
  EXPECT_EQ(*cavage_signing_string({"(request-target)", "host", "date"}, "POST",
                                   "/foo?param=value&pet=dog", headers, {}, {}),
            "(request-target): post /foo?param=value&pet=dog\nhost: example.com\n"
            "date: Sun, 05 Jan 2014 21:31:40 GMT");
}

TEST_F(CavageVectors, C1DefaultTestVerifiesWithPolicyOff) {
  options_.require_coverage = false;
  const std::string header =
      std::string(R"(keyId="Test",algorithm="rsa-sha256",signature=")") + k_c1 + "\"";
  for (bool authorization : {false, true}) {
    auto v = verify_request(request(header, authorization), resolver_, clock_, options_);
    ASSERT_TRUE(v.ok()) << v.error().message;
    EXPECT_EQ(v->components, std::vector<std::string>{"date"});
    EXPECT_EQ(v->owner, "https://example.com/actor");
  }
  // The default policy refuses a date-only signature.
  options_.require_coverage = true;
  auto v = verify_request(request(header), resolver_, clock_, options_);
  Reason r{};
  ASSERT_FALSE(v.ok());
  ASSERT_TRUE(reason_of(v.error(), r));
  EXPECT_EQ(r, Reason::not_covered);
}

TEST_F(CavageVectors, C2BasicTestVerifiesWithPolicyOff) {
  options_.require_coverage = false;
  const std::string header =
      std::string(
          R"(keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date", signature=")") +
      k_c2 + "\"";
  auto v = verify_request(request(header, true), resolver_, clock_, options_);
  ASSERT_TRUE(v.ok()) << v.error().message;
}

TEST_F(CavageVectors, C3AllHeadersTestMeetsFullPolicy) {
  const std::string header =
      std::string(
          R"(keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date content-type digest content-length",signature=")") +
      k_c3 + "\"";
  auto v = verify_request(request(header), resolver_, clock_, options_);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->algorithm, "rsa-sha256");
  // The same request, one body byte changed, fails on the digest.
  auto in = request(header);
  in.body = R"({"hello": "World"})";
  EXPECT_FALSE(verify_request(in, resolver_, clock_, options_).ok());
  // And with the default minimum key size the 1024-bit key is refused (SIG-30).
  options_.min_rsa_bits = 2048;
  auto small = verify_request(request(header), resolver_, clock_, options_);
  Reason r{};
  ASSERT_FALSE(small.ok());
  ASSERT_TRUE(reason_of(small.error(), r));
  EXPECT_EQ(r, Reason::key_rejected);
}

TEST(Rfc9421Vectors, B26Ed25519SignatureBaseAndSignature) {
  const auto key = *PrivateKey::from_pem(k_rfc_ed25519_private);
  auto sig = key.sign(SignatureAlgorithm::ed25519, k_b26_base);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(base64_encode(*sig), k_b26_signature);

  // The same request through verify_request: passing proves our signature base is the RFC's.
  core::ManualClock clock(core::TimePoint(std::chrono::seconds(1618884473)));
  InMemoryKeyResolver resolver;
  resolver.add("test-key-ed25519", "https://example.com/actor",
               *PublicKey::from_pem(k_rfc_ed25519_public));
  VerifyOptions options;
  options.require_coverage = false;  // the example signs neither content-digest nor the query
  options.check_key_id_url = false;
  VerifyInput in{
      "POST",
      "/foo?param=Value&Pet=dog",
      {{"Host", "example.com"},
       {"Date", "Tue, 20 Apr 2021 02:07:55 GMT"},
       {"Content-Type", "application/json"},
       {"Content-Digest",
        "sha-512=:WZDPaVn/"
        "7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"},
       {"Content-Length", "18"},
       {"Signature-Input",
        R"(sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519")"},
       {"Signature", std::string("sig-b26=:") + k_b26_signature + ":"}},
      kBody};
  auto v = verify_request(in, resolver, clock, options);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->scheme, SignatureScheme::rfc9421);
  EXPECT_EQ(v->label, "sig-b26");
  EXPECT_EQ(v->components.size(), 6u);
  EXPECT_EQ(v->algorithm, "ed25519");  // no alg parameter: implied by the key

  in.headers.set("Content-Type", "text/plain");
  auto tampered = verify_request(in, resolver, clock, options);
  Reason r{};
  ASSERT_FALSE(tampered.ok());
  ASSERT_TRUE(reason_of(tampered.error(), r));
  EXPECT_EQ(r, Reason::signature_mismatch);
}
