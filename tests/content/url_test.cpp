#include "guildhall/content/url.hpp"

#include <gtest/gtest.h>

namespace {

using guildhall::content::safe_url;

TEST(SafeUrl, AcceptsHttpAndHttps) {
  EXPECT_EQ(safe_url("https://example.com/a?b=c#d", false), "https://example.com/a?b=c#d");
  EXPECT_EQ(safe_url("http://example.com", false), "http://example.com");
  EXPECT_EQ(safe_url("HTTPS://Example.com/X", false), "https://Example.com/X");
  EXPECT_EQ(safe_url("  https://example.com/  ", false), "https://example.com/");
}

TEST(SafeUrl, MailtoOnlyWhenAllowed) {
  EXPECT_EQ(safe_url("mailto:a@example.com", true), "mailto:a@example.com");
  EXPECT_EQ(safe_url("mailto:a@example.com", false), std::nullopt);
  EXPECT_EQ(safe_url("mailto:", true), std::nullopt);
}

TEST(SafeUrl, RejectsDangerousSchemes) {
  for (const char* url : {"javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
                          "java\tscript:alert(1)", "java\nscript:alert(1)", "\x01javascript:x",
                          "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
                          "file:///etc/passwd", "ftp://example.com/", "blob:https://x/y"}) {
    EXPECT_EQ(safe_url(url, true), std::nullopt) << url;
  }
}

TEST(SafeUrl, RejectsRelativeAndMalformed) {
  for (const char* url :
       {"//evil.example/x", "/local/path", "relative", "?q=1", "#frag", "https:evil.example",
        "https:///x", "https://", "http://a b", ":nothing", "1http://x", ""}) {
    EXPECT_EQ(safe_url(url, true), std::nullopt) << url;
  }
  EXPECT_EQ(safe_url(std::string(5000, 'a').insert(0, "https://"), true), std::nullopt);
}

}  // namespace
