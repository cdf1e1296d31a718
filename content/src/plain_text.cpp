#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <gumbo.h>

#include "guildhall/content/html.hpp"

#include "html_parse.hpp"

namespace guildhall::content {
namespace {

// Limits for text extraction: generous, since nothing is emitted as markup.
constexpr detail::ParseLimits kTextLimits{1024 * 1024, 8192, 64};

enum class Break { none, line, paragraph };

Break break_after(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_FIGURE:
      return Break::paragraph;
    case GUMBO_TAG_BR:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_CENTER:
      return Break::line;
    default:
      return Break::none;
  }
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

class TextBuilder {
 public:
  void text(std::string_view s, bool preformatted) {
    for (char c : s) {
      if (c == '\0') {
        continue;
      }
      if (preformatted) {
        if (c == '\n') {
          newline();
        } else {
          put(c == '\r' ? '\n' : c);
        }
      } else if (is_space(c)) {
        pending_space_ = true;
      } else {
        put(c);
      }
    }
  }

  // Block boundaries: at most one blank line, never at the very start.
  void boundary(Break b) {
    if (b == Break::none) {
      return;
    }
    pending_space_ = false;
    if (out_.empty()) {
      return;
    }
    trim_trailing_spaces();
    std::size_t want = b == Break::paragraph ? 2 : 1;
    std::size_t have = 0;
    while (have < out_.size() && out_[out_.size() - 1 - have] == '\n') {
      ++have;
    }
    for (; have < want; ++have) {
      out_ += '\n';
    }
  }

  void hard_line_break() {
    pending_space_ = false;
    trim_trailing_spaces();
    out_ += '\n';
  }

  void cell_separator() { pending_space_ = true; }

  std::string finish() {
    while (!out_.empty() && is_space(out_.back())) {
      out_.pop_back();
    }
    return std::move(out_);
  }

 private:
  void newline() {
    pending_space_ = false;
    trim_trailing_spaces();
    out_ += '\n';
  }

  void put(char c) {
    if (pending_space_ && !out_.empty() && out_.back() != '\n') {
      out_ += ' ';
    }
    pending_space_ = false;
    out_ += c;
  }

  void trim_trailing_spaces() {
    while (!out_.empty() && (out_.back() == ' ' || out_.back() == '\t')) {
      out_.pop_back();
    }
  }

  std::string out_;
  bool pending_space_ = false;
};

struct Item {
  const GumboNode* node;  // nullptr: close of an element with break `after`
  Break after;
  bool pre;
};

}  // namespace

std::string html_to_plain_text(std::string_view html) {
  detail::ParsedFragment parsed(html, kTextLimits);
  TextBuilder out;
  std::vector<Item> stack;
  auto push_children = [&](const GumboVector& children, bool pre) {
    for (unsigned int i = children.length; i > 0; --i) {
      stack.push_back({static_cast<const GumboNode*>(children.data[i - 1]), Break::none, pre});
    }
  };
  push_children(*parsed.top_level(), false);
  while (!stack.empty()) {
    Item item = stack.back();
    stack.pop_back();
    if (item.node == nullptr) {
      out.boundary(item.after);
      continue;
    }
    const GumboNode& node = *item.node;
    if (node.type == GUMBO_NODE_TEXT || node.type == GUMBO_NODE_WHITESPACE ||
        node.type == GUMBO_NODE_CDATA) {
      out.text(node.v.text.text, item.pre);
      continue;
    }
    if (node.type != GUMBO_NODE_ELEMENT) {
      continue;  // comments; templates are dropped like <template> elements
    }
    const GumboElement& el = node.v.element;
    if (el.tag_namespace != GUMBO_NAMESPACE_HTML || detail::is_dropped_with_content(el)) {
      continue;
    }
    switch (el.tag) {
      case GUMBO_TAG_BR:
        out.hard_line_break();
        continue;
      case GUMBO_TAG_IMG:
      case GUMBO_TAG_IMAGE:
        if (const GumboAttribute* alt = gumbo_get_attribute(&el.attributes, "alt")) {
          out.text(alt->value, false);
        }
        continue;
      case GUMBO_TAG_TD:
      case GUMBO_TAG_TH:
        out.cell_separator();
        break;
      default:
        break;
    }
    Break b = break_after(el.tag);
    out.boundary(b);  // a block starts on its own line, too
    stack.push_back({nullptr, b, item.pre});
    push_children(el.children, item.pre || el.tag == GUMBO_TAG_PRE);
  }
  return out.finish();
}

}  // namespace guildhall::content
