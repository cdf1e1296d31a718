#pragma once

// Markdown written by local users, rendered to the HTML we store and federate.

#include <cstddef>
#include <string>
#include <string_view>

#include "guildhall/content/html.hpp"

namespace guildhall::content {

struct MarkdownOptions {
  bool hard_breaks = false;                   // single newlines become <br> (CommonMark: off)
  std::size_t max_source_bytes = 256 * 1024;  // longer sources are cut at a UTF-8 boundary
  SanitizeOptions sanitize{};                 // applied to the rendered HTML
};

// CommonMark + GFM tables, strikethrough, autolinks and task lists. Raw HTML in the source is
// never passed through (cmark's safe mode replaces it), smart punctuation is off, and the result
// goes through sanitize_html as defence in depth. Task list checkboxes become ☐ / ☑ text.
std::string render_markdown(std::string_view source, const MarkdownOptions& options = {});

// render_markdown followed by html_to_plain_text, for summaries and search.
std::string markdown_to_plain_text(std::string_view source);

}  // namespace guildhall::content
