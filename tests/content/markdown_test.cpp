#include "guildhall/content/markdown.hpp"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

namespace {

using guildhall::content::markdown_to_plain_text;
using guildhall::content::MarkdownOptions;
using guildhall::content::render_markdown;
using guildhall::content::sanitize_html;

const std::string kRel = R"h( rel="nofollow noopener noreferrer" target="_blank")h";

bool contains(const std::string& s, const std::string& needle) {
  return s.find(needle) != std::string::npos;
}

TEST(Markdown, HeadingsEmphasisAndParagraphs) {
  EXPECT_EQ(render_markdown("# Title\n\nSome **bold** and _em_ text."),
            "<h1>Title</h1>\n<p>Some <strong>bold</strong> and <em>em</em> text.</p>\n");
}

TEST(Markdown, Lists) {
  EXPECT_EQ(
      render_markdown("- a\n- b\n\n3. c\n4. d\n"),
      "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol start=\"3\">\n<li>c</li>\n<li>d</li>\n</ol>\n");
}

TEST(Markdown, CodeBlockKeepsLanguageClass) {
  EXPECT_EQ(render_markdown("```rust\nfn main() { a < b }\n```\n"),
            "<pre>\n<code class=\"language-rust\">fn main() { a &lt; b }\n</code></pre>\n");
  EXPECT_EQ(render_markdown("`x<y`"), "<p><code>x&lt;y</code></p>\n");
}

TEST(Markdown, GfmTablesAndStrikethrough) {
  std::string out = render_markdown("| a | b |\n|:--|--:|\n| 1 | ~~2~~ |\n");
  EXPECT_EQ(out,
            "<table><thead><tr><th align=\"left\">a</th><th align=\"right\">b</th></tr></thead>"
            "<tbody><tr><td align=\"left\">1</td><td align=\"right\"><del>2</del></td></tr>"
            "</tbody></table>\n");
}

TEST(Markdown, LinksAndAutolinksGetRelAndTarget) {
  EXPECT_EQ(render_markdown("[x](https://example.com/a \"t\")"),
            "<p><a href=\"https://example.com/a\" title=\"t\"" + kRel + ">x</a></p>\n");
  EXPECT_EQ(render_markdown("see https://example.com/p and www.example.org"),
            "<p>see <a href=\"https://example.com/p\"" + kRel +
                ">https://example.com/p</a> and <a href=\"http://www.example.org\"" + kRel +
                ">www.example.org</a></p>\n");
}

TEST(Markdown, TaskListsBecomeText) {
  EXPECT_EQ(render_markdown("- [ ] todo\n- [x] done\n"),
            "<ul>\n<li>\u2610 todo</li>\n<li>\u2611 done</li>\n</ul>\n");
}

TEST(Markdown, RawHtmlIsNeutralised) {
  for (const char* src :
       {"<script>alert(1)</script>", "hi <img src=x onerror=alert(1)> there",
        "<iframe src=https://evil.example></iframe>", "<a href=\"javascript:alert(1)\">x</a>",
        "text <b onclick=x>bold</b>", "<div style=\"x\">\n\n*md*\n\n</div>"}) {
    std::string out = render_markdown(src);
    EXPECT_FALSE(contains(out, "<script")) << out;
    EXPECT_FALSE(contains(out, "<img")) << out;
    EXPECT_FALSE(contains(out, "<iframe")) << out;
    EXPECT_FALSE(contains(out, "onerror")) << out;
    EXPECT_FALSE(contains(out, "onclick")) << out;
    EXPECT_FALSE(contains(out, "javascript:")) << out;
    EXPECT_FALSE(contains(out, "style")) << out;
    EXPECT_FALSE(contains(out, "<!--")) << out;
  }
  EXPECT_EQ(render_markdown("hi <img src=x onerror=alert(1)> there"), "<p>hi  there</p>\n");
}

TEST(Markdown, DangerousLinkTargetsDropped) {
  EXPECT_EQ(render_markdown("[x](javascript:alert(1))"), "<p>x</p>\n");
  EXPECT_EQ(render_markdown("[x](data:text/html,hi)"), "<p>x</p>\n");
  EXPECT_EQ(render_markdown("[x](/relative)"), "<p>x</p>\n");
  EXPECT_EQ(render_markdown("<javascript:alert(1)>"), "<p>javascript:alert(1)</p>\n");
}

TEST(Markdown, ImagesFollowThePolicy) {
  EXPECT_EQ(render_markdown("![a cat](https://i.example/c.png)"),
            "<p><a href=\"https://i.example/c.png\"" + kRel + ">a cat</a></p>\n");
  MarkdownOptions keep;
  keep.sanitize.images = guildhall::content::ImagePolicy::keep;
  EXPECT_EQ(render_markdown("![a cat](https://i.example/c.png)", keep),
            "<p><img src=\"https://i.example/c.png\" alt=\"a cat\"></p>\n");
}

TEST(Markdown, SmartPunctuationOffAndHardBreaksOptional) {
  EXPECT_EQ(render_markdown("\"quotes\" -- dash..."), "<p>&quot;quotes&quot; -- dash...</p>\n");
  EXPECT_EQ(render_markdown("a\nb"), "<p>a\nb</p>\n");
  MarkdownOptions breaks;
  breaks.hard_breaks = true;
  EXPECT_EQ(render_markdown("a\nb", breaks), "<p>a<br>\nb</p>\n");
}

TEST(Markdown, OutputIsAFixedPointOfTheSanitizer) {
  std::string out = render_markdown(
      "# T\n\n> quote *x*\n\n1. a\n   - b\n\n```\ncode\n```\n\n| h |\n|---|\n| c |\n\n---\n");
  EXPECT_EQ(sanitize_html(out), out);
}

TEST(Markdown, PathologicalInputsAreQuick) {
  std::string nested(100000, '>');
  std::string brackets = std::string(50000, '[') + "a" + std::string(50000, ']');
  std::string emphasis = std::string(50000, '*') + "a" + std::string(50000, '_');
  for (const std::string& src : {nested, brackets, emphasis}) {
    auto start = std::chrono::steady_clock::now();
    std::string out = render_markdown(src);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
    EXPECT_EQ(sanitize_html(out), out);
  }
}

TEST(Markdown, PlainText) {
  EXPECT_EQ(
      markdown_to_plain_text("# Title\n\nSome **bold** [link](https://x.example).\n\n- a\n- b"),
      "Title\n\nSome bold link.\n\na\nb");
}

}  // namespace

