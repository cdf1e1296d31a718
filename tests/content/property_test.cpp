// HTML-04's property on generated tag soup: output is inert and sanitize(sanitize(x)) is x's
// sanitization. Seeded, so a failure reproduces; the fuzz target is the long-running version.

#include <array>
#include <random>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "guildhall/content/html.hpp"

#include "sanitize_invariants.hpp"

namespace {

using guildhall::content::ImagePolicy;
using guildhall::content::sanitize_html;
using guildhall::content::SanitizeOptions;

constexpr std::array<std::string_view, 62> kPieces = {"<p>",
                                                      "</p>",
                                                      "<a href=\"https://a.example/\">",
                                                      "<a href=javascript:alert(1)>",
                                                      "</a>",
                                                      "<b>",
                                                      "</b>",
                                                      "<i>",
                                                      "</i>",
                                                      "<div>",
                                                      "</div>",
                                                      "<table>",
                                                      "</table>",
                                                      "<tr>",
                                                      "<td>",
                                                      "</td>",
                                                      "<th>",
                                                      "<caption>",
                                                      "<tbody>",
                                                      "<pre>",
                                                      "</pre>",
                                                      "\n",
                                                      "<li>",
                                                      "<ul>",
                                                      "</ul>",
                                                      "<ol start=2>",
                                                      "<h1>",
                                                      "</h1>",
                                                      "<h2>",
                                                      "<button>",
                                                      "<select>",
                                                      "<option>",
                                                      "<svg>",
                                                      "</svg>",
                                                      "<math>",
                                                      "<mtext>",
                                                      "<mglyph>",
                                                      "<style>",
                                                      "</style>",
                                                      "<script>",
                                                      "</script>",
                                                      "<noscript>",
                                                      "</noscript>",
                                                      "<img src=x onerror=alert(1)>",
                                                      "<img src=\"https://i.example/x\" alt=\"i\">",
                                                      "<span class=\"h-card invisible\">",
                                                      "</span>",
                                                      "<br>",
                                                      "<hr>",
                                                      "<!--",
                                                      "-->",
                                                      "<textarea>",
                                                      "<xmp>",
                                                      "<template>",
                                                      "<form>",
                                                      "<input type=checkbox checked>",
                                                      "<code class=\"language-c\">",
                                                      "&lt;",
                                                      "&amp;",
                                                      "\"",
                                                      "x",
                                                      " "};

TEST(SanitizeProperty, RandomTagSoupIsInertAndIdempotent) {
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<std::size_t> piece(0, kPieces.size() - 1);
  std::uniform_int_distribution<int> length(1, 80);
  SanitizeOptions keep;
  keep.images = ImagePolicy::keep;
  for (int round = 0; round < 3000; ++round) {
    std::string input;
    for (int n = length(rng); n > 0; --n) {
      input += kPieces[piece(rng)];
    }
    for (const SanitizeOptions& options : {SanitizeOptions{}, keep}) {
      std::string once = sanitize_html(input, options);
      const std::string violation = guildhall::content::testing::sanitize_violation(once, options);
      ASSERT_TRUE(violation.empty()) << violation << "\ninput: " << input << "\noutput: " << once;
    }
  }
}

}  // namespace
