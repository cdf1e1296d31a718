#pragma once

// Internal: the bounded gumbo parse shared by the sanitizer and the plain-text extractor.

#include <cstddef>
#include <string>
#include <string_view>

#include <gumbo.h>

namespace guildhall::content::detail {

struct ParseLimits {
  std::size_t max_input_bytes;
  std::size_t max_tags;
  std::size_t max_attributed_formatting_tags;
};

// The prefix of html that stays within the limits (see SanitizeOptions for why they exist),
// with <svg> and <math> tags renamed to <object> (see kForeignReplacement).
std::string prepare_input(std::string_view html, const ParseLimits& limits);

// Owns a gumbo parse of html (after prepare_input) as a fragment in a <body> context.
class ParsedFragment {
 public:
  ParsedFragment(std::string_view html, const ParseLimits& limits);
  ~ParsedFragment();
  ParsedFragment(const ParsedFragment&) = delete;
  ParsedFragment& operator=(const ParsedFragment&) = delete;

  // The nodes that make up the fragment (the children of gumbo's synthetic <html> root).
  const GumboVector* top_level() const;

 private:
  std::string input_;  // gumbo's output points into it
  GumboOptions options_;
  GumboOutput* output_;
};

// Elements removed together with their content by every consumer.
bool is_dropped_with_content(const GumboElement& element);

// Lower-case ASCII comparison of an attribute value.
bool iequals(std::string_view a, std::string_view b);

}  // namespace guildhall::content::detail
