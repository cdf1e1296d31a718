#pragma once

#include <string_view>

namespace guildhall::activitystreams {

// The AS2 (and common extension) types we understand. Anything else parses as `unknown` and keeps
// its type strings, so handlers can ignore it without the parser failing.
enum class Kind {
  unknown,
  // Actors
  person,
  group,
  service,
  application,
  organization,
  // Content and other objects
  object,
  note,
  page,
  article,
  question,
  event,
  place,
  tombstone,
  image,
  document,
  video,
  audio,
  // Links and tags
  link,
  mention,
  hashtag,
  emoji,
  // Collections
  collection,
  ordered_collection,
  collection_page,
  ordered_collection_page,
  // Activities
  create,
  update,
  delete_,  // "Delete" (`delete` is a keyword)
  follow,
  accept,
  reject,
  tentative_accept,
  undo,
  like,
  dislike,
  emoji_react,
  announce,
  add,
  remove,
  block,
  flag,
  lock,
  join,
  leave,
  move,
  choose_answer,  // PieFed's Q&A: the accepted answer of a question thread
  resolve,        // Lemmy: a report (Flag) was dealt with
  view,
};

// The AS2 type name ("Note", "Delete", ...); "" for unknown.
std::string_view to_string(Kind kind) noexcept;
// Accepts the compact name, the "as:" prefix and the full AS2 IRI; anything else is unknown.
Kind kind_from_string(std::string_view type) noexcept;

bool is_actor(Kind kind) noexcept;
bool is_activity(Kind kind) noexcept;
bool is_collection(Kind kind) noexcept;  // collections and their pages
bool is_link(Kind kind) noexcept;        // Link, Mention, Hashtag: `href` rather than `id`/`url`

}  // namespace guildhall::activitystreams
