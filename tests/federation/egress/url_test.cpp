#include "guildhall/federation/egress/url.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "guildhall/federation/egress/client.hpp"

namespace guildhall::federation::egress {
namespace {

TEST(EgressUrl, ParsesAndNormalizes) {
  auto u = parse_url("HTTPS://Peer.EXAMPLE/users/../users/alice?x=%7e#frag");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_TRUE(u->https);
  EXPECT_EQ(u->host, "peer.example");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->target, "/users/alice?x=~");
  EXPECT_EQ(u->str(), "https://peer.example/users/alice?x=~");
  EXPECT_EQ(u->origin(), "https://peer.example");
  EXPECT_FALSE(u->literal);
}

TEST(EgressUrl, DefaultsAndExplicitPorts) {
  EXPECT_EQ(parse_url("http://a.example")->port, 80);
  EXPECT_EQ(parse_url("http://a.example")->target, "/");
  EXPECT_EQ(parse_url("https://a.example:443/")->str(), "https://a.example/");
  auto u = parse_url("https://a.example:8443/x");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->authority(), "a.example:8443");
  EXPECT_EQ(parse_url("http://a.example:/")->port, 80);
  EXPECT_EQ(parse_url("https://example.com./")->host, "example.com");
}

TEST(EgressUrl, IpLiterals) {
  auto v4 = parse_url("http://192.0.2.1:8080/");
  ASSERT_TRUE(v4);
  ASSERT_TRUE(v4->literal);
  EXPECT_EQ(v4->literal->to_string(), "192.0.2.1");
  auto v6 = parse_url("https://[2001:DB8:0::1]/a");
  ASSERT_TRUE(v6) << v6.error().message;
  ASSERT_TRUE(v6->literal);
  EXPECT_EQ(v6->host, "2001:db8::1");
  EXPECT_EQ(v6->authority(), "[2001:db8::1]");
  EXPECT_EQ(v6->str(), "https://[2001:db8::1]/a");
  auto mapped = parse_url("http://[::ffff:127.0.0.1]/");
  ASSERT_TRUE(mapped);
  EXPECT_TRUE(mapped->literal->is_v6());
}

TEST(EgressUrl, RejectsBadInput) {
  const std::vector<std::string> bad = {
      "",
      "/relative/path",
      "//host/path",
      "ftp://a.example/",
      "file:///etc/passwd",
      "gopher://a.example/",
      "data:text/plain,hello",
      "javascript:alert(1)",
      "https:a.example",
      "https:///path",
      "https://",
      "https://user@a.example/",
      "https://user:pw@a.example/",
      "https://@a.example/",
      "https://evil@good.example/",
      "https:\\\\evil.example",
      "https://a.example\\@evil/",
      "https://a .example/",
      "https://a\t.example/",
      "https://a.example\n/",
      "https://a\r\n.example/",
      std::string("https://a.example\0/", 19),
      "https://b\xc3\xbcrger.example/",  // non-ASCII: IDNA not supported
      "https://xn--brger-kva.example\xe2\x80\x8b/",
      "https://b%C3%BCrger.example/",
      "https://a%2eexample/",
      "https://a..example/",
      "https://-a.example/",
      "https://a_b.exa$mple/",
      "https://a.example:0/",
      "https://a.example:65536/",
      "https://a.example:99999999/",
      "https://a.example:-1/",
      "https://a.example:80a/",
      "https://[fe80::1%25eth0]/",
      "https://[v1.fe80::1]/",
      "https://[::1/",
      "https://" + std::string(300, 'a') + ".example/",
      "https://a.example/" + std::string(5000, 'p'),
  };
  for (const auto& text : bad) {
    auto u = parse_url(text);
    EXPECT_FALSE(u) << text << " -> " << (u ? u->str() : "");
    if (!u) {
      EXPECT_EQ(u.error().kind, core::ErrorKind::invalid_input) << text;
    }
  }
}

// inet_aton and WHATWG read these as 127.0.0.1 (or other addresses); we read them as nothing.
TEST(EgressUrl, RejectsNonCanonicalIpv4) {
  const std::vector<std::string> bad = {
      "http://2130706433/",
      "http://0x7f.1/",
      "http://017700000001/",
      "http://127.1/",
      "http://127.0.1/",
      "http://0x7f.0.0.1/",
      "http://0177.0.0.1/",
      "http://0x7f000001/",
      "http://127.0.0.01/",
      "http://127.000.0.1/",
      "http://1.2.3.4./",
      "http://0/",
      "http://a.example.0x1/",
      "http://1.2.3.0x4/",
      "http://08.0.0.1/",
      "http://256.0.0.1/",
      "http://1.2.3.4.5/",
      "http://0X7F.0.0.1/",
      // Boost.URL 1.81 reads these as host 1.2.3.4 and a path without '/': refused as ambiguous.
      "http://1.2.3.4.example/",
      "http://1.2.3.4a/",
      "http://1.2.3.4:80.example/",
      "http://[::1]x/",
  };
  for (const auto& text : bad) {
    auto u = parse_url(text);
    EXPECT_FALSE(u) << text << " -> " << (u ? u->str() : "");
  }
  // Canonical dotted quads and names merely containing digits are fine.
  EXPECT_TRUE(parse_url("http://127.0.0.1/"));
  EXPECT_TRUE(parse_url("http://123.example/"));
  EXPECT_TRUE(parse_url("http://0x7f.example/"));
}

