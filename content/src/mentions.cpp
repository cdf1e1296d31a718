// Mastodon's mention markup in HTML we render (docs/api.md): each `@name` or `@name@host` written
// in a post becomes `<span class="h-card"><a href="URL" class="u-url mention">@<span>name</span>
// </a></span>`, outside tags and existing links.
#include <algorithm>
#include <cctype>

#include "guildhall/content/html.hpp"

namespace guildhall::content {

namespace {

bool handle_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

// Whether the mention `written` ends where it should: not inside a longer handle or host.
bool ends_cleanly(std::string_view rest) {
  if (rest.empty())
    return true;
  const char c = rest.front();
  if (handle_char(c) || c == '@' || c == '-')
    return false;
  return !(c == '.' && rest.size() > 1 && handle_char(rest[1]));  // a longer host name
}

std::string markup(const MentionLink& m) {
  return "<span class=\"h-card\"><a href=\"" + escape_html(m.url) +
         "\" class=\"u-url mention\">@<span>" + escape_html(m.name) + "</span></a></span>";
}

}  // namespace

std::string rewrite_outside_links(std::string_view html, const TextRewrite& rewrite) {
  std::string out;
  out.reserve(html.size());
  int link_depth = 0;
  std::size_t i = 0;
  while (i < html.size()) {
    if (html[i] == '<') {
      const auto close = html.find('>', i);
      const auto tag =
          html.substr(i, close == std::string_view::npos ? html.size() - i : close - i + 1);
      if (starts_with_ci(tag, "<a ") || starts_with_ci(tag, "<a>"))
        ++link_depth;
      else if (starts_with_ci(tag, "</a"))
        link_depth = std::max(0, link_depth - 1);
      out += tag;
      i += tag.size();
      continue;
    }
    if (link_depth == 0) {
      if (auto replaced = rewrite(html, i)) {
        out += replaced->html;
        i += std::max<std::size_t>(1, replaced->consumed);
        continue;
      }
    }
    out += html[i];
    ++i;
  }
  return out;
}

std::string link_mentions(std::string_view html, std::vector<MentionLink> mentions) {
  // Longest first, so "@bob@host" wins over "@bob".
  std::sort(mentions.begin(), mentions.end(), [](const MentionLink& a, const MentionLink& b) {
    return a.written.size() > b.written.size();
  });
  return rewrite_outside_links(
      html, [&](std::string_view text, std::size_t i) -> std::optional<TextReplacement> {
        const bool boundary = i == 0 || (!handle_char(text[i - 1]) && text[i - 1] != '@' &&
                                         text[i - 1] != '/' && text[i - 1] != '.');
        if (text[i] != '@' || !boundary)
          return std::nullopt;
        // Markdown's autolinker made "bob@host" an e-mail link: "@<a
        // href="mailto:...">bob@host</a>".
        if (starts_with_ci(text.substr(i + 1), "<a href=\"mailto:")) {
          const auto text_start = text.find('>', i + 1);
          const auto text_end = text.find("</a>", i + 1);
          if (text_start == std::string_view::npos || text_end == std::string_view::npos ||
              text_start > text_end)
            return std::nullopt;
          const std::string written =
              "@" + std::string(text.substr(text_start + 1, text_end - text_start - 1));
          const auto match =
              std::find_if(mentions.begin(), mentions.end(), [&](const MentionLink& m) {
                return m.written.size() == written.size() && starts_with_ci(written, m.written);
              });
          if (match == mentions.end())
            return std::nullopt;
          return TextReplacement{markup(*match), text_end + 4 - i};
        }
        const auto rest = text.substr(i);
        const auto match =
            std::find_if(mentions.begin(), mentions.end(), [&](const MentionLink& m) {
              return !m.written.empty() && starts_with_ci(rest, m.written) &&
                     ends_cleanly(rest.substr(m.written.size()));
            });
        if (match == mentions.end())
          return std::nullopt;
        return TextReplacement{markup(*match), match->written.size()};
      });
}

}  // namespace guildhall::content
