// Round trips and the security catalogue's §2.1 rows (SIG-xx) that the verifier owns. Rows that
// belong to the inbox or the key resolver (replay dedupe, negative caching, actor back-links,
// body limits) are noted where they would go.
#include <cctype>
#include <chrono>
#include <cstring>
#include <functional>
#include <regex>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "guildhall/core/clock.hpp"
#include "guildhall/federation/signatures/digest.hpp"
#include "guildhall/federation/signatures/sign.hpp"
#include "guildhall/federation/signatures/verify.hpp"

#include "test_keys.hpp"

using namespace guildhall;
using namespace guildhall::federation::signatures;
using namespace guildhall::federation::signatures::testing;
using namespace std::chrono_literals;

namespace {

const std::string kAlice = "https://a.example/users/alice";
const std::string kAliceKey = kAlice + "#main-key";
const std::string kBob = "https://b.example/users/bob";
const std::string kBobKey = kBob + "#main-key";
const std::string kCarol = "https://c.example/users/carol";
const std::string kCarolKey = kCarol + "#main-key";
const std::string kInbox = "/users/dave/inbox";
const std::string kBody = R"({"type":"Follow","actor":"https://a.example/users/alice"})";

core::TimePoint t0() {
  return core::TimePoint(std::chrono::seconds(1772366400));
}  // 2026-03-01

class Signatures : public ::testing::Test {
 protected:
  Signatures() : clock_(t0()) {
    alice_ = *PrivateKey::from_pem(k_alice_private);
    bob_ = *PrivateKey::from_pem(k_bob_private);
    carol_ = *PrivateKey::from_pem(k_carol_private);
    resolver_.add(kAliceKey, kAlice, *PublicKey::from_pem(k_alice_public));
    resolver_.add(kBobKey, kBob, *PublicKey::from_pem(k_bob_public));
    resolver_.add(kCarolKey, kCarol, *PublicKey::from_pem(k_carol_public));
    options_.expected_host = "us.example";
  }

  SignRequestInput post_input(const PrivateKey& key, const std::string& key_id) {
    SignRequestInput in{
        "POST", kInbox, "us.example", {{"Content-Type", "application/activity+json"}},
        kBody,  key_id, key};
    return in;
  }

  // The request as the inbox would see it after sign_request().
  VerifyInput signed_post(const PrivateKey& key, const std::string& key_id,
                          std::string algorithm = "rsa-sha256") {
    auto in = post_input(key, key_id);
    in.cavage_algorithm = std::move(algorithm);
    auto added = sign_request(in, clock_);
    EXPECT_TRUE(added.ok()) << added.error().message;
    VerifyInput out{"POST",
                    kInbox,
                    {{"Host", "us.example"}, {"Content-Type", "application/activity+json"}},
                    kBody};
    for (auto& [k, v] : *added)
      out.headers.add(k, v);
    return out;
  }

  VerifyInput signed_get(const std::string& target = "/users/dave") {
    SignRequestInput in{
        "GET",        target,    "us.example", {{"Accept", "application/activity+json"}},
        std::nullopt, kAliceKey, alice_};
    auto added = sign_request(in, clock_);
    EXPECT_TRUE(added.ok());
    VerifyInput out{
        "GET", target, {{"Host", "us.example"}, {"Accept", "application/activity+json"}}, ""};
    for (auto& [k, v] : *added)
      out.headers.add(k, v);
    return out;
  }

  // A hand-made draft-cavage signature over `covered`, for the cases sign_request never produces.
  VerifyInput crafted(const std::vector<std::string>& covered, std::string extra_params = "",
                      std::optional<std::int64_t> created = {},
                      std::optional<std::int64_t> expires = {}, const PrivateKey* key = nullptr,
                      std::string key_id = kAliceKey, std::string algorithm = "rsa-sha256") {
    VerifyInput in{"POST",
                   kInbox,
                   {{"Host", "us.example"},
                    {"Date", format_http_date(clock_.now())},
                    {"Digest", digest_header(kBody)},
                    {"Content-Type", "application/activity+json"}},
                   kBody};
    const PrivateKey& k = key ? *key : alice_;
    auto text = cavage_signing_string(covered, in.method, in.target, in.headers, created, expires);
    EXPECT_TRUE(text.ok()) << text.error().message;
    auto sig = k.sign(default_algorithm(k.type()), *text);
    std::string list;
    for (const auto& h : covered)
      list += (list.empty() ? "" : " ") + h;
    std::string header = "keyId=\"" + key_id + "\",algorithm=\"" + algorithm + "\",headers=\"" +
                         list + "\",signature=\"" + base64_encode(*sig) + "\"" + extra_params;
    in.headers.add("Signature", header);
    return in;
  }

  core::Result<VerifiedSignature> verify(const VerifyInput& in) {
    return verify_request(in, resolver_, clock_, options_);
  }

  // The reason of a failed verification; fails the test if it succeeded.
  Reason failure(const core::Result<VerifiedSignature>& r) {
    Reason out{};
    EXPECT_FALSE(r.ok()) << "verification unexpectedly succeeded";
    if (!r.ok()) {
      EXPECT_TRUE(reason_of(r.error(), out)) << r.error().message;
    }
    return out;
  }
  Reason failure(const VerifyInput& in) { return failure(verify(in)); }

