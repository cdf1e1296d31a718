#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gumbo.h>

#include "guildhall/content/html.hpp"
#include "guildhall/content/url.hpp"

#include "escape.hpp"
#include "html_parse.hpp"

namespace guildhall::content {
namespace {

using detail::append_escaped;
using detail::iequals;

constexpr std::string_view kLinkRel = "nofollow noopener noreferrer";
constexpr std::size_t kMaxTitleBytes = 1024;
constexpr std::size_t kMaxClassTokens = 8;

// What the walk knows about the already-emitted ancestors of a node.
struct Context {
  GumboTag parent = GUMBO_TAG_BODY;  // nearest emitted ancestor
  std::size_t depth = 0;             // emitted ancestors
  bool in_a = false;
  bool in_p = false;
  bool in_heading = false;
  // An emitted <li> with no list, quote, heading, pre or table opened since: a <li> start tag
  // here would close it on re-parse (foster parenting can still nest one in the first parse).
  bool in_li = false;
};

struct WorkItem {
  const GumboNode* node;  // nullptr: emit close_tag, or a separator newline if that is null too
  Context ctx;
  const char* close_tag;
};

std::optional<std::string_view> attribute(const GumboElement& el, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&el.attributes, name);
  if (a == nullptr || a->value == nullptr) {
    return std::nullopt;
  }
  return std::string_view(a->value);
}

bool is_heading(GumboTag t) {
  return t >= GUMBO_TAG_H1 && t <= GUMBO_TAG_H6;
}

// Inside these, the parser only keeps table structure; any text or other element we emitted
// there would be moved ("foster-parented") on the next parse.
bool is_table_context(GumboTag t) {
  return t == GUMBO_TAG_TABLE || t == GUMBO_TAG_THEAD || t == GUMBO_TAG_TBODY ||
         t == GUMBO_TAG_TFOOT || t == GUMBO_TAG_TR;
}

bool is_table_part(GumboTag t) {
  return t == GUMBO_TAG_THEAD || t == GUMBO_TAG_TBODY || t == GUMBO_TAG_TFOOT ||
         t == GUMBO_TAG_TR || t == GUMBO_TAG_TD || t == GUMBO_TAG_TH;
}

bool fits_in_table(GumboTag parent, GumboTag child) {
  switch (parent) {
    case GUMBO_TAG_TABLE:
      return child == GUMBO_TAG_THEAD || child == GUMBO_TAG_TBODY || child == GUMBO_TAG_TFOOT;
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TFOOT:
      return child == GUMBO_TAG_TR;
    case GUMBO_TAG_TR:
      return child == GUMBO_TAG_TD || child == GUMBO_TAG_TH;
    default:
      return false;
  }
}

// Elements kept (with the attributes allowed below); every other HTML element is unwrapped.
const char* kept_name(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_SPAN:
    case GUMBO_TAG_A:
    case GUMBO_TAG_DEL:
    case GUMBO_TAG_S:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_CODE:
    case GUMBO_TAG_EM:
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_B:
    case GUMBO_TAG_I:
    case GUMBO_TAG_U:
    case GUMBO_TAG_SUB:
    case GUMBO_TAG_SUP:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_TH:
    case GUMBO_TAG_TD:
      return gumbo_normalized_tagname(t);
    case GUMBO_TAG_STRIKE:
      return "s";  // same meaning, and one spelling keeps the output canonical
    default:
      return nullptr;
  }
}

// Block-level elements we unwrap.
bool is_block(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_LEGEND:
    case GUMBO_TAG_HGROUP:
    case GUMBO_TAG_LISTING:
    case GUMBO_TAG_DIR:
    case GUMBO_TAG_MENU:
      return true;
    default:
      return false;
  }
}

// Special elements (HTML spec "special" category) that end the <li> start tag's search.
bool stops_li_scope(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
      return true;
    default:
      return is_heading(t);
  }
}

bool closes_p(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_TABLE:
      return true;
    default:
      return is_heading(t);
  }
}

bool is_void(GumboTag t) {
  return t == GUMBO_TAG_BR || t == GUMBO_TAG_HR;
}

bool is_class_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

