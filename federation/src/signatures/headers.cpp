#include "guildhall/federation/signatures/headers.hpp"

#include <array>
#include <chrono>
#include <cstdio>

namespace guildhall::federation::signatures {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

constexpr std::array<std::string_view, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool digits(std::string_view s, int& out) {
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return false;
    out = out * 10 + (c - '0');
  }
  return !s.empty();
}
}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z')
      x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z')
      y = static_cast<char>(y - 'A' + 'a');
    if (x != y)
      return false;
  }
  return true;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

void HeaderMap::set(std::string name, std::string value) {
  remove(name);
  add(std::move(name), std::move(value));
}

void HeaderMap::remove(std::string_view name) {
  std::erase_if(fields_, [&](const auto& f) { return iequals(f.first, name); });
}

std::size_t HeaderMap::count(std::string_view name) const {
  std::size_t n = 0;
  for (const auto& f : fields_)
    n += iequals(f.first, name) ? 1 : 0;
  return n;
}

std::vector<std::string_view> HeaderMap::values(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& f : fields_)
    if (iequals(f.first, name))
      out.push_back(trim(f.second));
  return out;
}

std::optional<std::string> HeaderMap::joined(std::string_view name) const {
  std::optional<std::string> out;
  for (const auto& f : fields_) {
    if (!iequals(f.first, name))
      continue;
    if (out)
      *out += ", ";
    else
      out.emplace();
    *out += trim(f.second);
  }
  return out;
}

std::string format_http_date(core::TimePoint t) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  const auto day = floor<days>(secs);
  const year_month_day ymd(day);
  const hh_mm_ss hms(secs - day);
  const weekday wd(day);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d GMT",
                kDays[wd.c_encoding()].data(), static_cast<unsigned>(ymd.day()),
                kMonths[static_cast<unsigned>(ymd.month()) - 1].data(),
                static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

bool parse_http_date(std::string_view s, core::TimePoint& out) {
  using namespace std::chrono;
  // "Sun, 06 Nov 1994 08:49:37 GMT": fixed length, fixed positions.
  if (s.size() != 29 || s.substr(3, 2) != ", " || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
      s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT")
    return false;
  std::size_t wd = 0;
  while (wd < kDays.size() && kDays[wd] != s.substr(0, 3))
    ++wd;
  std::size_t mon = 0;
  while (mon < kMonths.size() && kMonths[mon] != s.substr(8, 3))
    ++mon;
  int d, y, hh, mm, ss;
  if (wd == kDays.size() || mon == kMonths.size() || !digits(s.substr(5, 2), d) ||
      !digits(s.substr(12, 4), y) || !digits(s.substr(17, 2), hh) || !digits(s.substr(20, 2), mm) ||
      !digits(s.substr(23, 2), ss))
    return false;
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mon + 1)),
                           day(static_cast<unsigned>(d))};
  if (!ymd.ok() || hh > 23 || mm > 59 || ss > 60)
    return false;
  // The weekday must agree with the date: a mismatch means a hand-built or corrupted value.
  if (weekday(sys_days(ymd)).c_encoding() != wd)
    return false;
  out = time_point_cast<core::TimePoint::duration>(sys_days(ymd) + hours(hh) + minutes(mm) +
                                                   seconds(ss));
  return true;
}

}  // namespace guildhall::federation::signatures
