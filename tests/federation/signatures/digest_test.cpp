#include "guildhall/federation/signatures/digest.hpp"

#include <gtest/gtest.h>

#include "guildhall/federation/signatures/reasons.hpp"

using namespace guildhall::federation::signatures;

namespace {
constexpr std::string_view kBody = R"({"hello": "world"})";

Reason reason(const guildhall::core::Result<void>& r) {
  Reason out{};
  EXPECT_FALSE(r.ok());
  if (!r.ok()) {
    EXPECT_TRUE(reason_of(r.error(), out)) << r.error().message;
  }
  return out;
}
}  // namespace

TEST(Digest, ComputesKnownValues) {
  // draft-cavage appendix C and RFC 9421's examples use this body and value.
  EXPECT_EQ(digest_header(kBody), "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=");
  EXPECT_EQ(content_digest_header(kBody), "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:");
  // RFC 9530 §2's example body ends with a newline.
  EXPECT_EQ(content_digest_header("{\"hello\": \"world\"}\n"),
            "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:");
}

TEST(Digest, VerifiesDigestHeader) {
  EXPECT_TRUE(verify_digest_header(digest_header(kBody), kBody).ok());
  EXPECT_TRUE(
      verify_digest_header("sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", kBody).ok());
  // Unknown algorithms are skipped, a supported one is still required.
  EXPECT_TRUE(
      verify_digest_header("MD5=abc, SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", kBody)
          .ok());
}

TEST(Digest, RefusesBadDigestHeaders) {  // SIG-10
  std::string changed(kBody);
  changed[3] = 'H';
  EXPECT_EQ(reason(verify_digest_header(digest_header(kBody), changed)), Reason::digest_mismatch);
  EXPECT_EQ(reason(verify_digest_header(
                "SHA-512=WZDPaVn/"
                "7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==",
                kBody)),
            Reason::digest_unsupported);
  EXPECT_EQ(reason(verify_digest_header("SHA-256=not*base64", kBody)), Reason::digest_mismatch);
  // 31 bytes: the right digest with its last byte cut off.
  EXPECT_EQ(
      reason(verify_digest_header("SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBA==", kBody)),
      Reason::digest_mismatch);
  EXPECT_EQ(reason(verify_digest_header("", kBody)), Reason::digest_unsupported);
  EXPECT_EQ(reason(verify_digest_header("SHA-256", kBody)), Reason::digest_mismatch);
  // Every SHA-256 entry must match, not just one.
  EXPECT_EQ(reason(verify_digest_header(digest_header(kBody) + ", " + digest_header("x"), kBody)),
            Reason::digest_mismatch);
}

TEST(Digest, VerifiesContentDigest) {
  EXPECT_TRUE(verify_content_digest_header(content_digest_header(kBody), kBody).ok());
  EXPECT_TRUE(
      verify_content_digest_header(
          "sha-512=:WZDPaVn/"
          "7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:",
          kBody)
          .ok());
  EXPECT_TRUE(verify_content_digest_header(
                  "md5=:AAAA:, sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", kBody)
                  .ok());
  EXPECT_EQ(reason(verify_content_digest_header(content_digest_header("other"), kBody)),
            Reason::digest_mismatch);
  EXPECT_EQ(reason(verify_content_digest_header("md5=:AAAA:", kBody)), Reason::digest_unsupported);
  EXPECT_EQ(reason(verify_content_digest_header("sha-256=\"X48E\"", kBody)),
            Reason::digest_mismatch);
  EXPECT_EQ(reason(verify_content_digest_header("sha-256=:X48E", kBody)), Reason::digest_mismatch);
}
