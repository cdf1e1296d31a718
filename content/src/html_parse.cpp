#include "html_parse.hpp"

#include <algorithm>
#include <array>

namespace guildhall::content::detail {
namespace {

bool is_ascii_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Formatting elements are the ones the tree builder re-opens ("reconstructs") in every later
// block; with distinct attributes each copy escapes the Noah's Ark limit of three. <a> is left out
// because the parser keeps at most one <a> per table-cell nesting level.
bool is_formatting_tag_name(std::string_view name) {
  static constexpr std::array<std::string_view, 13> kNames = {
      "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"};
  for (auto n : kNames) {
    if (n == name) {
      return true;
    }
  }
  return false;
}

std::size_t utf8_floor(std::string_view s, std::size_t n) {
  if (n >= s.size()) {
    return s.size();
  }
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) {
    --n;
  }
  return n;
}

// Debian's gumbo 0.10.1 aborts on assertion failures in foreign (SVG/MathML) content, e.g.
// "<table><td><svg><select><foreignObject><table></table></td>". We drop that content anyway, so
// <svg> and <math> tags are renamed to <object> before parsing: it parses as plain HTML, closes
// properly on its own end tag, and is dropped with its content just like <svg> would have been.
constexpr std::string_view kForeignReplacement = "object";

bool ends_tag_name(std::string_view html, std::size_t at) {
  if (at >= html.size()) {
    return true;
  }
  char c = html[at];
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/' || c == '>';
}

}  // namespace

std::string prepare_input(std::string_view html, const ParseLimits& limits) {
  html = html.substr(0, utf8_floor(html, limits.max_input_bytes));
  std::string out;
  out.reserve(html.size());
  std::size_t copied = 0;  // html[0, copied) is already in out
  // Every "<" + letter is counted, even inside comments, attribute values or script text, so the
  // counts are an upper bound on the start tags the tokenizer will see.
  std::size_t tags = 0;
  std::size_t formatting = 0;
  for (std::size_t i = 0; i + 1 < html.size(); ++i) {
    if (html[i] != '<') {
      continue;
    }
    std::size_t name_start = i + 1;
    if (html[name_start] == '/' && name_start + 1 < html.size()) {
      ++name_start;  // end tags are renamed too, but not counted
    }
    if (!is_ascii_alpha(html[name_start])) {
      continue;
    }
    std::size_t j = name_start;
    char name[8];
    std::size_t len = 0;
    while (j < html.size() && is_ascii_alpha(html[j])) {
      if (len < sizeof name) {
        name[len] = to_lower(html[j]);
      }
      ++len;
      ++j;
    }
    const bool start_tag = name_start == i + 1;
    bool counts_as_formatting = false;
    if (start_tag && len <= sizeof name && is_formatting_tag_name(std::string_view(name, len))) {
      // Anything but an immediate ">" or "/>" may carry attributes; over-counting is fine.
      bool bare = j < html.size() &&
                  (html[j] == '>' || (html[j] == '/' && j + 1 < html.size() && html[j + 1] == '>'));
      counts_as_formatting = !bare;
    }
    if (start_tag &&
        (++tags > limits.max_tags ||
         (counts_as_formatting && ++formatting > limits.max_attributed_formatting_tags))) {
      html = html.substr(0, i);
      break;
    }
    std::string_view lowered(name, std::min(len, sizeof name));
    if ((lowered == "svg" || lowered == "math") && len == lowered.size() &&
        ends_tag_name(html, j)) {
      out.append(html.substr(copied, name_start - copied));
      out.append(kForeignReplacement);
      copied = j;
    }
  }
  out.append(html.substr(copied));
  return out;
}

ParsedFragment::ParsedFragment(std::string_view html, const ParseLimits& limits)
    : input_(prepare_input(html, limits)), options_(kGumboDefaultOptions) {
  options_.fragment_context = GUMBO_TAG_BODY;
  options_.fragment_namespace = GUMBO_NAMESPACE_HTML;
  options_.max_errors = 0;  // we never read the error list; don't build it
  output_ = gumbo_parse_with_options(&options_, input_.data(), input_.size());
}

ParsedFragment::~ParsedFragment() {
  if (output_ != nullptr) {
    gumbo_destroy_output(&options_, output_);
  }
}

const GumboVector* ParsedFragment::top_level() const {
  static const GumboVector kEmpty = {nullptr, 0, 0};
  if (output_ == nullptr || output_->root == nullptr || output_->root->type != GUMBO_NODE_ELEMENT) {
    return &kEmpty;
  }
  return &output_->root->v.element.children;
}

bool is_dropped_with_content(const GumboElement& element) {
  switch (element.tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_APPLET:
    case GUMBO_TAG_PARAM:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_NOEMBED:
    case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_FRAMESET:
    case GUMBO_TAG_FRAME:
    case GUMBO_TAG_XMP:
    case GUMBO_TAG_PLAINTEXT:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_TITLE:
    case GUMBO_TAG_META:
    case GUMBO_TAG_LINK:
    case GUMBO_TAG_BASE:
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_SOURCE:
    case GUMBO_TAG_TRACK:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_BGSOUND:
    case GUMBO_TAG_KEYGEN:
    case GUMBO_TAG_ISINDEX:
    case GUMBO_TAG_DATALIST:
    // Scope boundaries for "p in button scope": unwrapping them would let the re-parse of our
    // output close a <p> the first parse kept open, breaking idempotence.
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_MARQUEE:
      return true;
    default:
      return false;
  }
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace guildhall::content::detail
