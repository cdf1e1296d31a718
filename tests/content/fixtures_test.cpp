// Real post bodies from other servers survive sanitization with their semantics intact.

#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "guildhall/content/html.hpp"

namespace {

using guildhall::content::derive_title;
using guildhall::content::html_to_plain_text;
using guildhall::content::sanitize_html;

// The first "content" string in the fixture, searched depth-first (object, activity.object,
// collection.orderedItems[0], ...).
std::string first_content(const nlohmann::json& j) {
  if (j.is_object()) {
    if (auto it = j.find("content"); it != j.end() && it->is_string()) {
      return it->get<std::string>();
    }
  }
  if (j.is_object() || j.is_array()) {
    for (const auto& child : j) {
      if (std::string c = first_content(child); !c.empty()) {
        return c;
      }
    }
  }
  return {};
}

std::string fixture_content(const std::string& relative) {
  std::ifstream in(std::string(GUILDHALL_SHARED_DIR) + "/fixtures/activitypub/" + relative);
  EXPECT_TRUE(in) << relative;
  std::string content = first_content(nlohmann::json::parse(in));
  EXPECT_FALSE(content.empty()) << relative;
  return content;
}

bool contains(const std::string& s, const std::string& needle) {
  return s.find(needle) != std::string::npos;
}

TEST(Fixtures, MastodonMentionSurvives) {
  std::string out = sanitize_html(fixture_content("mastodon/objects/note_1.json"));
  EXPECT_TRUE(contains(
      out,
      R"h(<span class="h-card"><a href="https://mamot.fr/@retiolus" class="u-url mention" rel="nofollow noopener noreferrer" target="_blank">@<span>retiolus</span></a></span>)h"))
      << out;
  EXPECT_TRUE(contains(out, "i have never been disappointed by a thinkpad."));
  EXPECT_EQ(sanitize_html(out), out);
}

TEST(Fixtures, MastodonHashtagsAndShortenedLinksSurvive) {
  std::string out = sanitize_html(fixture_content("mastodon/collections/featured.json"));
  EXPECT_TRUE(contains(
      out,
      R"h(<a href="https://mastodon.social/tags/reddit" class="mention hashtag" rel="nofollow noopener noreferrer tag" target="_blank">#<span>reddit</span></a>)h"))
      << out;
  EXPECT_TRUE(contains(
      out, R"h(<span class="invisible">https://</span><span>github.com/LemmyNet/lemmy/</span>)h"))
      << out;
  EXPECT_EQ(sanitize_html(out), out);
}

TEST(Fixtures, MastodonGroupPostTitle) {
  std::string content = fixture_content("mastodon/objects/page.json");
  EXPECT_EQ(derive_title(content), "Variable never resetting at refresh");
  std::string out = sanitize_html(content);
  EXPECT_TRUE(contains(out, "I&#39;m using a variable")) << out;
  EXPECT_FALSE(contains(out, "translate="));
  // The first paragraph is only the group mention, so the title comes from the next one.
  EXPECT_EQ(derive_title(fixture_content("mastodon/objects/note_2.json")),
            "We also need funding \xF0\x9F\x92\xB6 to keep the gears turning! Please support us "
            "with a donation:");
}

TEST(Fixtures, LemmyComment) {
  std::string content = fixture_content("lemmy/objects/comment.json");
  EXPECT_EQ(sanitize_html(content), "<p>first comment!</p>\n");
  EXPECT_EQ(html_to_plain_text(content), "first comment!");
}

TEST(Fixtures, PleromaMention) {
  std::string out = sanitize_html(fixture_content("pleroma/activities/create_note.json"));
  EXPECT_EQ(
      out,
      R"h(<span class="h-card"><a href="https://enterprise.lemmy.ml/u/picard" class="u-url mention" rel="nofollow noopener noreferrer" target="_blank">@<span>lanodan</span></a></span> test)h");
  EXPECT_EQ(derive_title(out), "test");
}

TEST(Fixtures, FriendicaShareKeepsQuoteAndLinks) {
  std::string content = fixture_content("friendica/objects/note_2.json");
  std::string out = sanitize_html(content);
  EXPECT_TRUE(contains(out, R"h(class="mention hashtag" rel="nofollow noopener noreferrer tag")h"));
  EXPECT_TRUE(contains(out, "<blockquote><h3>Do your commenting tests here.</h3>")) << out;
  EXPECT_TRUE(contains(out, R"h(title="Liwott@lemmy.ml" class="u-url mention")h")) << out;
  EXPECT_EQ(sanitize_html(out), out);
  EXPECT_EQ(html_to_plain_text(out), html_to_plain_text(content));
}

}  // namespace