  static std::string with_signature_param(const VerifyInput& in, std::string_view param,
                                          std::string_view value) {
    std::string header = *in.headers.joined("signature");
    const auto pos = header.find(std::string(param) + "=\"");
    const auto start = pos + param.size() + 2;
    const auto end = header.find('"', start);
    return header.replace(start, end - start, value);
  }

  core::ManualClock clock_;
  InMemoryKeyResolver resolver_;
  VerifyOptions options_;
  PrivateKey alice_ = *PrivateKey::from_pem(k_alice_private);
  PrivateKey bob_ = *PrivateKey::from_pem(k_bob_private);
  PrivateKey carol_ = *PrivateKey::from_pem(k_carol_private);
};

}  // namespace

// ---- round trips -------------------------------------------------------------------------------

TEST_F(Signatures, SignedPostRoundTrips) {
  auto in = signed_post(alice_, kAliceKey);
  EXPECT_EQ(in.headers.joined("digest"), digest_header(kBody));
  EXPECT_NE(in.headers.joined("signature")
                ->find(R"(headers="(request-target) host date digest content-type")"),
            std::string::npos);
  auto v = verify(in);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->key_id, kAliceKey);
  EXPECT_EQ(v->owner, kAlice);
  EXPECT_EQ(v->scheme, SignatureScheme::cavage);
  EXPECT_EQ(v->algorithm, "rsa-sha256");
  EXPECT_EQ(v->created, t0());
  EXPECT_FALSE(v->refreshed_key);
  EXPECT_TRUE(check_actor_matches(*v, kAlice).ok());
}

TEST_F(Signatures, SignedGetRoundTrips) {
  auto in = signed_get();
  EXPECT_EQ(in.headers.count("digest"), 0u);
  auto v = verify(in);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->components,
            (std::vector<std::string>{"(request-target)", "host", "date", "accept"}));
}

TEST_F(Signatures, DateHeaderIsImfFixdate) {
  auto in = signed_get();
  EXPECT_EQ(*in.headers.joined("date"), "Sun, 01 Mar 2026 12:00:00 GMT");
  core::TimePoint t;
  ASSERT_TRUE(parse_http_date("Sun, 01 Mar 2026 12:00:00 GMT", t));
  EXPECT_EQ(t, t0());
}

TEST_F(Signatures, Rfc9421RoundTripsWithRsaAndEd25519) {
  for (auto* key : {&alice_, &carol_}) {
    const std::string& key_id = key == &alice_ ? kAliceKey : kCarolKey;
    auto added = sign_request_rfc9421(post_input(*key, key_id), clock_);
    ASSERT_TRUE(added.ok()) << added.error().message;
    VerifyInput in{"POST", kInbox, {{"Host", "us.example"}}, kBody};
    for (auto& [k, v] : *added)
      in.headers.add(k, v);
    EXPECT_EQ(in.headers.joined("content-digest"), content_digest_header(kBody));
    auto v = verify(in);
    ASSERT_TRUE(v.ok()) << v.error().message;
    EXPECT_EQ(v->scheme, SignatureScheme::rfc9421);
    EXPECT_EQ(v->label, "sig1");
    EXPECT_EQ(v->algorithm, key == &alice_ ? "rsa-v1_5-sha256" : "ed25519");
    EXPECT_EQ(v->components,
              (std::vector<std::string>{"@method", "@target-uri", "content-digest"}));
    // Tampering with the target breaks it.
    in.target = "/inbox";
    EXPECT_EQ(failure(in), Reason::signature_mismatch);
  }
}

TEST_F(Signatures, Ed25519ViaCavageHs2019) {
  auto v = verify(signed_post(carol_, kCarolKey, "hs2019"));
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->algorithm, "hs2019");
  EXPECT_EQ(v->owner, kCarol);
}

TEST_F(Signatures, VerificationIsStatelessSoReplayDedupeIsTheInboxs) {  // SIG-25, SIG-26
  const auto in = signed_post(alice_, kAliceKey);
  EXPECT_TRUE(verify(in).ok());
  EXPECT_TRUE(verify(in).ok());  // dedupe by activity id happens after verification
}

// ---- SIG-01 .. SIG-03: presence and syntax -----------------------------------------------------

TEST_F(Signatures, Sig01MissingSignature) {
  auto in = signed_post(alice_, kAliceKey);
  in.headers.remove("signature");
  EXPECT_EQ(failure(in), Reason::signature_missing);
  EXPECT_EQ(http_status(Reason::signature_missing), 401);
  in.headers.add("Authorization", "Bearer abc");
  EXPECT_EQ(failure(in), Reason::signature_missing);
}

TEST_F(Signatures, Sig02MissingOrEmptyFields) {
  auto in = signed_post(alice_, kAliceKey);
  const std::string good = *in.headers.joined("signature");
  const auto sig_pos = good.find(",signature=");
  const std::string without_sig = good.substr(0, sig_pos);
  const std::string without_key = good.substr(good.find(",algorithm=") + 1);
  for (const auto& [header, expected] : std::vector<std::pair<std::string, Reason>>{
           {without_sig, Reason::signature_incomplete},
           {without_key, Reason::signature_incomplete},
           {with_signature_param(in, "keyId", ""), Reason::signature_incomplete},
           {with_signature_param(in, "signature", ""), Reason::signature_incomplete},
           {with_signature_param(in, "signature", "not base64!"), Reason::signature_encoding},
           {with_signature_param(in, "signature", "AAAA===="), Reason::signature_encoding},
       }) {
    in.headers.set("Signature", header);
    EXPECT_EQ(failure(in), expected) << header;
  }
  EXPECT_EQ(http_status(Reason::signature_incomplete), 401);
}

