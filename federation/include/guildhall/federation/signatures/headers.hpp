#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "guildhall/core/clock.hpp"

namespace guildhall::federation::signatures {

// Request header fields as received: one entry per field line, in order, names compared
// case-insensitively. Repeated lines are kept apart so duplicates (two Date lines) can be refused
// and list-valued fields can be joined the way the signature specs require.
class HeaderMap {
 public:
  HeaderMap() = default;
  HeaderMap(std::initializer_list<std::pair<std::string, std::string>> fields) : fields_(fields) {}

  void add(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
  }
  // Replaces every line of `name` with one line.
  void set(std::string name, std::string value);
  void remove(std::string_view name);

  std::size_t count(std::string_view name) const;
  // Each line's value with leading and trailing spaces and tabs removed, in order.
  std::vector<std::string_view> values(std::string_view name) const;
  // The lines joined with ", " (draft-cavage §2.3, RFC 9421 §2.1); nullopt when absent.
  std::optional<std::string> joined(std::string_view name) const;

  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

bool iequals(std::string_view a, std::string_view b) noexcept;
std::string to_lower(std::string_view text);

// IMF-fixdate (RFC 9110 §5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT", the only Date form we send or
// accept. The obsolete RFC 850 and asctime forms and numeric zones ("+0200") are refused (SIG-05):
// no peer we know sends them, and every extra form is another parser to get wrong.
std::string format_http_date(core::TimePoint t);
bool parse_http_date(std::string_view text, core::TimePoint& out);

}  // namespace guildhall::federation::signatures
