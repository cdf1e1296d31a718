#include "guildhall/core/clock.hpp"

#include <charconv>
#include <cstdio>
#include <ctime>

namespace guildhall::core {

std::string format_rfc3339(TimePoint t) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(t.time_since_epoch()).count();  // floor: pre-1970 too
  std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  const int millis = static_cast<int>(ms - static_cast<long long>(secs) * 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];  // wide enough for any int year
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

namespace {
bool read_int(std::string_view s, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > s.size())
    return false;
  for (std::size_t i = pos; i < pos + len; ++i)
    if (s[i] < '0' || s[i] > '9')
      return false;
  std::from_chars(s.data() + pos, s.data() + pos + len, out);
  return true;
}
}  // namespace

bool parse_rfc3339(std::string_view s, TimePoint& out) {
  int year, mon, day, hour, min, sec;
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
    return false;
  if (!read_int(s, 0, 4, year) || !read_int(s, 5, 2, mon) || !read_int(s, 8, 2, day) ||
      !read_int(s, 11, 2, hour) || !read_int(s, 14, 2, min) || !read_int(s, 17, 2, sec))
    return false;
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
    return false;
  std::size_t pos = 19;
  long long nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 9)
        nanos = nanos * 10 + (s[pos] - '0'), ++digits;
      ++pos;
    }
    if (digits == 0)
      return false;
    while (digits++ < 9)
      nanos *= 10;
  }
  long offset_seconds = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    const bool negative = s[pos] == '-';
    if (!read_int(s, pos + 1, 2, oh))
      return false;
    std::size_t mpos = pos + 3;
    if (mpos < s.size() && s[mpos] == ':')
      ++mpos;
    if (!read_int(s, mpos, 2, om))
      return false;
    pos = mpos + 2;
    offset_seconds = (oh * 3600L + om * 60L) * (negative ? -1 : 1);
  } else {
    return false;  // a timestamp without a zone is ambiguous
  }
  if (pos != s.size())
    return false;
  using namespace std::chrono;
  const auto ymd = year_month_day{std::chrono::year{year}, month{static_cast<unsigned>(mon)},
                                  std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok())
    return false;
  auto tp = sys_days{ymd} + hours{hour} + minutes{min} + seconds{sec} - seconds{offset_seconds};
  out = time_point_cast<system_clock::duration>(tp + nanoseconds{nanos});
  return true;
}

}  // namespace guildhall::core