TEST_F(Signatures, Sig03MalformedHeaders) {
  auto in = signed_post(alice_, kAliceKey);
  const std::string good = *in.headers.joined("signature");
  std::string many;
  for (int i = 0; i < 10000; ++i)
    many += "p" + std::to_string(i) + "=\"x\",";
  many += good;
  const std::vector<std::string> bad{
      R"(keyId="https://a.example/users/alice#main-key,signature="AAAA")",  // unterminated quote
      "keyId=\"a\",keyId=\"b\",signature=\"AAAA\"",                         // duplicate param
      "keyId=\"a\",KEYID=\"b\",signature=\"AAAA\"",                         // duplicate, other case
      many,                                                                 // 10 000 parameters
      "keyId=\"" + std::string(64 * 1024, 'a') + "\",signature=\"AAAA\"",   // 64 KiB
      "Signature " + good,                                                  // legacy prefix
      good + ",",                                                           // trailing comma
      "keyId",                                                              // no value
      "keyId=,signature=\"AAAA\"",                                          // empty token
      "=\"x\"",                                                             // no name
      "keyId=\"a\" signature=\"AAAA\"",                                     // missing comma
      "",                                                                   // empty
  };
  for (const auto& header : bad) {
    in.headers.set("Signature", header);
    const Reason r = failure(in);
    EXPECT_EQ(r, Reason::signature_malformed) << header.substr(0, 80);
    EXPECT_EQ(http_status(r), 400);
  }
  EXPECT_EQ(resolver_.calls(), 0);
}

TEST_F(Signatures, ParsesQuotedStringsEscapesAndWhitespace) {
  auto in = crafted({"(request-target)", "host", "date", "digest"});
  std::string header = *in.headers.joined("signature");
  // Spaces and tabs around separators, and a harmless escaped character inside a quoted value.
  const std::string spaced =
      "  " +
      std::regex_replace(std::regex_replace(header, std::regex("^keyId="), "keyId = "),
                         std::regex(",(algorithm|headers|signature)="), " ,\t$1 =\t") +
      " ";
  in.headers.set("Signature", spaced);
  auto v = verify(in);
  EXPECT_TRUE(v.ok()) << spaced << "\n" << (v.ok() ? "" : v.error().message);
  header.replace(header.find("algorithm=\"rsa-sha256\""), 22, R"(algorithm="rsa\-sha256")");
  in.headers.set("Signature", header);
  EXPECT_TRUE(verify(in).ok());
}

// ---- SIG-04 .. SIG-09: coverage and time ------------------------------------------------------

TEST_F(Signatures, Sig04NeitherDateNorCreatedSigned) {
  EXPECT_EQ(failure(crafted({"(request-target)", "host", "digest"})), Reason::not_covered);
}

TEST_F(Signatures, Sig05BadDateForms) {
  for (const char* date : {"wrong date", "Sunday, 01-Mar-26 12:00:00 GMT",  // RFC 850
                           "Sun Mar  1 12:00:00 2026",                      // asctime
                           "Sun, 01 Mar 2026 12:00:00 +0200", "Mon, 01 Mar 2026 12:00:00 GMT",
                           "Sun, 31 Feb 2026 12:00:00 GMT", "Sun, 01 Mar 2026 12:00:00 UTC"}) {
    auto in = crafted({"(request-target)", "host", "date", "digest"});
    in.headers.set("Date", date);
    EXPECT_EQ(failure(in), Reason::date_invalid) << date;
  }
}

TEST_F(Signatures, Sig06DateTooOld) {
  auto in = signed_post(alice_, kAliceKey);
  clock_.advance(64min);
  EXPECT_TRUE(verify(in).ok());  // created + 5 min + 1 h skew
  clock_.advance(2min);          // T - 66 min
  EXPECT_EQ(failure(in), Reason::signature_expired);
  clock_.advance(24h);
  EXPECT_EQ(failure(in), Reason::signature_expired);
}

TEST_F(Signatures, Sig07DateInTheFuture) {
  clock_.set(t0() + 61min);
  auto in = signed_post(alice_, kAliceKey);
  clock_.set(t0());  // the request claims to be from 61 minutes from now
  EXPECT_EQ(failure(in), Reason::signature_future);
  clock_.set(t0() + 2min);  // 59 minutes ahead is within the skew margin
  EXPECT_TRUE(verify(in).ok());
}

TEST_F(Signatures, Sig08DatePresentButNotSigned) {
  EXPECT_EQ(failure(crafted({"(request-target)", "host"})), Reason::not_covered);
}

TEST_F(Signatures, Sig09PostWithoutSignedDigest) {
  EXPECT_EQ(failure(crafted({"(request-target)", "host", "date"})), Reason::not_covered);
  // Digest present but unsigned is no better.
  EXPECT_EQ(failure(crafted({"(request-target)", "host", "date", "content-type"})),
            Reason::not_covered);
}

TEST_F(Signatures, Sig09Rfc9421PostWithoutContentDigest) {
  auto in = post_input(alice_, kAliceKey);
  in.body.reset();  // signs no content-digest...
  auto added = sign_request_rfc9421(in, clock_);
  VerifyInput req{"POST", kInbox, {{"Host", "us.example"}}, kBody};  // ...but a body is sent
  for (auto& [k, v] : *added)
    req.headers.add(k, v);
  EXPECT_EQ(failure(req), Reason::not_covered);
}

