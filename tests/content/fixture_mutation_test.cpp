// The fuzz targets' properties in the normal suite, deterministically: every fixture of the shared
// corpus, mutated with a fixed seed (bytes flipped, cut, spliced with hostile markup), goes through
// the AS2 parser and then the sanitizer. Nothing crashes; whatever parses round-trips; every piece
// of HTML it carries sanitizes to inert, bounded, idempotent output (sanitize_invariants.hpp).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "guildhall/activitystreams/parse.hpp"
#include "guildhall/activitystreams/serialize.hpp"
#include "guildhall/content/html.hpp"

#include "sanitize_invariants.hpp"

namespace {

namespace as = guildhall::activitystreams;
namespace content = guildhall::content;
namespace fs = std::filesystem;

const std::vector<std::string> kHostile = {"<script>alert(1)</script>",
                                           "<img src=x onerror=alert(1)>",
                                           "<a href=\"javascript:x()\">",
                                           "<svg><script>x</script></svg>",
                                           "<math><mtext><style>",
                                           "\\u003cscript\\u003e",
                                           "<iframe src=//e>",
                                           "\"onclick=\"x()",
                                           "<!--",
                                           "]]>",
                                           "\\\"",
                                           "{",
                                           "}",
                                           "[",
                                           "]",
                                           ",",
                                           "\\u0000"};

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string mutate(std::string text, std::mt19937& rng) {
  std::uniform_int_distribution<int> kind(0, 3);
  const int rounds = std::uniform_int_distribution<int>(1, 4)(rng);
  for (int r = 0; r < rounds && !text.empty(); ++r) {
    const std::size_t at = std::uniform_int_distribution<std::size_t>(0, text.size() - 1)(rng);
    switch (kind(rng)) {
      case 0:  // flip a byte
        text[at] = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
        break;
      case 1:  // cut
        text.resize(at);
        break;
      case 2:  // splice hostile markup (inside strings it becomes content to sanitize)
        text.insert(
            at, kHostile[std::uniform_int_distribution<std::size_t>(0, kHostile.size() - 1)(rng)]);
        break;
      default:  // duplicate a slice (deeper nesting, repeated keys)
        text.insert(at, text.substr(at, std::uniform_int_distribution<std::size_t>(0, 64)(rng)));
        break;
    }
  }
  return text;
}

// Every string an object carries as HTML: content, contentMap values, summary, name.
void html_fields(const as::Object& o, std::vector<std::string>& out, int depth = 0) {
  if (o.content)
    out.push_back(*o.content);
  for (const auto& [lang, html] : o.content_map)
    out.push_back(html);
  if (o.summary)
    out.push_back(*o.summary);
  if (o.name)
    out.push_back(*o.name);
  if (depth < 4) {
    for (const as::Ref& ref : o.object)
      if (ref.get())
        html_fields(*ref.get(), out, depth + 1);
  }
}

TEST(FixtureMutation, ParseAndSanitizeKeepTheirInvariants) {
  const fs::path root = fs::path(GUILDHALL_SHARED_DIR) / "fixtures" / "activitypub";
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  ASSERT_GT(files.size(), 100u);

  std::mt19937 rng(20261124);
  std::size_t parsed = 0, sanitized = 0;
  for (const fs::path& file : files) {
    const std::string original = read(file);
    for (int variant = 0; variant < 12; ++variant) {
      const std::string text = variant == 0 ? original : mutate(original, rng);
      auto object = as::parse(text);
      if (!object)
        continue;
      ++parsed;
      auto again = as::parse(as::serialize(*object));
      ASSERT_TRUE(again.ok() && *again == *object) << file << " variant " << variant;
      std::vector<std::string> html;
      html_fields(*object, html);
      for (const std::string& piece : html) {
        const content::SanitizeOptions options;
        const std::string once = content::sanitize_html(piece, options);
        ++sanitized;
        const std::string violation = content::testing::sanitize_violation(once, options);
        ASSERT_TRUE(violation.empty())
            << violation << "\n"
            << file << " variant " << variant << "\ninput: " << piece << "\noutput: " << once;
      }
    }
  }
  // The mutations must leave a good share parseable, or the sanitizer half tests nothing.
  EXPECT_GT(parsed, files.size() * 2);  // 861 of 4,968 with this seed and corpus
  EXPECT_GT(sanitized, files.size());
}

TEST(FixtureMutation, EventHandlerDetectorSeesAttributesNotText) {
  using content::testing::has_event_handler;
  EXPECT_TRUE(has_event_handler("<img src=x onerror=alert(1)>"));
  EXPECT_TRUE(has_event_handler("<p ONCLICK=\"x\">"));
  EXPECT_FALSE(has_event_handler("<a href=\"https://x\" rel=\"nofollow noopener\">online</a>"));
  EXPECT_FALSE(has_event_handler("<img alt=\"turn on online\" src=\"https://i\">"));
  EXPECT_TRUE(has_event_handler("<a href=\"JavaScript:x()\">"));
  EXPECT_FALSE(has_event_handler("<p>javascript::</p>"));  // text may name it (fuzzer find)
}

}  // namespace