// Mastodon's class allowlist: microformats (h-card, u-url, ...), mention/hashtag, and the
// link-shortening classes, which we accept only on spans inside a link so they cannot hide
// arbitrary text.
bool keep_class(std::string_view token, bool link_formatting_ok) {
  for (char c : token) {
    if (!is_class_char(c)) {
      return false;
    }
  }
  for (std::string_view prefix : {"h-", "p-", "u-", "dt-", "e-"}) {
    if (token.size() > prefix.size() && token.starts_with(prefix)) {
      return true;
    }
  }
  if (token == "mention" || token == "hashtag") {
    return true;
  }
  return link_formatting_ok && (token == "ellipsis" || token == "invisible");
}

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

template <typename F>
void for_each_token(std::string_view s, F&& f) {
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_ascii_space(s[i])) {
      ++i;
    }
    std::size_t j = i;
    while (j < s.size() && !is_ascii_space(s[j])) {
      ++j;
    }
    if (j > i) {
      f(s.substr(i, j - i));
    }
    i = j;
  }
}

std::string filtered_classes(std::string_view value, bool link_formatting_ok) {
  std::string out;
  std::size_t kept = 0;
  for_each_token(value, [&](std::string_view token) {
    if (kept < kMaxClassTokens && keep_class(token, link_formatting_ok)) {
      if (!out.empty()) {
        out += ' ';
      }
      out += token;
      ++kept;
    }
  });
  return out;
}

// An optionally negative integer of at most 9 digits, as the canonical decimal string.
std::optional<std::string> small_integer(std::string_view v, bool allow_negative) {
  while (!v.empty() && is_ascii_space(v.front())) {
    v.remove_prefix(1);
  }
  while (!v.empty() && is_ascii_space(v.back())) {
    v.remove_suffix(1);
  }
  bool negative = false;
  if (allow_negative && !v.empty() && v.front() == '-') {
    negative = true;
    v.remove_prefix(1);
  }
  if (v.empty() || v.size() > 9) {
    return std::nullopt;
  }
  long value = 0;
  for (char c : v) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  return std::to_string(negative ? -value : value);
}

void append_attribute(std::string& out, std::string_view name, std::string_view value) {
  out += ' ';
  out += name;
  out += "=\"";
  append_escaped(out, value);
  out += '"';
}

class Sanitizer {
 public:
  explicit Sanitizer(const SanitizeOptions& options) : options_(options) {}

  std::string run(const GumboVector& top) {
    push_children(top, Context{});
    while (!stack_.empty()) {
      WorkItem item = stack_.back();
      stack_.pop_back();
      if (item.node == nullptr && item.close_tag == nullptr) {
        separate();
      } else if (item.node == nullptr) {
        out_ += "</";
        out_ += item.close_tag;
        out_ += '>';
      } else if (out_.size() < options_.max_output_bytes) {
        visit(*item.node, item.ctx);
      }
    }
    return std::move(out_);
  }

 private:
  void push_children(const GumboVector& children, const Context& ctx) {
    for (unsigned int i = children.length; i > 0; --i) {
      stack_.push_back({static_cast<const GumboNode*>(children.data[i - 1]), ctx, nullptr});
    }
  }

  void visit(const GumboNode& node, const Context& ctx) {
    switch (node.type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA:
        if (!is_table_context(ctx.parent)) {
          append_escaped(out_, node.v.text.text);
        }
        return;
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE:
        element(node, ctx);
        return;
      default:  // comments; the document node never appears below the root
        return;
    }
  }

  void text(std::string_view s, const Context& ctx) {
    if (!is_table_context(ctx.parent)) {
      append_escaped(out_, s);
    }
  }