// ---- SIG-10 .. SIG-15: digest, target, host ---------------------------------------------------

TEST_F(Signatures, Sig10BodyChangedAfterSigning) {
  auto in = signed_post(alice_, kAliceKey);
  std::string changed = kBody;
  changed.back() = ']';
  in.body = changed;
  EXPECT_EQ(failure(in), Reason::digest_mismatch);
}

TEST_F(Signatures, Sig10DigestVariants) {
  auto in = crafted({"(request-target)", "host", "date", "digest"});
  in.headers.set("Digest", "SHA-512=" + base64_encode(std::string(64, 'x')));
  EXPECT_EQ(failure(in), Reason::digest_unsupported);
  in.headers.set("Digest", "SHA-256=%%%");
  EXPECT_EQ(failure(in), Reason::digest_mismatch);
  in.headers.set("Digest", "SHA-256=" + base64_encode(std::string(31, 'x')));
  EXPECT_EQ(failure(in), Reason::digest_mismatch);
  in.headers.remove("Digest");
  EXPECT_EQ(failure(in), Reason::digest_missing);
  EXPECT_EQ(resolver_.calls(), 0);  // all refused before any key lookup
}

TEST_F(Signatures, Sig11RequestTargetNotSigned) {
  EXPECT_EQ(failure(crafted({"host", "date", "digest"})), Reason::not_covered);
}

TEST_F(Signatures, Sig12SignedGetWithoutHost) {
  VerifyInput in{
      "GET", "/users/dave", {{"Host", "us.example"}, {"Date", format_http_date(t0())}}, ""};
  auto text =
      *cavage_signing_string({"(request-target)", "date"}, "GET", in.target, in.headers, {}, {});
  in.headers.add("Signature",
                 "keyId=\"" + kAliceKey +
                     "\",algorithm=\"rsa-sha256\",headers=\"(request-target) "
                     "date\",signature=\"" +
                     base64_encode(*alice_.sign(SignatureAlgorithm::rsa_v1_5_sha256, text)) + "\"");
  EXPECT_EQ(failure(in), Reason::not_covered);
}

TEST_F(Signatures, Sig13ReplayedToAnotherTargetOrMethod) {
  const auto original = signed_post(alice_, kAliceKey);
  for (const auto& [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"POST", "/inbox"},
                                                        {"POST", "/users/b/inbox"},
                                                        {"POST", kInbox + "?x=1"},
                                                        {"PUT", kInbox}}) {
    auto in = original;
    in.method = method;
    in.target = target;
    EXPECT_EQ(failure(in), Reason::signature_mismatch) << method << " " << target;
  }
}

TEST_F(Signatures, Sig14PathOnlyTargetQuirkBothBranches) {
  auto in = signed_get("/users/dave/outbox");          // signed without the query...
  in.target = "/users/dave/outbox?page=1";             // ...sent with one
  EXPECT_EQ(failure(in), Reason::signature_mismatch);  // default: refused
  options_.allow_target_without_query = true;          // Mastodon/GoToSocial compatibility
  EXPECT_TRUE(verify(in).ok());
  // The quirk never lets the path itself change.
  in.target = "/users/eve/outbox?page=1";
  EXPECT_EQ(failure(in), Reason::signature_mismatch);
}

TEST_F(Signatures, Sig15HostNotOurs) {
  auto in = signed_post(alice_, kAliceKey);
  options_.expected_host = "other.example";
  EXPECT_EQ(failure(in), Reason::host_mismatch);
  options_.expected_host = "US.example:443";  // same authority, normalised
  EXPECT_TRUE(verify(in).ok());
  // A proxy rewriting the signed Host breaks the signature.
  options_.expected_host.clear();
  in.headers.set("Host", "proxy.internal");
  EXPECT_EQ(failure(in), Reason::signature_mismatch);
  // And an unsigned Host is not accepted at all.
  EXPECT_EQ(failure(crafted({"(request-target)", "date", "digest"})), Reason::not_covered);
}

// ---- SIG-16 .. SIG-21: key binding and resolution ---------------------------------------------

TEST_F(Signatures, Sig16KeyOwnerFromAnotherHostThanActor) {
  auto v = verify(signed_post(alice_, kAliceKey));
  ASSERT_TRUE(v.ok());
  auto bound = check_actor_matches(*v, kBob);
  ASSERT_FALSE(bound.ok());
  Reason r{};
  ASSERT_TRUE(reason_of(bound.error(), r));
  EXPECT_EQ(r, Reason::actor_mismatch);
  EXPECT_EQ(http_status(r), 403);
  EXPECT_EQ(bound.error().kind, core::ErrorKind::forbidden);
}

TEST_F(Signatures, Sig17SameHostDifferentActor) {
  resolver_.add("https://a.example/users/bob#main-key", "https://a.example/users/bob",
                *PublicKey::from_pem(k_bob_public));
  auto v = verify(signed_post(bob_, "https://a.example/users/bob#main-key"));
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(check_actor_matches(*v, kAlice).ok());
  EXPECT_TRUE(check_actor_matches(*v, "https://a.example/users/bob").ok());
  // Exact match only: no case folding or trailing-slash games.
  EXPECT_FALSE(check_actor_matches(*v, "https://a.example/users/bob/").ok());
  EXPECT_FALSE(check_actor_matches(*v, "https://A.example/users/bob").ok());
}

