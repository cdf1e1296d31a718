#pragma once

// Internal: escaping shared by the serializers.

#include <string>
#include <string_view>

namespace guildhall::content::detail {

// Appends s escaped for both text and double-quoted attribute contexts. Drops NUL and the other
// C0 controls except tab and newline (invalid in HTML and a classic filter-evasion trick); CR and
// FF become newline and space as the HTML input stream would make them.
inline void append_escaped(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\r':
        out += '\n';
        break;
      case '\f':
        out += ' ';
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') {
          break;
        }
        out += c;
    }
  }
}

}  // namespace guildhall::content::detail
