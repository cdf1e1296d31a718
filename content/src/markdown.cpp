#include "guildhall/content/markdown.hpp"

#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

namespace guildhall::content {
namespace {

void register_extensions_once() {
  // cmark-gfm's registration sets a plain static flag; concurrent first calls would race.
  static std::once_flag once;
  std::call_once(once, [] { cmark_gfm_core_extensions_ensure_registered(); });
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

struct ParserDeleter {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeDeleter {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct CharDeleter {
  void operator()(char* s) const { cmark_get_default_mem_allocator()->free(s); }
};

}  // namespace

std::string render_markdown(std::string_view source, const MarkdownOptions& options) {
  register_extensions_once();
  source = source.substr(0, utf8_floor(source, options.max_source_bytes));
  // Without CMARK_OPT_UNSAFE, raw HTML becomes "<!-- raw HTML omitted -->" and javascript:,
  // vbscript:, file: and most data: link targets are blanked. CMARK_OPT_SMART stays off.
  int cmark_options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;
  if (options.hard_breaks) {
    cmark_options |= CMARK_OPT_HARDBREAKS;
  }
  std::unique_ptr<cmark_parser, ParserDeleter> parser(cmark_parser_new(cmark_options));
  for (const char* name : {"table", "strikethrough", "autolink", "tasklist", "tagfilter"}) {
    if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name)) {
      cmark_parser_attach_syntax_extension(parser.get(), ext);
    }
  }
  cmark_parser_feed(parser.get(), source.data(), source.size());
  std::unique_ptr<cmark_node, NodeDeleter> document(cmark_parser_finish(parser.get()));
  std::unique_ptr<char, CharDeleter> html(cmark_render_html(
      document.get(), cmark_options, cmark_parser_get_syntax_extensions(parser.get())));
  if (!html) {
    return {};
  }
  // Defence in depth: the renderer's output goes through the same allowlist as federated HTML.
  return sanitize_html(html.get(), options.sanitize);
}

std::string markdown_to_plain_text(std::string_view source) {
  return html_to_plain_text(render_markdown(source));
}

}  // namespace guildhall::content