TEST_F(Signatures, OwnerComesFromTheResolverNotTheKeyId) {  // SIG-18 (the back-link is resolver's)
  // A key id under alice's URL whose resolved owner is bob: the owner reported is bob.
  const std::string odd_key = kAlice + "#other-key";
  resolver_.add(odd_key, kBob, *PublicKey::from_pem(k_bob_public));
  auto v = verify(signed_post(bob_, odd_key));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->owner, kBob);
  EXPECT_FALSE(check_actor_matches(*v, kAlice).ok());
}

TEST_F(Signatures, Sig19And20KeyIdsRefusedBeforeResolution) {
  for (const std::string key_id :
       {"acct:alice@a.example", "http://a.example/users/alice#main-key",
        "https://10.0.0.1/users/alice#main-key", "https://[::1]/actor#key", "data:text/plain,hello",
        "file:///etc/passwd", "https://user@a.example/actor#key", "/users/alice#main-key",
        "https:///nohost"}) {
    resolver_.add(key_id, kAlice, *PublicKey::from_pem(k_alice_public));
    EXPECT_EQ(failure(signed_post(alice_, key_id)), Reason::key_id_invalid) << key_id;
  }
  EXPECT_EQ(resolver_.calls(), 0);
  options_.allow_http_key_id = true;  // development mode
  EXPECT_TRUE(verify(signed_post(alice_, "http://a.example/users/alice#main-key")).ok());
}

TEST_F(Signatures, Sig21UnresolvableKey) {
  const auto r = failure(signed_post(alice_, "https://gone.example/users/x#main-key"));
  EXPECT_EQ(r, Reason::key_unavailable);
  EXPECT_EQ(http_status(r), 401);
}

// ---- SIG-22 .. SIG-24: algorithms -------------------------------------------------------------

TEST_F(Signatures, Sig22UnsupportedAlgorithms) {
  const auto in = signed_post(alice_, kAliceKey);
  for (const char* label : {"hmac-sha256", "rsa-sha1", "ecdsa-sha256", "RSA-SHA256 ", "RSA-SHA256",
                            "rsa-sha512", "ed25519"}) {
    auto copy = in;
    copy.headers.set("Signature", with_signature_param(in, "algorithm", label));
    EXPECT_EQ(failure(copy), Reason::algorithm_unsupported) << label;
  }
  EXPECT_EQ(resolver_.calls(), 0);
}

TEST_F(Signatures, Sig23Hs2019FollowsTheKeyType) {
  // hs2019 with an RSA key: RSASSA-PKCS1-v1_5 / SHA-256.
  auto v = verify(signed_post(alice_, kAliceKey, "hs2019"));
  ASSERT_TRUE(v.ok()) << v.error().message;
  // No algorithm parameter at all behaves like hs2019.
  auto in = signed_post(alice_, kAliceKey);
  std::string header = *in.headers.joined("signature");
  header.erase(header.find(",algorithm=\"rsa-sha256\""), 23);
  in.headers.set("Signature", header);
  EXPECT_TRUE(verify(in).ok());
  // An Ed25519 key under the RSA label is refused.
  auto ed = signed_post(carol_, kCarolKey, "hs2019");
  ed.headers.set("Signature", with_signature_param(ed, "algorithm", "rsa-sha256"));
  EXPECT_EQ(failure(ed), Reason::key_type_mismatch);
  // An HMAC "signature" keyed with the public PEM never verifies.
  auto hmac_in = signed_post(alice_, kAliceKey, "hs2019");
  std::string hmac(32, 'h');
  unsigned int len = 0;
  const std::string text =
      *cavage_signing_string({"(request-target)", "host", "date", "digest", "content-type"}, "POST",
                             kInbox, hmac_in.headers, {}, {});
  HMAC(EVP_sha256(), k_alice_public, static_cast<int>(std::strlen(k_alice_public)),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(),
       reinterpret_cast<unsigned char*>(hmac.data()), &len);
  hmac_in.headers.set("Signature", with_signature_param(hmac_in, "signature", base64_encode(hmac)));
  EXPECT_EQ(failure(hmac_in), Reason::signature_mismatch);
}

TEST_F(Signatures, Sig23Rfc9421AlgMustFitTheKey) {
  auto added = *sign_request_rfc9421(post_input(carol_, kCarolKey), clock_);
  VerifyInput in{"POST", kInbox, {{"Host", "us.example"}}, kBody};
  for (auto& [k, v] : added) {
    if (k == "Signature-Input") {
      const auto pos = v.find("alg=\"ed25519\"");
      v.replace(pos, 13, "alg=\"rsa-v1_5-sha256\"");
    }
    in.headers.add(k, v);
  }
  EXPECT_EQ(failure(in), Reason::key_type_mismatch);
  auto bad = in;
  std::string input = *bad.headers.joined("signature-input");
  input.replace(input.find("rsa-v1_5-sha256"), 15, "hmac-sha256");
  bad.headers.set("Signature-Input", input);
  EXPECT_EQ(failure(bad), Reason::algorithm_unsupported);
}

TEST_F(Signatures, Sig24CreatedWithRsaSha256) {
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(t0().time_since_epoch()).count();
  auto in = crafted({"(request-target)", "host", "(created)", "digest"},
                    ",created=" + std::to_string(now), now);
  EXPECT_EQ(failure(in), Reason::algorithm_unsupported);
}

