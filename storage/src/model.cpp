#include "guildhall/storage/model.hpp"

#include <array>
#include <utility>

#include "guildhall/storage/database.hpp"

namespace guildhall::storage {

namespace {

// One table per enum keeps text and value in a single place; the database CHECKs use the same
// words.
template <typename E, std::size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

constexpr Names<FederationPolicy, 3> kPolicies{{{FederationPolicy::none, "none"},
                                                {FederationPolicy::allow, "allow"},
                                                {FederationPolicy::block, "block"}}};
constexpr Names<ActorKind, 4> kActorKinds{{{ActorKind::person, "person"},
                                           {ActorKind::group, "group"},
                                           {ActorKind::application, "application"},
                                           {ActorKind::service, "service"}}};
constexpr Names<CommunityVisibility, 3> kVisibilities{
    {{CommunityVisibility::public_, "public"},
     {CommunityVisibility::private_, "private"},
     {CommunityVisibility::local_only, "local_only"}}};
constexpr Names<JoinPolicy, 2> kJoinPolicies{
    {{JoinPolicy::open, "open"}, {JoinPolicy::approval, "approval"}}};
constexpr Names<PostingPolicy, 2> kPostingPolicies{
    {{PostingPolicy::members, "members"}, {PostingPolicy::moderators, "moderators"}}};
constexpr Names<MemberRole, 3> kRoles{{{MemberRole::owner, "owner"},
                                       {MemberRole::moderator, "moderator"},
                                       {MemberRole::member, "member"}}};
constexpr Names<MemberState, 3> kMemberStates{{{MemberState::pending, "pending"},
                                               {MemberState::accepted, "accepted"},
                                               {MemberState::banned, "banned"}}};
constexpr Names<FollowState, 2> kFollowStates{
    {{FollowState::pending, "pending"}, {FollowState::accepted, "accepted"}}};
constexpr Names<ReactionKind, 3> kReactionKinds{{{ReactionKind::like, "like"},
                                                 {ReactionKind::dislike, "dislike"},
                                                 {ReactionKind::emoji, "emoji"}}};
constexpr Names<PostVisibility, 4> kPostVisibilities{{{PostVisibility::public_, "public"},
                                                      {PostVisibility::unlisted, "unlisted"},
                                                      {PostVisibility::private_, "private"},
                                                      {PostVisibility::direct, "direct"}}};
constexpr Names<MediaPurpose, 3> kMediaPurposes{{{MediaPurpose::attachment, "attachment"},
                                                 {MediaPurpose::avatar, "avatar"},
                                                 {MediaPurpose::header, "header"}}};
constexpr Names<Backend, 2> kBackends{
    {{Backend::sqlite, "sqlite"}, {Backend::postgres, "postgres"}}};

template <typename E, std::size_t N>
std::string_view name_of(const Names<E, N>& names, E value) noexcept {
  for (const auto& [v, name] : names)
    if (v == value)
      return name;
  return "?";
}

template <typename E, std::size_t N>
bool value_of(const Names<E, N>& names, std::string_view text, E& out) noexcept {
  for (const auto& [v, name] : names) {
    if (name == text) {
      out = v;
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view to_string(FederationPolicy v) noexcept {
  return name_of(kPolicies, v);
}
std::string_view to_string(ActorKind v) noexcept {
  return name_of(kActorKinds, v);
}
std::string_view to_string(CommunityVisibility v) noexcept {
  return name_of(kVisibilities, v);
}
std::string_view to_string(JoinPolicy v) noexcept {
  return name_of(kJoinPolicies, v);
}
std::string_view to_string(PostingPolicy v) noexcept {
  return name_of(kPostingPolicies, v);
}
std::string_view to_string(MemberRole v) noexcept {
  return name_of(kRoles, v);
}
std::string_view to_string(MemberState v) noexcept {
  return name_of(kMemberStates, v);
}
std::string_view to_string(FollowState v) noexcept {
  return name_of(kFollowStates, v);
}
std::string_view to_string(ReactionKind v) noexcept {
  return name_of(kReactionKinds, v);
}
std::string_view to_string(PostVisibility v) noexcept {
  return name_of(kPostVisibilities, v);
}
std::string_view to_string(MediaPurpose v) noexcept {
  return name_of(kMediaPurposes, v);
}
std::string_view to_string(Backend v) noexcept {
  return name_of(kBackends, v);
}

bool parse(std::string_view t, FederationPolicy& out) noexcept {
  return value_of(kPolicies, t, out);
}
bool parse(std::string_view t, ActorKind& out) noexcept {
  return value_of(kActorKinds, t, out);
}
bool parse(std::string_view t, CommunityVisibility& out) noexcept {
  return value_of(kVisibilities, t, out);
}
bool parse(std::string_view t, JoinPolicy& out) noexcept {
  return value_of(kJoinPolicies, t, out);
}
bool parse(std::string_view t, PostingPolicy& out) noexcept {
  return value_of(kPostingPolicies, t, out);
}
bool parse(std::string_view t, MemberRole& out) noexcept {
  return value_of(kRoles, t, out);
}
bool parse(std::string_view t, MemberState& out) noexcept {
  return value_of(kMemberStates, t, out);
}
bool parse(std::string_view t, FollowState& out) noexcept {
  return value_of(kFollowStates, t, out);
}
bool parse(std::string_view t, ReactionKind& out) noexcept {
  return value_of(kReactionKinds, t, out);
}
bool parse(std::string_view t, PostVisibility& out) noexcept {
  return value_of(kPostVisibilities, t, out);
}
bool parse(std::string_view t, MediaPurpose& out) noexcept {
  return value_of(kMediaPurposes, t, out);
}

}  // namespace guildhall::storage
