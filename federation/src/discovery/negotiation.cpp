#include "guildhall/federation/discovery/negotiation.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

namespace guildhall::federation::discovery {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// q in thousandths (RFC 9110 allows at most three decimals); malformed reads as 1.
int parse_q(std::string_view v) {
  v = trim(v);
  if (v.empty())
    return 1000;
  if (v[0] == '1')
    return 1000;
  if (v[0] != '0')
    return 1000;
  int q = 0;
  if (v.size() > 2 && v[1] == '.') {
    std::string digits(v.substr(2, 3));
    digits.resize(3, '0');
    if (std::from_chars(digits.data(), digits.data() + 3, q).ec != std::errc())
      return 1000;
  }
  return q;
}

bool is_document_type(std::string_view type) {
  return type == "application/activity+json" || type == "application/ld+json" ||
         type == "application/json";
}

}  // namespace

Representation negotiate(std::optional<std::string_view> accept) {
  if (!accept)
    return Representation::activity_json;
  // Best q for each side, by the most specific matching range (exact, then type/*, then */*).
  int doc_exact = -1, doc_wild = -1, html_exact = -1, html_wild = -1, any = -1;
  std::string_view rest = *accept;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view range = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const auto semi = range.find(';');
    const std::string type = lower(trim(range.substr(0, semi)));
    int q = 1000;
    for (std::string_view params = semi == std::string_view::npos ? "" : range.substr(semi + 1);
         !params.empty();) {
      const auto next = params.find(';');
      std::string_view param = trim(params.substr(0, next));
      params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
      if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=')
        q = parse_q(param.substr(2));
    }
    if (is_document_type(type))
      doc_exact = std::max(doc_exact, q);
    else if (type == "application/*")
      doc_wild = std::max(doc_wild, q);
    else if (type == "text/html" || type == "application/xhtml+xml")
      html_exact = std::max(html_exact, q);
    else if (type == "text/*")
      html_wild = std::max(html_wild, q);
    else if (type == "*/*")
      any = std::max(any, q);
  }
  const int doc = doc_exact >= 0 ? doc_exact : doc_wild >= 0 ? doc_wild : any;
  const int html = html_exact >= 0 ? html_exact : html_wild >= 0 ? html_wild : any;
  return html > doc && html > 0 ? Representation::html : Representation::activity_json;
}

}  // namespace guildhall::federation::discovery
