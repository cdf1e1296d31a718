#include <cstddef>
#include <string>
#include <string_view>

#include "guildhall/content/html.hpp"

namespace guildhall::content {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// "@name" or "@name@host": the way Mastodon and others address a group at the start of a post.
bool is_mention(std::string_view token) {
  if (token.size() < 2 || token[0] != '@' || token[1] == '@') {
    return false;
  }
  std::size_t second = token.find('@', 1);
  return second == std::string_view::npos ||
         (second + 1 < token.size() && token.find('@', second + 1) == std::string_view::npos);
}

// Whitespace runs collapsed to one space, ends trimmed, leading mentions removed.
std::string clean_line(std::string_view line) {
  std::string collapsed;
  bool space = false;
  for (char c : line) {
    if (is_space(c)) {
      space = true;
      continue;
    }
    if (space && !collapsed.empty()) {
      collapsed += ' ';
    }
    space = false;
    collapsed += c;
  }
  std::string_view rest = collapsed;
  while (!rest.empty()) {
    std::size_t end = rest.find(' ');
    std::string_view token = rest.substr(0, end);
    if (!is_mention(token)) {
      break;
    }
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  }
  return std::string(rest);
}

}  // namespace

std::string derive_title_from_text(std::string_view text, std::size_t max_chars) {
  std::string line;
  while (line.empty() && !text.empty()) {
    std::size_t nl = text.find('\n');
    line = clean_line(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
  }
  if (max_chars == 0) {
    return {};
  }
  std::size_t chars = 0;
  std::size_t cut = line.size();  // byte offset where code point number max_chars - 1 ends
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (is_continuation(line[i])) {
      continue;
    }
    if (chars == max_chars - 1) {
      cut = i;
    }
    if (++chars > max_chars) {
      std::string out = line.substr(0, cut);
      while (!out.empty() && out.back() == ' ') {
        out.pop_back();
      }
      return out + "\u2026";
    }
  }
  return line;
}

std::string derive_title(std::string_view html, std::size_t max_chars) {
  return derive_title_from_text(html_to_plain_text(html), max_chars);
}

}  // namespace guildhall::content
