#pragma once

// Untrusted HTML (federated post bodies, bios, link previews) in; safe HTML or plain text out.
// Every function here parses with gumbo (the HTML5 algorithm browsers use) and never throws on
// hostile input. All are pure and thread-safe.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guildhall::content {

// What happens to <img>. Remote images are hotlinked from the author's server, so showing them
// inline leaks every reader's IP address and lets the remote host swap the picture later.
enum class ImagePolicy {
  link,  // default: <img src=https://x alt=a> becomes <a href="https://x">a</a> (alt, else URL)
  keep,  // keep <img> with an http(s) src (for when a media proxy rewrites src afterwards)
  drop,  // keep only the alt text
};

struct SanitizeOptions {
  ImagePolicy images = ImagePolicy::link;
  bool allow_mailto = true;  // href="mailto:..." (src never allows it)
  // Bounds. The parser is quadratic in nesting depth and in open formatting elements with
  // distinct attributes, so input is cut (at a UTF-8 boundary) before the tag that would exceed
  // a limit. The tag counts come from a lexical pre-scan that over-counts, never under-counts.
  std::size_t max_input_bytes = 1024 * 1024;
  std::size_t max_tags = 8192;
  std::size_t max_attributed_formatting_tags = 64;  // e.g. <b id=1>, <code class=x>
  std::size_t max_depth = 64;                       // deeper elements are unwrapped to text
  std::size_t max_output_bytes = 4 * 1024 * 1024;   // stops emitting; open tags still closed
};

// Allowlist sanitizer modelled on Mastodon's Sanitize config. Keeps p br span a del s pre code
// em strong b i u sub sup blockquote ul ol li h1-h6 hr table thead tbody tfoot tr th td (and img
// per ImagePolicy); removes script style iframe object embed form svg math template noscript
// (and similar) with their content; unwraps every other element. Links keep only http, https and
// mailto hrefs and get rel="nofollow noopener noreferrer" target="_blank". Output is
// well-formed, and sanitize_html(sanitize_html(x)) == sanitize_html(x).
std::string sanitize_html(std::string_view html, const SanitizeOptions& options = {});

// Plain text escaped for HTML text and double-quoted attributes (the sanitizer's own escaping).
std::string escape_html(std::string_view text);

// Text content for notifications, search and titles: entities decoded, whitespace collapsed,
// paragraphs separated by a blank line, <br> and list items by a newline. Script/style content
// and other removed elements contribute nothing; image alt text is kept.
std::string html_to_plain_text(std::string_view html);

// First non-empty line of the plain text, with leading @user / @group@host mentions removed
// (Mastodon posts to a group start with the group mention), whitespace collapsed, and cut to at
// most max_chars code points with a trailing "…" when longer. Empty if there is no text.
std::string derive_title(std::string_view html, std::size_t max_chars = 200);

// Same rule applied to text that is already plain.
std::string derive_title_from_text(std::string_view text, std::size_t max_chars = 200);

// Rewrites the text of `html` outside tags and links: at each text position `rewrite(html, i)`
// may answer a replacement and how many bytes of `html` it replaces (at least one); nullopt keeps
// the character. Mentions and hashtags get their markup this way.
struct TextReplacement {
  std::string html{};
  std::size_t consumed = 1;
};
using TextRewrite =
    std::function<std::optional<TextReplacement>(std::string_view html, std::size_t i)>;
std::string rewrite_outside_links(std::string_view html, const TextRewrite& rewrite);

// A mention to link: as written in the post ("@bob" or "@bob@host", matched case-insensitively),
// the name shown and the profile URL.
struct MentionLink {
  std::string written{};
  std::string name{};
  std::string url{};
};

// Wraps each mention, outside tags and existing links, in Mastodon's markup:
// <span class="h-card"><a href="URL" class="u-url mention">@<span>NAME</span></a></span>.
std::string link_mentions(std::string_view html, std::vector<MentionLink> mentions);

}  // namespace guildhall::content
