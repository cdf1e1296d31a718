#include "guildhall/activitystreams/kind.hpp"

#include <utility>

namespace guildhall::activitystreams {
namespace {

constexpr std::pair<Kind, std::string_view> kNames[] = {
    {Kind::person, "Person"},
    {Kind::group, "Group"},
    {Kind::service, "Service"},
    {Kind::application, "Application"},
    {Kind::organization, "Organization"},
    {Kind::object, "Object"},
    {Kind::note, "Note"},
    {Kind::page, "Page"},
    {Kind::article, "Article"},
    {Kind::question, "Question"},
    {Kind::event, "Event"},
    {Kind::place, "Place"},
    {Kind::tombstone, "Tombstone"},
    {Kind::image, "Image"},
    {Kind::document, "Document"},
    {Kind::video, "Video"},
    {Kind::audio, "Audio"},
    {Kind::link, "Link"},
    {Kind::mention, "Mention"},
    {Kind::hashtag, "Hashtag"},
    {Kind::emoji, "Emoji"},
    {Kind::collection, "Collection"},
    {Kind::ordered_collection, "OrderedCollection"},
    {Kind::collection_page, "CollectionPage"},
    {Kind::ordered_collection_page, "OrderedCollectionPage"},
    {Kind::create, "Create"},
    {Kind::update, "Update"},
    {Kind::delete_, "Delete"},
    {Kind::follow, "Follow"},
    {Kind::accept, "Accept"},
    {Kind::reject, "Reject"},
    {Kind::tentative_accept, "TentativeAccept"},
    {Kind::undo, "Undo"},
    {Kind::like, "Like"},
    {Kind::dislike, "Dislike"},
    {Kind::emoji_react, "EmojiReact"},
    {Kind::announce, "Announce"},
    {Kind::add, "Add"},
    {Kind::remove, "Remove"},
    {Kind::block, "Block"},
    {Kind::flag, "Flag"},
    {Kind::lock, "Lock"},
    {Kind::join, "Join"},
    {Kind::leave, "Leave"},
    {Kind::move, "Move"},
    {Kind::choose_answer, "ChooseAnswer"},
    {Kind::resolve, "Resolve"},
    {Kind::view, "View"},
};

constexpr std::string_view kAsPrefix = "as:";
constexpr std::string_view kAsIri = "https://www.w3.org/ns/activitystreams#";

}  // namespace

std::string_view to_string(Kind kind) noexcept {
  for (const auto& [k, name] : kNames) {
    if (k == kind)
      return name;
  }
  return {};
}

Kind kind_from_string(std::string_view type) noexcept {
  if (type.starts_with(kAsPrefix))
    type.remove_prefix(kAsPrefix.size());
  else if (type.starts_with(kAsIri))
    type.remove_prefix(kAsIri.size());
  if (type.empty())
    return Kind::unknown;
  for (const auto& [k, name] : kNames) {
    if (name == type)
      return k;
  }
  return Kind::unknown;
}

bool is_actor(Kind kind) noexcept {
  return kind >= Kind::person && kind <= Kind::organization;
}

bool is_activity(Kind kind) noexcept {
  return kind >= Kind::create && kind <= Kind::view;
}

bool is_collection(Kind kind) noexcept {
  return kind >= Kind::collection && kind <= Kind::ordered_collection_page;
}

bool is_link(Kind kind) noexcept {
  return kind == Kind::link || kind == Kind::mention || kind == Kind::hashtag;
}

}  // namespace guildhall::activitystreams
