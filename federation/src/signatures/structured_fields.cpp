#include "guildhall/federation/signatures/structured_fields.hpp"

#include <cmath>
#include <cstdio>

#include "guildhall/federation/signatures/keys.hpp"

namespace guildhall::federation::signatures::sf {

namespace {

bool is_lcalpha(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
// tchar (RFC 9110 §5.6.2)
bool is_tchar(char c) {
  return is_alpha(c) || is_digit(c) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  core::Result<Dictionary> dictionary() {
    skip_sp();
    Dictionary dict;
    while (!eof()) {
      std::string key;
      if (!parse_key(key))
        return fail("bad dictionary key");
      Member member;
      if (peek() == '=') {
        ++pos_;
        if (!parse_member(member))
          return fail("bad dictionary value");
      } else {
        Item item{true, {}};
        if (!parse_params(item.params))
          return fail("bad parameters");
        member = std::move(item);
      }
      bool replaced = false;
      for (auto& [k, v] : dict) {
        if (k == key) {
          v = std::move(member);
          replaced = true;
          break;
        }
      }
      if (!replaced)
        dict.emplace_back(std::move(key), std::move(member));
      skip_ows();
      if (eof())
        return dict;
      if (peek() != ',')
        return fail("expected comma");
      ++pos_;
      skip_ows();
      if (eof())
        return fail("trailing comma");
    }
    return dict;
  }

  bool at_end() {
    skip_sp();
    return eof();
  }

 private:
  core::Error fail(std::string_view what) {
    return core::Error::invalid_input("structured field: " + std::string(what));
  }
  bool eof() const { return pos_ >= s_.size(); }
  char peek() const { return eof() ? '\0' : s_[pos_]; }
  void skip_sp() {
    while (!eof() && s_[pos_] == ' ')
      ++pos_;
  }
  void skip_ows() {
    while (!eof() && (s_[pos_] == ' ' || s_[pos_] == '\t'))
      ++pos_;
  }

  bool parse_member(Member& out) {
    if (peek() == '(') {
      InnerList list;
      if (!parse_inner_list(list))
        return false;
      out = std::move(list);
      return true;
    }
    Item item;
    if (!parse_item(item))
      return false;
    out = std::move(item);
    return true;
  }

  bool parse_inner_list(InnerList& out) {
    ++pos_;  // '('
    while (!eof()) {
      skip_sp();
      if (peek() == ')') {
        ++pos_;
        return parse_params(out.params);
      }
      Item item;
      if (!parse_item(item))
        return false;
      out.items.push_back(std::move(item));
      if (peek() != ' ' && peek() != ')')
        return false;
    }
    return false;  // unterminated
  }

  bool parse_item(Item& out) { return parse_bare(out.value) && parse_params(out.params); }

  bool parse_params(Parameters& out) {
    while (peek() == ';') {
      ++pos_;
      skip_sp();
      std::string key;
      if (!parse_key(key))
        return false;
      BareItem value = true;
      if (peek() == '=') {
        ++pos_;
        if (!parse_bare(value))
          return false;
      }
      bool replaced = false;
      for (auto& [k, v] : out) {
        if (k == key) {
          v = std::move(value);
          replaced = true;
          break;
        }
      }
      if (!replaced)
        out.emplace_back(std::move(key), std::move(value));
    }
    return true;
  }

  bool parse_key(std::string& out) {
    if (!is_lcalpha(peek()) && peek() != '*')
      return false;
    while (!eof()) {
      const char c = s_[pos_];
      if (!is_lcalpha(c) && !is_digit(c) && c != '_' && c != '-' && c != '.' && c != '*')
        break;
      out += c;
      ++pos_;
    }
    return true;
  }

  bool parse_bare(BareItem& out) {
    const char c = peek();
    if (c == '-' || is_digit(c))
      return parse_number(out);
    if (c == '"')
      return parse_string(out);
    if (c == ':')
      return parse_bytes(out);
    if (c == '?')
      return parse_boolean(out);
    if (is_alpha(c) || c == '*')
      return parse_token(out);
    return false;
  }

  bool parse_number(BareItem& out) {
    bool negative = false;
    if (peek() == '-') {
      negative = true;
      ++pos_;
    }
    if (!is_digit(peek()))
      return false;
    std::string digits;
    bool decimal = false;
    while (!eof()) {
      const char c = s_[pos_];
      if (is_digit(c)) {
        digits += c;
      } else if (c == '.' && !decimal) {
        if (digits.size() > 12)
          return false;
        digits += c;
        decimal = true;
      } else {
        break;
      }
      ++pos_;
      if (!decimal && digits.size() > 15)
        return false;
      if (decimal && digits.size() > 16)
        return false;
    }
    if (!decimal) {
      std::int64_t v = std::stoll(digits);
      out = negative ? -v : v;
      return true;
    }
    if (digits.back() == '.' || digits.size() - digits.find('.') - 1 > 3)
      return false;
    const double v = std::stod(digits);
    out = Decimal{negative ? -v : v};
    return true;
  }

  bool parse_string(BareItem& out) {
    ++pos_;  // '"'
    std::string value;
    while (!eof()) {
      char c = s_[pos_++];
      if (c == '\\') {
        if (eof())
          return false;
        c = s_[pos_++];
        if (c != '"' && c != '\\')
          return false;
        value += c;
      } else if (c == '"') {
        out = std::move(value);
        return true;
      } else if (c < 0x20 || c > 0x7e) {
        return false;
      } else {
        value += c;
      }
    }
    return false;
  }

  bool parse_token(BareItem& out) {
    std::string value;
    while (!eof()) {
      const char c = s_[pos_];
      if (!is_tchar(c) && c != ':' && c != '/')
        break;
      value += c;
      ++pos_;
    }
    out = Token{std::move(value)};
    return true;
  }

  bool parse_bytes(BareItem& out) {
    ++pos_;  // ':'
    const auto end = s_.find(':', pos_);
    if (end == std::string_view::npos)
      return false;
    ByteSequence bytes;
    if (!base64_decode(s_.substr(pos_, end - pos_), bytes.bytes))
      return false;
    pos_ = end + 1;
    out = std::move(bytes);
    return true;
  }

  bool parse_boolean(BareItem& out) {
    ++pos_;  // '?'
    if (peek() == '1' || peek() == '0') {
      out = peek() == '1';
      ++pos_;
      return true;
    }
    return false;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

core::Result<Dictionary> parse_dictionary(std::string_view text) {
  Parser parser(text);
  return parser.dictionary();
}

const BareItem* find_param(const Parameters& params, std::string_view key) {
  for (const auto& [k, v] : params)
    if (k == key)
      return &v;
  return nullptr;
}

std::string serialize_bare_item(const BareItem& item) {
  struct Visitor {
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(const Decimal& d) const {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.3f", std::round(d.value * 1000) / 1000);
      std::string s(buf);
      while (s.back() == '0' && s[s.size() - 2] != '.')
        s.pop_back();
      return s;
    }
    std::string operator()(const std::string& s) const {
      std::string out = "\"";
      for (char c : s) {
        if (c == '"' || c == '\\')
          out += '\\';
        out += c;
      }
      out += '"';
      return out;
    }
    std::string operator()(const Token& t) const { return t.value; }
    std::string operator()(const ByteSequence& b) const {
      std::string out(1, ':');
      out += base64_encode(b.bytes);
      out += ':';
      return out;
    }
    std::string operator()(bool b) const { return b ? "?1" : "?0"; }
  };
  return std::visit(Visitor{}, item);
}

std::string serialize_params(const Parameters& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    out += ';';
    out += key;
    if (const bool* b = std::get_if<bool>(&value); b && *b)
      continue;  // a true boolean parameter is written as the bare key
    out += '=';
    out += serialize_bare_item(value);
  }
  return out;
}

std::string serialize_item(const Item& item) {
  return serialize_bare_item(item.value) + serialize_params(item.params);
}

std::string serialize_inner_list(const InnerList& list) {
  std::string out = "(";
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    if (i)
      out += ' ';
    out += serialize_item(list.items[i]);
  }
  out += ')';
  return out + serialize_params(list.params);
}

}  // namespace guildhall::federation::signatures::sf
