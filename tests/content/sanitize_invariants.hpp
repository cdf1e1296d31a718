#pragma once

// What sanitized HTML must always be, whatever came in (catalogue HTML-04): shared by the seeded
// property tests and the libFuzzer target (fuzz/sanitize_html_fuzz.cpp).

#include <string>
#include <string_view>

#include "guildhall/content/html.hpp"

namespace guildhall::content::testing {

inline std::string fold_case(std::string_view text) {
  std::string lower(text);
  for (char& c : lower)
    c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return lower;
}

// An attribute named on* in some tag (quoted values skipped, so `alt="online"` is no handler), or
// an attribute value with a `javascript:` URL (text may mention the word; links must not use it).
// Text never holds a raw '<' after sanitizing (it is escaped), so every '<' opens a tag.
inline bool has_event_handler(std::string_view html) {
  const std::string lower = fold_case(html);
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/'; };
  std::size_t i = 0;
  while ((i = lower.find('<', i)) != std::string::npos) {
    ++i;
    while (i < lower.size() && !space(lower[i]) && lower[i] != '>')
      ++i;  // the tag name
    while (i < lower.size() && lower[i] != '>') {
      while (i < lower.size() && space(lower[i]))
        ++i;
      const std::size_t name = i;
      while (i < lower.size() && !space(lower[i]) && lower[i] != '=' && lower[i] != '>')
        ++i;
      if (lower.compare(name, 2, "on") == 0 && i > name + 2)
        return true;
      if (i < lower.size() && lower[i] == '=') {
        ++i;
        const std::size_t value = i;
        if (i < lower.size() && (lower[i] == '"' || lower[i] == '\'')) {
          const std::size_t close = lower.find(lower[i], i + 1);
          i = close == std::string::npos ? lower.size() : close + 1;
        } else {
          while (i < lower.size() && !space(lower[i]) && lower[i] != '>')
            ++i;
        }
        if (std::string_view(lower).substr(value, i - value).find("javascript:") !=
            std::string_view::npos)
          return true;
      }
    }
  }
  return false;
}

// Empty when `once` (the sanitization of some input under `options`) keeps every invariant; else
// what is wrong.
inline std::string sanitize_violation(std::string_view once, const SanitizeOptions& options) {
  if (once.size() > options.max_output_bytes + 4096)  // the closing tags may follow the cut
    return "output not bounded";
  const std::string lower = fold_case(once);
  for (std::string_view bad : {"<script", "<style", "<svg", "<math", "<iframe", "<textarea",
                               "<template", "<button", "<input", "<form"})
    if (lower.find(bad) != std::string::npos)
      return "output contains " + std::string(bad);
  if (has_event_handler(once))
    return "output has an on* attribute or a javascript: URL";
  if (sanitize_html(once, options) != once)
    return "sanitize is not idempotent";
  return {};
}

}  // namespace guildhall::content::testing