TEST(EgressUrl, FragmentTrickKeepsTheRealHost) {
  // "https://good#@evil": one parser decides, and the host is good.
  auto u = parse_url("https://good.example#@evil.example");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "good.example");
  EXPECT_EQ(u->target, "/");
}

TEST(EgressRedirect, ResolvesRelativeAndAbsolute) {
  auto base = parse_url("https://a.example/users/alice?x=1").value();
  EXPECT_EQ(resolve_redirect(base, "/users/bob")->str(), "https://a.example/users/bob");
  EXPECT_EQ(resolve_redirect(base, "bob")->str(), "https://a.example/users/bob");
  EXPECT_EQ(resolve_redirect(base, "../x/./y")->str(), "https://a.example/x/y");
  EXPECT_EQ(resolve_redirect(base, "?page=2")->str(), "https://a.example/users/alice?page=2");
  EXPECT_EQ(resolve_redirect(base, "//b.example/p")->str(), "https://b.example/p");
  EXPECT_EQ(resolve_redirect(base, "http://b.example/p")->str(), "http://b.example/p");
  EXPECT_EQ(resolve_redirect(base, "HTTPS://B.example:443/p#f")->str(), "https://b.example/p");
  EXPECT_EQ(resolve_redirect(base, "/../../../etc")->str(), "https://a.example/etc");
  EXPECT_EQ(resolve_redirect(base, "/a/%2e%2e/b")->str(), "https://a.example/b");
  EXPECT_EQ(parse_url("https://a.example/../../x/./y/..")->target, "/x/");
  EXPECT_EQ(parse_url("https://a.example/a/b/../../..")->target, "/");
}

TEST(EgressRedirect, RejectsBadLocations) {
  auto base = parse_url("https://a.example/start").value();
  for (std::string location :
       {"", "file:///etc/passwd", "gopher://a.example/", "data:text/html,hi", "ftp://a.example/",
        "https://user@b.example/", "//2130706433/", "http://0x7f.1/", "https://b\xc3\xa4.example/",
        "//1.2.3.4.evil/", "/a\r\nSet-Cookie: x=1", "https:\\\\evil.example/"}) {
    auto r = resolve_redirect(base, location);
    EXPECT_FALSE(r) << location << " -> " << (r ? r->str() : "");
  }
}

TEST(EgressDisposition, StatusesFollowMastodonsRule) {
  EXPECT_EQ(classify(200), Disposition::success);
  EXPECT_EQ(classify(202), Disposition::success);
  EXPECT_EQ(classify(400), Disposition::permanent);
  EXPECT_EQ(classify(403), Disposition::permanent);
  EXPECT_EQ(classify(404), Disposition::permanent);
  EXPECT_EQ(classify(410), Disposition::permanent);
  EXPECT_EQ(classify(422), Disposition::permanent);
  EXPECT_EQ(classify(501), Disposition::permanent);
  EXPECT_EQ(classify(401), Disposition::transient);
  EXPECT_EQ(classify(408), Disposition::transient);
  EXPECT_EQ(classify(429), Disposition::transient);
  EXPECT_EQ(classify(500), Disposition::transient);
  EXPECT_EQ(classify(502), Disposition::transient);
  EXPECT_EQ(classify(503), Disposition::transient);
  EXPECT_EQ(classify(504), Disposition::transient);
  EXPECT_TRUE(is_transient(503));
  EXPECT_FALSE(is_transient(404));
}

TEST(EgressDisposition, ErrorsByKind) {
  EXPECT_TRUE(is_transient(core::Error::unavailable("timeout")));
  EXPECT_FALSE(is_transient(core::Error::forbidden("address refused")));
  EXPECT_FALSE(is_transient(core::Error::invalid_input("bad url")));
  EXPECT_FALSE(is_transient(core::Error::too_large("body")));
}

TEST(EgressUserAgent, NamesVersionAndDomain) {
  const auto ua = user_agent_for("guild.example");
  EXPECT_TRUE(ua.starts_with("Guildhall/")) << ua;
  EXPECT_TRUE(ua.ends_with(" (+https://guild.example)")) << ua;
}

}  // namespace
}  // namespace guildhall::federation::egress