TEST_F(Signatures, CreatedAndExpiresWithHs2019) {
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(t0().time_since_epoch()).count();
  const std::vector<std::string> covered{"(request-target)", "host", "(created)", "(expires)",
                                         "digest"};
  const std::string params =
      ",created=" + std::to_string(now) + ",expires=" + std::to_string(now + 3600);
  auto in = crafted(covered, params, now, now + 3600, &carol_, kCarolKey, "hs2019");
  auto v = verify(in);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->created, t0());
  clock_.advance(3601s);  // an explicit expires in the past refuses, no margin
  EXPECT_EQ(failure(in), Reason::signature_expired);
  // (created) signed without a created parameter.
  clock_.set(t0());
  auto missing = crafted({"(request-target)", "host", "date", "digest"}, "", {}, {}, &carol_,
                         kCarolKey, "hs2019");
  std::string header = *missing.headers.joined("signature");
  header.replace(header.find("date"), 4, "(created)");
  missing.headers.set("Signature", header);
  EXPECT_EQ(failure(missing), Reason::date_invalid);
}

// ---- SIG-27 .. SIG-30 ------------------------------------------------------------------------

TEST_F(Signatures, Sig27DuplicateHeaders) {
  const auto in = signed_post(alice_, kAliceKey);
  for (const char* name : {"Date", "Digest", "Host", "Signature"}) {
    auto copy = in;
    copy.headers.add(name, *in.headers.joined(name));
    const Reason r = failure(copy);
    EXPECT_EQ(r, Reason::duplicate_header) << name;
    EXPECT_EQ(http_status(r), 400);
  }
  auto both = in;
  both.headers.add("Authorization", "Signature " + *in.headers.joined("signature"));
  EXPECT_EQ(failure(both), Reason::duplicate_header);
  // A cavage Signature next to a Signature-Input cannot be read as RFC 9421.
  auto mixed = in;
  mixed.headers.add("Signature-Input", R"(sig1=("@method");created=1;keyid="x")");
  EXPECT_EQ(failure(mixed), Reason::signature_malformed);
}

TEST_F(Signatures, Sig28BlockedKeyIsForbidden) {
  resolver_.block(kAliceKey);
  const Reason r = failure(signed_post(alice_, kAliceKey));
  EXPECT_EQ(r, Reason::key_forbidden);
  EXPECT_EQ(http_status(r), 403);
  EXPECT_EQ(resolver_.refreshes(), 0);
}

TEST_F(Signatures, Sig29KeyRotationRefreshesOnce) {
  // The cache still has alice's old key; she now signs with a new one.
  const auto fresh = *PrivateKey::from_pem(k_alice_new_private);
  resolver_.stage_refresh(kAliceKey, kAlice, *PublicKey::from_pem(k_alice_new_public));
  auto v = verify(signed_post(fresh, kAliceKey));
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_TRUE(v->refreshed_key);
  EXPECT_EQ(resolver_.calls(), 2);
  EXPECT_EQ(resolver_.refreshes(), 1);
  // The refreshed key is now the cached one: no further refresh.
  EXPECT_TRUE(verify(signed_post(fresh, kAliceKey)).ok());
  EXPECT_EQ(resolver_.refreshes(), 1);
}

TEST_F(Signatures, Sig29RefreshHappensOnlyOnce) {
  // Signed with bob's key under alice's id: the refresh returns the same key; no loop.
  EXPECT_EQ(failure(signed_post(bob_, kAliceKey)), Reason::signature_mismatch);
  EXPECT_EQ(resolver_.calls(), 2);
  EXPECT_EQ(resolver_.refreshes(), 1);
}

TEST_F(Signatures, NoRefreshWhenTheKeyWasFetchedFresh) {
  struct Fresh : KeyResolver {
    int calls = 0;
    PublicKey key = *PublicKey::from_pem(k_alice_public);
    core::Result<ResolvedKey> resolve(std::string_view id, bool) override {
      ++calls;
      return ResolvedKey{std::string(id), kAlice, key, false};
    }
  } fresh;
  auto r = verify_request(signed_post(bob_, kAliceKey), fresh, clock_, options_);
  EXPECT_EQ(failure(r), Reason::signature_mismatch);
  EXPECT_EQ(fresh.calls, 1);
}

TEST_F(Signatures, Sig30SmallRsaKeyRejected) {
  const std::string key_id = "https://a.example/users/small#main-key";
  resolver_.add(key_id, "https://a.example/users/small", *PublicKey::from_pem(k_rsa1024_public));
  EXPECT_EQ(failure(signed_post(*PrivateKey::from_pem(k_rsa1024_private), key_id)),
            Reason::key_rejected);
}

// ---- header handling -------------------------------------------------------------------------

TEST_F(Signatures, HeaderNamesAreCaseInsensitive) {
  auto in = signed_post(alice_, kAliceKey);
  VerifyInput shouty{in.method, in.target, {}, in.body};
  for (const auto& [k, v] : in.headers.fields()) {
    std::string upper = k;
    for (auto& c : upper)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    shouty.headers.add(upper, v);
  }
  EXPECT_TRUE(verify(shouty).ok());
  // Upper-case names in the headers parameter are lowered too.
  std::string header = *in.headers.joined("signature");
  header.replace(header.find("host date"), 9, "HOST Date");
  in.headers.set("Signature", header);
  EXPECT_TRUE(verify(in).ok());
}

