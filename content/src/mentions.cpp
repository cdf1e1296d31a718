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

std::string link_mentions(std::string_view html, std::vector<MentionLink> mentions) {
  // Longest first, so "@bob@host" wins over "@bob".
  std::sort(mentions.begin(), mentions.end(), [](const MentionLink& a, const MentionLink& b) {
    return a.written.size() > b.written.size();
  });
  std::string out;
  out.reserve(html.size());
  int link_depth = 0;
  std::size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
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
    const bool boundary = i == 0 || (!handle_char(html[i - 1]) && html[i - 1] != '@' &&
                                     html[i - 1] != '/' && html[i - 1] != '.');
    if (c == '@' && link_depth == 0 && boundary) {
      // Markdown's autolinker made "bob@host" an e-mail link: "@<a href="mailto:...">bob@host</a>".
      if (starts_with_ci(html.substr(i + 1), "<a href=\"mailto:")) {
        const auto text_start = html.find('>', i + 1);
        const auto text_end = html.find("</a>", i + 1);
        if (text_start != std::string_view::npos && text_end != std::string_view::npos &&
            text_start < text_end) {
          const std::string written =
              "@" + std::string(html.substr(text_start + 1, text_end - text_start - 1));
          const auto match =
              std::find_if(mentions.begin(), mentions.end(), [&](const MentionLink& m) {
                return m.written.size() == written.size() && starts_with_ci(written, m.written);
              });
          if (match != mentions.end()) {
            out += markup(*match);
            i = text_end + 4;
            continue;
          }
        }
      }
      const auto rest = html.substr(i);
      const auto match = std::find_if(mentions.begin(), mentions.end(), [&](const MentionLink& m) {
        return !m.written.empty() && starts_with_ci(rest, m.written) &&
               ends_cleanly(rest.substr(m.written.size()));
      });
      if (match != mentions.end()) {
        out += "<span class=\"h-card\"><a href=\"" + escape_html(match->url) +
               "\" class=\"u-url mention\">@<span>" + escape_html(match->name) +
               "</span></a></span>";
        i += match->written.size();
        continue;
      }
    }
    out += c;
    ++i;
  }
  return out;
}

}  // namespace guildhall::content