  void element(const GumboNode& node, const Context& ctx) {
    const GumboElement& el = node.v.element;
    // Foreign (SVG/MathML) content is where parser-differential mXSS lives; none of it is kept.
    if (el.tag_namespace != GUMBO_NAMESPACE_HTML || detail::is_dropped_with_content(el)) {
      return;
    }
    const GumboTag tag = el.tag;
    const bool room = ctx.depth < options_.max_depth;
    if (is_table_context(ctx.parent)) {
      if (fits_in_table(ctx.parent, tag) && room) {
        open(node, ctx, attributes(el, ctx));
      }
      return;  // unwrapping here would leave content the next parse moves elsewhere
    }
    if (is_table_part(tag)) {
      unwrap(node, ctx);  // a cell or row whose table was not kept
      return;
    }
    switch (tag) {
      case GUMBO_TAG_INPUT:
        checkbox(el, ctx);
        return;
      case GUMBO_TAG_IMG:
      case GUMBO_TAG_IMAGE:
        image(el, ctx);
        return;
      case GUMBO_TAG_A:
        link(node, ctx);
        return;
      case GUMBO_TAG_LI:
        if (ctx.in_li) {
          unwrap(node, ctx);
          return;
        }
        break;
      default:
        break;
    }
    // These start tags close an open <p>, so inside one they only come from foster parenting or
    // a scope boundary we did not keep; emitted there they would re-parse as siblings.
    if (ctx.in_p && closes_p(tag)) {
      unwrap(node, ctx);
      return;
    }
    if (kept_name(tag) == nullptr || (is_heading(tag) && ctx.in_heading)) {
      unwrap(node, ctx);
      return;
    }
    open(node, ctx, attributes(el, ctx));
  }