TEST_F(Signatures, MultipleHeaderValuesJoinedWithCommaSpace) {
  VerifyInput in{"POST",
                 kInbox,
                 {{"Host", "us.example"},
                  {"Date", format_http_date(t0())},
                  {"Digest", digest_header(kBody)},
                  {"X-Thing", "one"},
                  {"X-Thing", " two "}},
                 kBody};
  const std::vector<std::string> covered{"(request-target)", "host", "date", "digest", "x-thing"};
  const std::string text = *cavage_signing_string(covered, "POST", kInbox, in.headers, {}, {});
  EXPECT_NE(text.find("\nx-thing: one, two"), std::string::npos);
  in.headers.add("Signature",
                 "keyId=\"" + kAliceKey +
                     "\",algorithm=\"rsa-sha256\",headers=\"(request-target) host "
                     "date digest x-thing\",signature=\"" +
                     base64_encode(*alice_.sign(SignatureAlgorithm::rsa_v1_5_sha256, text)) + "\"");
  EXPECT_TRUE(verify(in).ok());
}

TEST_F(Signatures, AuthorizationSignatureForm) {
  auto in = signed_post(alice_, kAliceKey);
  const std::string value = *in.headers.joined("signature");
  in.headers.remove("signature");
  in.headers.add("Authorization", "Signature " + value);
  auto v = verify(in);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->owner, kAlice);
  in.headers.set("Authorization", "signature " + value);  // the scheme is case-insensitive
  EXPECT_TRUE(verify(in).ok());
}

TEST_F(Signatures, SignedHeaderMissingFromRequest) {
  auto in = signed_post(alice_, kAliceKey);
  in.headers.remove("content-type");
  EXPECT_EQ(failure(in), Reason::header_missing);
}

// ---- RFC 9421 specifics -----------------------------------------------------------------------

namespace {
VerifyInput rfc9421_request(const std::string& signature_input, const std::string& base,
                            const PrivateKey& key, SignatureAlgorithm alg,
                            std::string label = "sig1") {
  VerifyInput in{"POST",
                 kInbox,
                 {{"Host", "us.example"}, {"Content-Digest", content_digest_header(kBody)}},
                 kBody};
  in.headers.add("Signature-Input", label + "=" + signature_input);
  in.headers.add("Signature", label + "=:" + base64_encode(*key.sign(alg, base)) + ":");
  return in;
}
}  // namespace

TEST_F(Signatures, Rfc9421HandBuiltBaseWithRsaPss) {
  const std::string params =
      R"(("@method" "@authority" "@path" "@query" "content-digest");created=1772366400;keyid=")" +
      kAliceKey + R"(";alg="rsa-pss-sha512";nonce="n1";tag="fedi")";
  const std::string base = "\"@method\": POST\n\"@authority\": us.example\n\"@path\": " + kInbox +
                           "\n\"@query\": ?\n\"content-digest\": " + content_digest_header(kBody) +
                           "\n\"@signature-params\": " + params;
  auto v = verify(rfc9421_request(params, base, alice_, SignatureAlgorithm::rsa_pss_sha512));
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->algorithm, "rsa-pss-sha512");
}

TEST_F(Signatures, Rfc9421CoveragePolicy) {
  const std::string tail = R"(;created=1772366400;keyid=")" + kAliceKey + "\"";
  struct Case {
    std::string list;
    std::string params;
  };
  for (const auto& c : std::vector<Case>{
           {R"(("@target-uri" "content-digest"))", tail},           // no @method
           {R"(("@method" "@authority" "content-digest"))", tail},  // no target
           {R"(("@method" "@path" "content-digest"))", tail},       // no authority
           {R"(("@method" "@target-uri"))", tail},                  // no content-digest
           {R"(("@method" "@target-uri" "content-digest"))", ";keyid=\"" + kAliceKey + "\""},
       }) {
    auto in = rfc9421_request(c.list + c.params, "irrelevant", alice_,
                              SignatureAlgorithm::rsa_v1_5_sha256);
    EXPECT_EQ(failure(in), Reason::not_covered) << c.list << c.params;
  }
  EXPECT_EQ(resolver_.calls(), 0);
}

TEST_F(Signatures, Rfc9421ExpiredAndFuture) {
  const auto make = [&](std::int64_t created, std::optional<std::int64_t> expires) {
    std::string params =
        R"(("@method" "@target-uri" "content-digest");created=)" + std::to_string(created) +
        (expires ? ";expires=" + std::to_string(*expires) : "") + ";keyid=\"" + kCarolKey + "\"";
    const std::string base = "\"@method\": POST\n\"@target-uri\": https://us.example" + kInbox +
                             "\n\"content-digest\": " + content_digest_header(kBody) +
                             "\n\"@signature-params\": " + params;
    return rfc9421_request(params, base, carol_, SignatureAlgorithm::ed25519);
  };
  const std::int64_t now = 1772366400;
  EXPECT_TRUE(verify(make(now, {})).ok());
  EXPECT_EQ(failure(make(now - 3600, now - 1)), Reason::signature_expired);
  EXPECT_EQ(failure(make(now - 66 * 60, {})), Reason::signature_expired);
  EXPECT_EQ(failure(make(now + 61 * 60, {})), Reason::signature_future);
}