// Mentions in rendered Markdown get Mastodon's markup (content::link_mentions).
TEST(LinkMentions, LinksWrittenMentionsOutsideLinksLongestFirstAndUndoesTheEmailAutolink) {
  using guildhall::content::link_mentions;
  using guildhall::content::MentionLink;
  const std::vector<MentionLink> mentions{{"@bob", "bob", "https://us.example/@bob"},
                                          {"@bob@b.example", "bob", "https://b.example/u/bob"}};
  const std::string bob_here =
      "<span class=\"h-card\"><a href=\"https://us.example/@bob\" class=\"u-url "
      "mention\">@<span>bob</span></a></span>";
  const std::string bob_there =
      "<span class=\"h-card\"><a href=\"https://b.example/u/bob\" class=\"u-url "
      "mention\">@<span>bob</span></a></span>";
  EXPECT_EQ(link_mentions("<p>Hi @Bob, @bobby and mail@bob.example</p>", mentions),
            "<p>Hi " + bob_here + ", @bobby and mail@bob.example</p>");
  // cmark-gfm autolinks "bob@b.example" as an e-mail address; the mention wins.
  EXPECT_EQ(link_mentions(guildhall::content::render_markdown("Hi @bob@b.example!"), mentions),
            "<p>Hi " + bob_there + "!</p>\n");
  EXPECT_EQ(link_mentions("<p><a href=\"https://x\">@bob</a> <code>x</code></p>", mentions),
            "<p><a href=\"https://x\">@bob</a> <code>x</code></p>")
      << "inside a link nothing changes";
}
