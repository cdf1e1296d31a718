#include <string>

#include <gtest/gtest.h>

#include "guildhall/content/html.hpp"

namespace {

using guildhall::content::derive_title;
using guildhall::content::derive_title_from_text;
using guildhall::content::html_to_plain_text;

TEST(PlainText, ParagraphsAndLineBreaks) {
  EXPECT_EQ(html_to_plain_text("<p>one</p><p>two<br>three</p>"), "one\n\ntwo\nthree");
  EXPECT_EQ(html_to_plain_text("<ul><li>a</li><li>b</li></ul><p>c</p>"), "a\nb\n\nc");
  EXPECT_EQ(html_to_plain_text("<h1>T</h1>body"), "T\n\nbody");
}

TEST(PlainText, WhitespaceCollapsedExceptInPre) {
  EXPECT_EQ(html_to_plain_text("  a \n  <b>b</b>\t c  "), "a b c");
  EXPECT_EQ(html_to_plain_text("<pre>x  y\n  z</pre>"), "x  y\n  z");
}

TEST(PlainText, EntitiesDecodedAndMarkupGone) {
  EXPECT_EQ(html_to_plain_text("I&#39;m &lt;b&gt; &amp; caf&eacute; &#x1F600;"),
            "I'm <b> & caf\xC3\xA9 \xF0\x9F\x98\x80");
  EXPECT_EQ(html_to_plain_text("a<script>alert(1)</script><style>x{}</style>b"), "ab");
  EXPECT_EQ(html_to_plain_text("<img src=x alt=\"picture\"> <!-- c -->done"), "picture done");
  EXPECT_EQ(html_to_plain_text("<table><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></table>"),
            "1 2\n3");
}

TEST(PlainText, MastodonLinkSpansReadAsTheFullUrl) {
  EXPECT_EQ(
      html_to_plain_text(
          R"h(<a href="https://kde.org/donate/"><span class="invisible">https://</span><span class="">kde.org/donate/</span><span class="invisible"></span></a>)h"),
      "https://kde.org/donate/");
}

TEST(DeriveTitle, StripsLeadingMentions) {
  EXPECT_EQ(
      derive_title(
          R"h(<p><span class="h-card"><a href="https://x.example/c/g" class="u-url mention">@<span>g@x.example</span></a></span> Hello world</p><p>body</p>)h"),
      "Hello world");
  EXPECT_EQ(derive_title("<p>@a @b@c.example   Title  here</p>"), "Title here");
  EXPECT_EQ(derive_title("<p>@group@host.example</p><p>Second</p>"), "Second");
  EXPECT_EQ(derive_title("<p>mail me at a@b.example</p>"), "mail me at a@b.example");
  EXPECT_EQ(derive_title("<p>@@weird start</p>"), "@@weird start");
  EXPECT_EQ(derive_title(""), "");
  EXPECT_EQ(derive_title("<p>@only@mention.example</p>"), "");
}

TEST(DeriveTitle, EntitiesDecoded) {
  EXPECT_EQ(derive_title("<p>Tom &amp; Jerry&#39;s &quot;show&quot;</p>"),
            "Tom & Jerry's \"show\"");
}

TEST(DeriveTitle, TruncatesOnCodePointBoundary) {
  EXPECT_EQ(derive_title_from_text("abcdef", 4), "abc\u2026");
  EXPECT_EQ(derive_title_from_text("abcd", 4), "abcd");
  EXPECT_EQ(derive_title_from_text("ab cdef", 4), "ab\u2026");  // no space before the ellipsis
  // é is two bytes, 😀 four: counting is by code point and never splits one.
  EXPECT_EQ(derive_title_from_text("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 3),
            "\xC3\xA9\xC3\xA9\u2026");
  EXPECT_EQ(derive_title_from_text("\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 2),
            "\xF0\x9F\x98\x80\u2026");
  EXPECT_EQ(derive_title_from_text("anything", 0), "");
  EXPECT_EQ(derive_title_from_text("abc", 1), "\u2026");
  std::string long_line(1000, 'x');
  std::string title = derive_title("<p>" + long_line + "</p>");
  EXPECT_EQ(title, std::string(199, 'x') + "\u2026");
}

}  // namespace
