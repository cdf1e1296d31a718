#include "guildhall/storage/changes.hpp"

#include <array>
#include <charconv>
#include <utility>

#include "repo_context.hpp"

namespace guildhall::storage {

namespace {

constexpr std::array<std::pair<ChangeKind, std::string_view>, 10> kNames{{
    {ChangeKind::post_created, "post_created"},
    {ChangeKind::post_edited, "post_edited"},
    {ChangeKind::post_deleted, "post_deleted"},
    {ChangeKind::reaction_added, "reaction_added"},
    {ChangeKind::reblog_created, "reblog_created"},
    {ChangeKind::follow_created, "follow_created"},
    {ChangeKind::token_revoked, "token_revoked"},
    {ChangeKind::poll_closed, "poll_closed"},
    {ChangeKind::moderation_logged, "moderation_logged"},
    {ChangeKind::report_filed, "report_filed"},
}};

}  // namespace

std::string_view to_string(ChangeKind kind) noexcept {
  for (const auto& [k, name] : kNames)
    if (k == kind)
      return name;
  return "unknown";
}

std::optional<ChangeKind> parse_change_kind(std::string_view text) noexcept {
  for (const auto& [k, name] : kNames)
    if (name == text)
      return k;
  return std::nullopt;
}

namespace detail {

std::string encode_change(std::string_view origin, const Change& change) {
  std::string out(origin);
  out += ' ';
  out += to_string(change.kind);
  out += ' ';
  out += std::to_string(change.id);
  return out;
}

std::optional<Change> decode_foreign_change(std::string_view payload, std::string_view own_origin) {
  const auto first = payload.find(' ');
  const auto second = payload.find(' ', first == std::string_view::npos ? first : first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos)
    return std::nullopt;
  if (payload.substr(0, first) == own_origin)
    return std::nullopt;
  const auto kind = parse_change_kind(payload.substr(first + 1, second - first - 1));
  const auto digits = payload.substr(second + 1);
  Id id = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (!kind || ec != std::errc{} || end != digits.data() + digits.size())
    return std::nullopt;
  return Change{*kind, id};
}

}  // namespace detail

}  // namespace guildhall::storage