TEST_F(Signatures, Rfc9421FirstSignatureMeetingPolicyIsVerified) {
  auto added = *sign_request_rfc9421(post_input(carol_, kCarolKey), clock_);
  VerifyInput in{"POST", kInbox, {{"Host", "us.example"}}, kBody};
  std::string input, signature;
  for (auto& [k, v] : added) {
    if (k == "Signature-Input")
      input = v;
    else if (k == "Signature")
      signature = v;
    else
      in.headers.add(k, v);
  }
  // A weak first signature (only @method) is skipped in favour of the full one.
  in.headers.add("Signature-Input", R"(weak=("@method");created=1772366400;keyid="x", )" + input);
  in.headers.add("Signature", "weak=:AAAA:, " + signature);
  auto v = verify(in);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->label, "sig1");
  // A label without a matching Signature entry is refused.
  in.headers.set("Signature", "weak=:AAAA:");
  EXPECT_EQ(failure(in), Reason::signature_incomplete);
}

TEST_F(Signatures, Rfc9421MalformedAndUnsupported) {
  const auto base_in = [&] {
    return VerifyInput{"POST",
                       kInbox,
                       {{"Host", "us.example"}, {"Content-Digest", content_digest_header(kBody)}},
                       kBody};
  };
  auto in = base_in();
  in.headers.add("Signature-Input", R"(sig1=("@method" "@target-uri" "content-digest";created=1)");
  in.headers.add("Signature", "sig1=:AAAA:");
  EXPECT_EQ(failure(in), Reason::signature_malformed);

  in = base_in();
  in.headers.add(
      "Signature-Input",
      R"(sig1=("@method" "@target-uri" "content-digest" "@query-param";name="a");created=1772366400;keyid=")" +
          kAliceKey + "\"");
  in.headers.add("Signature", "sig1=:AAAA:");
  EXPECT_EQ(failure(in), Reason::component_unsupported);

  in = base_in();
  in.headers.add(
      "Signature-Input",
      R"(sig1=("@method" "@target-uri" "content-digest" "@method");created=1772366400;keyid=")" +
          kAliceKey + "\"");
  in.headers.add("Signature", "sig1=:AAAA:");
  EXPECT_EQ(failure(in), Reason::signature_malformed);

  in = base_in();
  in.headers.add("Signature-Input",
                 R"(sig1=("@method" "@target-uri" "content-digest");created=1772366400;keyid=")" +
                     kAliceKey + "\"");
  in.headers.add("Signature", "sig1=\"not bytes\"");
  EXPECT_EQ(failure(in), Reason::signature_encoding);

  in = base_in();
  in.headers.add("Signature-Input",
                 R"(sig1=("@method" "@target-uri" "content-digest");created=1772366400)");
  in.headers.add("Signature", "sig1=:AAAA:");
  EXPECT_EQ(failure(in), Reason::signature_incomplete);

  in = base_in();
  in.headers.set("Content-Digest", content_digest_header("something else"));
  in.headers.add("Signature-Input",
                 R"(sig1=("@method" "@target-uri" "content-digest");created=1772366400;keyid=")" +
                     kAliceKey + "\"");
  in.headers.add("Signature", "sig1=:AAAA:");
  EXPECT_EQ(failure(in), Reason::digest_mismatch);
}

// ---- origin helpers and the status table --------------------------------------------------------

TEST(SameOrigin, ComparesSchemeHostAndPort) {
  EXPECT_TRUE(same_origin("https://a.example/users/alice", "https://a.example/notes/1"));
  EXPECT_TRUE(same_origin("https://A.Example/x", "https://a.example:443/y"));
  EXPECT_TRUE(same_origin("https://a.example./x", "https://a.example/y"));
  EXPECT_TRUE(same_origin("https://a.example/users/alice#main-key", "https://a.example/x#likes/1"))
      << "Mastodon activity ids carry fragments";
  EXPECT_FALSE(same_origin("https://a.example/x#frag", "https://b.example/x#frag"));
  EXPECT_TRUE(same_origin("http://a.example/x", "http://a.example:80/y"));
  EXPECT_FALSE(same_origin("https://a.example/x", "http://a.example/x"));
  EXPECT_FALSE(same_origin("https://a.example/x", "https://b.example/x"));
  EXPECT_FALSE(same_origin("https://a.example/x", "https://a.example:8443/x"));
  EXPECT_FALSE(same_origin("https://a.example/x", "https://sub.a.example/x"));
  EXPECT_FALSE(same_origin("https://a.example@b.example/", "https://b.example/"));
  EXPECT_FALSE(same_origin("not a url", "not a url"));
  EXPECT_FALSE(same_origin("ftp://a.example/", "ftp://a.example/"));
  EXPECT_FALSE(same_origin("", ""));
}

TEST(Reasons, StatusTable) {
  EXPECT_EQ(http_status(Reason::signature_malformed), 400);
  EXPECT_EQ(http_status(Reason::duplicate_header), 400);
  EXPECT_EQ(http_status(Reason::key_forbidden), 403);
  EXPECT_EQ(http_status(Reason::actor_mismatch), 403);
  for (auto r : {Reason::signature_missing, Reason::digest_mismatch, Reason::signature_expired,
                 Reason::signature_mismatch, Reason::key_unavailable, Reason::not_covered})
    EXPECT_EQ(http_status(r), 401) << to_string(r);
  const auto e = make_error(Reason::digest_mismatch, "detail");
  EXPECT_EQ(e.message, "digest_mismatch: detail");
  EXPECT_EQ(e.kind, core::ErrorKind::unauthorized);
  Reason out{};
  EXPECT_FALSE(reason_of(core::Error::internal("x: y"), out));
}