  // The allowed attributes of a kept element other than <a>, canonicalised.
  static std::string attributes(const GumboElement& el, const Context& ctx) {
    std::string attrs;
    switch (el.tag) {
      case GUMBO_TAG_SPAN:
        if (auto v = attribute(el, "class")) {
          if (auto c = filtered_classes(*v, ctx.in_a); !c.empty()) {
            append_attribute(attrs, "class", c);
          }
        }
        break;
      case GUMBO_TAG_OL:
        if (auto v = attribute(el, "start")) {
          if (auto n = small_integer(*v, true)) {
            append_attribute(attrs, "start", *n);
          }
        }
        if (attribute(el, "reversed")) {
          attrs += " reversed";
        }
        break;
      case GUMBO_TAG_LI:
        if (auto v = attribute(el, "value")) {
          if (auto n = small_integer(*v, true)) {
            append_attribute(attrs, "value", *n);
          }
        }
        break;
      case GUMBO_TAG_CODE:
        if (auto v = attribute(el, "class")) {
          std::string lang;
          for_each_token(*v, [&](std::string_view token) {
            if (lang.empty() && token.starts_with("language-") && token.size() > 9 &&
                token.size() <= 64) {
              bool ok = true;
              for (char c : token) {
                ok = ok &&
                     ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '+' || c == '#' || c == '.');
              }
              if (ok) {
                lang = token;
              }
            }
          });
          if (!lang.empty()) {
            append_attribute(attrs, "class", lang);
          }
        }
        break;
      case GUMBO_TAG_TH:
      case GUMBO_TAG_TD:
        if (auto v = attribute(el, "align")) {
          for (std::string_view a : {"left", "center", "right"}) {
            if (iequals(*v, a)) {
              append_attribute(attrs, "align", a);
            }
          }
        }
        break;
      default:
        break;
    }
    return attrs;
  }

  void open(const GumboNode& node, const Context& ctx, std::string_view attrs) {
    const GumboTag tag = node.v.element.tag;
    if (ctx.depth >= options_.max_depth) {
      unwrap(node, ctx);  // everything below the limit flattens to text
      return;
    }
    const char* name = kept_name(tag);
    out_ += '<';
    out_ += name;
    out_ += attrs;
    out_ += '>';
    if (is_void(tag)) {
      return;
    }
    if (tag == GUMBO_TAG_PRE) {
      // The parser drops one newline right after <pre>; this one absorbs it, so content that
      // starts with a newline survives the next parse unchanged.
      out_ += '\n';
    }
    stack_.push_back({nullptr, ctx, name});
    Context inner = ctx;
    inner.parent = tag;
    inner.depth = ctx.depth + 1;
    inner.in_a = ctx.in_a || tag == GUMBO_TAG_A;
    inner.in_p = ctx.in_p || tag == GUMBO_TAG_P;
    inner.in_heading = ctx.in_heading || is_heading(tag);
    inner.in_li = tag == GUMBO_TAG_LI || (ctx.in_li && !stops_li_scope(tag));
    push_children(node.v.element.children, inner);
  }

  void unwrap(const GumboNode& node, const Context& ctx) {
    if (is_block(node.v.element.tag) || node.v.element.tag == GUMBO_TAG_LI) {
      // Keep words of adjacent unwrapped blocks apart (<div>a</div><div>b</div> is not "ab").
      separate();
      stack_.push_back({nullptr, ctx, nullptr});
    }
    push_children(node.v.element.children, ctx);
  }

  void separate() {
    if (!out_.empty() && out_.back() != '\n') {
      out_ += '\n';
    }
  }

  void link(const GumboNode& node, const Context& ctx) {
    const GumboElement& el = node.v.element;
    std::optional<std::string> href;
    if (auto v = attribute(el, "href")) {
      href = safe_url(*v, options_.allow_mailto);
    }
    // A link inside a link is unwrapped: browsers would split it differently from us.
    if (!href || ctx.in_a) {
      unwrap(node, ctx);
      return;
    }
    std::string attrs;
    append_attribute(attrs, "href", *href);
    if (auto v = attribute(el, "title"); v && !v->empty() && v->size() <= kMaxTitleBytes) {
      append_attribute(attrs, "title", *v);
    }
    if (auto v = attribute(el, "class")) {
      if (auto c = filtered_classes(*v, false); !c.empty()) {
        append_attribute(attrs, "class", c);
      }
    }
    std::string rel(kLinkRel);
    if (auto v = attribute(el, "rel")) {
      for_each_token(*v, [&](std::string_view token) {
        if (iequals(token, "tag") && !rel.ends_with(" tag")) {
          rel += " tag";  // hashtag links (Mastodon sends rel="tag")
        }
      });
    }
    append_attribute(attrs, "rel", rel);
    append_attribute(attrs, "target", "_blank");
    open(node, ctx, attrs);
  }

  void image(const GumboElement& el, const Context& ctx) {
    std::string_view alt = attribute(el, "alt").value_or("");
    std::optional<std::string> src;
    if (auto v = attribute(el, "src")) {
      src = safe_url(*v, false);
    }
    const bool room = ctx.depth < options_.max_depth;
    if (!src || !room || options_.images == ImagePolicy::drop) {
      text(alt, ctx);
      return;
    }
    if (options_.images == ImagePolicy::link) {
      if (ctx.in_a) {
        text(alt, ctx);
        return;
      }
      out_ += "<a";
      append_attribute(out_, "href", *src);
      append_attribute(out_, "rel", kLinkRel);
      append_attribute(out_, "target", "_blank");
      out_ += '>';
      append_escaped(out_, alt.empty() ? std::string_view(*src) : alt);
      out_ += "</a>";
      return;
    }
    out_ += "<img";
    append_attribute(out_, "src", *src);
    append_attribute(out_, "alt", alt);
    if (auto v = attribute(el, "title"); v && !v->empty() && v->size() <= kMaxTitleBytes) {
      append_attribute(out_, "title", *v);
    }
    for (const char* dim : {"width", "height"}) {
      if (auto v = attribute(el, dim)) {
        if (auto n = small_integer(*v, false); n && n->size() <= 5) {
          append_attribute(out_, dim, *n);
        }
      }
    }
    out_ += '>';
  }

  // GFM task lists render <input type="checkbox" disabled>. Form controls are not kept, so the
  // box becomes a character that reads the same.
  void checkbox(const GumboElement& el, const Context& ctx) {
    auto type = attribute(el, "type");
    if (!type || !iequals(*type, "checkbox")) {
      return;
    }
    text(attribute(el, "checked") ? "\u2611" : "\u2610", ctx);
  }

  const SanitizeOptions& options_;
  std::vector<WorkItem> stack_;
  std::string out_;
};

}  // namespace

std::string sanitize_html(std::string_view html, const SanitizeOptions& options) {
  detail::ParsedFragment parsed(
      html, {options.max_input_bytes, options.max_tags, options.max_attributed_formatting_tags});
  return Sanitizer(options).run(*parsed.top_level());
}

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  detail::append_escaped(out, text);
  return out;
}

}  // namespace guildhall::content
